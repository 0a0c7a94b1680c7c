"""Routine service measures a programme follows month by month, each team's values, the
periods from which a team's chart starts again, and each chart's latest reading. A team's
charts are worked out from its values when shown (fidelis.lib.spc); the latest readings
are kept so that a page of every team reads them without drawing every chart, and are
written again whenever a team's values or rebases change (outcomes.actions)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from fidelis.lib.questionnaires import Questionnaire
from fidelis.programmes.models import Programme, Team
from fidelis.validators import SafeTextField


class Direction(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither higher nor lower is better"


class Measure(models.Model):
    """One routine measure of the service (how fast referrals are seen, how many people are
    admitted, how satisfied people are), defined once for the whole programme: every
    team's values of it are read the same way. A rate is kept with its numerator and
    denominator; its value is numerator / denominator × `rate_scale` (100 for a share in
    per cent, or per 100 episodes)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=60, help_text="How a value reads: %, days, score.")
    description = SafeTextField(blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.FloatField(null=True, blank=True)
    is_rate = models.BooleanField(default=False)
    rate_scale = models.FloatField(default=100)
    # A questionnaire scored by summing its items (the CSQ-8: 8 items scored 1 to 4): its
    # monthly value is the mean total of the month's returns, worked out from each return's
    # answers on import. 0 items: the value is given as it is.
    response_items = models.PositiveSmallIntegerField(default=0)
    item_low = models.PositiveSmallIntegerField(default=1)
    item_high = models.PositiveSmallIntegerField(default=4)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_measure_key")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def questionnaire(self) -> Questionnaire | None:
        if not self.response_items:
            return None
        return Questionnaire(items=self.response_items, low=self.item_low, high=self.item_high)

    def format(self, value: float | None) -> str:
        """A value as people read it: one decimal place at most, with the unit."""
        if value is None:
            return "–"
        text = f"{value:.1f}".rstrip("0").rstrip(".")
        return f"{text}%" if self.unit == "%" else f"{text} {self.unit}"


class MeasureValue(models.Model):
    """One team's value of a measure for one month (`period` is the month's first day)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="measure_values")
    period = models.DateField()
    value = models.FloatField()
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    # For a questionnaire: how many returns the value is the mean total of.
    responses = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["measure", "team", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "team", "period"], name="unique_measure_value"
            )
        ]
        indexes = [
            models.Index(fields=["team", "measure", "period"], name="value_by_team"),
            # Every team's values of a measure over a span of months, read without the
            # table (fidelity beside outcomes' six-month means).
            models.Index(fields=["measure", "period", "team", "value"], name="value_by_month"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.measure} {self.period:%Y-%m}: {self.value:g}"


class Rebase(models.Model):
    """A month from which a team's chart of a measure starts a new group with its own mean
    and limits, after a real change to the service, with the reason the lead gave."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="rebases")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rebases")
    period = models.DateField()
    reason = SafeTextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "team", "period"], name="unique_rebase")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.measure} from {self.period:%B %Y}"


class Reading(models.Model):
    """The latest reading of one team's chart of one measure: what the variation icon and
    the assurance icon say, and the latest month's value. Kept for the programme's page
    of every team; written by outcomes.actions.refresh_readings from the values."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="readings")
    variation = models.CharField(max_length=20, blank=True)  # blank: fewer than 2 values
    assurance = models.CharField(max_length=20, blank=True)
    period = models.DateField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    # Fidelity beside outcomes' two six-month windows, from the first month of the one
    # before the programme (`windows_from`): their means and how many months each holds.
    # A different programme start makes them stale, and the page then works them out.
    windows_from = models.DateField(null=True, blank=True)
    before_mean = models.FloatField(null=True, blank=True)
    before_months = models.PositiveSmallIntegerField(default=0)
    after_mean = models.FloatField(null=True, blank=True)
    after_months = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "team"], name="unique_reading")]
        indexes = [models.Index(fields=["team", "measure"], name="reading_by_team")]

    def __str__(self) -> str:
        return f"{self.team} {self.measure}: {self.variation or 'no chart'}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
