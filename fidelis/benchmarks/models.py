"""Benchmarks: the programme's figures at each review timepoint, worked out ahead.

A dashboard compares one team with the programme: the median and quartiles of totals,
sections and items over every team's finalised review at the same timepoint. At a
thousand teams that reads every agreed score, so the figures are worked out when a review
is finalised or amended (in the background) and stored here for the dashboards to read.
"""

from django.db import models
from django.utils import timezone

from fidelis.lib.benchmarks import Distribution


class Benchmark(models.Model):
    """The spread of agreed results across a programme's teams at one timepoint."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="benchmarks"
    )
    timepoint = models.ForeignKey(
        "programmes.ReviewTimepoint", on_delete=models.CASCADE, related_name="benchmarks"
    )
    n_teams = models.PositiveIntegerField(default=0)
    # {"total": Distribution, "mean": ..., "sections": {number: ...}, "items": {number:
    # ...}, "bands": {band key: teams}, "item_changes": {number: {"median": change, "n":
    # teams}} against the programme's first timepoint}; see fidelis.benchmarks.actions.
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "timepoint__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "timepoint"], name="one_benchmark_per_timepoint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.timepoint} ({self.n_teams} teams)"

    def spread(self, *path) -> Distribution | None:
        """A stored distribution: spread("total"), spread("sections", 2), spread("items", 7)."""
        data = self.figures
        for key in path:
            data = (data or {}).get(str(key)) if isinstance(data, dict) else None
        return Distribution.from_dict(data) if data else None
