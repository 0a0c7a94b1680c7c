"""Fidelity scales as stored: the validated file data plus rows for each section, item and
criterion, so reviews can refer to them."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from fidelis.lib.scalefile import Scale

_DEFINITIONS: dict[tuple, Scale] = {}


class ScaleInUse(ValueError):
    """A scale version that reviews have used was about to change."""


class FidelityScale(models.Model):
    """One version of a fidelity scale. Immutable once a review has used it."""

    slug = models.SlugField()
    version = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    citation = models.TextField(blank=True)
    licence = models.TextField()
    demonstration = models.BooleanField(default=False)
    data = models.JSONField(help_text="The whole validated scale, in the file format's layout.")
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
        help_text="The earlier version this one's item mapping refers to.",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_scale_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_in_use():
            stored = FidelityScale.objects.filter(pk=self.pk).values_list("data", flat=True).first()
            if stored != self.data:
                raise ScaleInUse(
                    f"{self} is used by reviews and cannot change; import the changed scale "
                    "as a new version."
                )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("scale", args=[self.slug, self.version])

    @property
    def definition(self) -> Scale:
        # Rebuilding a scale from JSON is not free and pages touch it per row; stored
        # versions never change once used, so one parsed copy per version is kept.
        key = (self.pk, self.imported_at)
        cached = _DEFINITIONS.get(key)
        if cached is None or self.pk is None:
            cached = Scale.from_dict(self.data)
            if self.pk is not None:
                _DEFINITIONS[key] = cached
        return cached

    def is_in_use(self) -> bool:
        """True once any review has used this version; it may then never change.

        Reviews sit above scales in the layers, so this reads the reverse relation they
        declare (`Review.scale`, related name "reviews") rather than importing them."""
        return self.reviews.exists()


class Section(models.Model):
    """A section of a scale version."""

    scale = models.ForeignKey(FidelityScale, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["scale", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="unique_section_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Item(models.Model):
    """An item of a scale version; its full definition is in the scale's data."""

    scale = models.ForeignKey(FidelityScale, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    rule_kind = models.CharField(max_length=20)
    previous_item = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The same item in the previous version of the scale, if any.",
    )

    class Meta:
        ordering = ["scale", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="unique_item_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("scale_item", args=[self.scale.slug, self.scale.version, self.number])

    @property
    def definition(self):
        return self.scale.definition.item(self.number)


class Criterion(models.Model):
    """A lettered criterion of an item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="criteria")
    letter = models.CharField(max_length=2)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "letter"], name="unique_criterion_letter")
        ]

    def __str__(self) -> str:
        return f"{self.item.number}{self.letter}"
