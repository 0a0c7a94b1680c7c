from django.db import models


class Review(models.Model):
    """A fidelity review of one team at one timepoint."""

    team = models.ForeignKey("programmes.Team", on_delete=models.CASCADE, related_name="reviews")
    scale = models.ForeignKey(
        "scales.FidelityScale", on_delete=models.PROTECT, related_name="reviews"
    )
