"""Writes to the outcomes: the programme's starter measures, and a team's rebases."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from fidelis.outcomes.beside import series_means, windows_of
from fidelis.outcomes.charts import chart_of
from fidelis.outcomes.models import (
    Direction,
    Measure,
    MeasureValue,
    Reading,
    Rebase,
    month_start,
)
from fidelis.programmes.models import Programme
from fidelis.validators import check_text

#: The measures a programme starts with (the lead may add or change them): key, name, unit,
#: direction, target, whether it is a rate, and what it means.
STARTER_MEASURES = (
    (
        "assessed-4h",
        "Referrals assessed within 4 hours",
        "%",
        Direction.INCREASE,
        90.0,
        True,
        "Of the month's new referrals, the share seen face to face for assessment within "
        "4 hours of the referral.",
    ),
    (
        "admissions",
        "Admissions per 100 episodes",
        "per 100",
        Direction.DECREASE,
        None,
        True,
        "Admissions to acute beds during or within a week of a crisis episode, per 100 "
        "episodes ending in the month.",
    ),
    (
        "gatekeeping",
        "Admissions gatekept",
        "%",
        Direction.INCREASE,
        95.0,
        True,
        "Of the month's admissions to acute beds, the share the team assessed before the "
        "admission.",
    ),
    (
        "readmissions",
        "Readmissions within 28 days",
        "%",
        Direction.DECREASE,
        None,
        True,
        "Of the month's discharges from the team, the share readmitted to an acute bed "
        "within 28 days.",
    ),
    (
        "episode-length",
        "Mean episode length",
        "days",
        Direction.NEUTRAL,
        None,
        False,
        "The mean length, in days, of the episodes ending in the month.",
    ),
    (
        "csq8",
        "Satisfaction (CSQ-8)",
        "points",
        Direction.INCREASE,
        None,
        False,
        "The mean Client Satisfaction Questionnaire total of the month's returns: eight "
        "items scored 1 to 4, summed to 8 to 32. Fidelis works it out from each return's "
        "answers.",
    ),
    (
        "staff-wellbeing",
        "Staff wellbeing",
        "points",
        Direction.INCREASE,
        None,
        False,
        "The team's mean score on the programme's short staff wellbeing check (0 to 10).",
    ),
)


#: Starter measures worked out from questionnaire returns: key -> (items, lowest, highest).
STARTER_QUESTIONNAIRES = {"csq8": (8, 1, 4)}


def add_starter_measures(*, programme) -> list[Measure]:
    """The starter measures for a programme that has none of them yet (kept as they are
    where a key is already taken)."""
    taken = set(programme.measures.values_list("key", flat=True))
    added = [
        Measure(
            programme=programme,
            key=key,
            name=name,
            unit=unit,
            direction=direction,
            target=target,
            is_rate=is_rate,
            description=description,
            order=order,
            **dict(
                zip(
                    ("response_items", "item_low", "item_high"),
                    STARTER_QUESTIONNAIRES.get(key, (0, 1, 4)),
                    strict=True,
                )
            ),
        )
        for order, (key, name, unit, direction, target, is_rate, description) in enumerate(
            STARTER_MEASURES
        )
        if key not in taken
    ]
    return Measure.objects.bulk_create(added)


def refresh_readings(*, team_ids: list[int], measures: list[Measure]) -> int:
    """Work out again the latest reading of each of these teams' charts of these measures
    and keep it (replacing what was kept). Returns the number of readings written."""
    by_id = {m.pk: m for m in measures}
    points: dict[tuple[int, int], list] = {}
    for team_id, measure_id, period, value in (
        MeasureValue.objects.filter(team_id__in=team_ids, measure__in=measures)
        .order_by("team_id", "measure_id", "period")
        .values_list("team_id", "measure_id", "period", "value")
    ):
        points.setdefault((team_id, measure_id), []).append((period, value))
    rebases: dict[tuple[int, int], list] = {}
    for team_id, measure_id, period in Rebase.objects.filter(
        team_id__in=team_ids, measure__in=measures
    ).values_list("team_id", "measure_id", "period"):
        rebases.setdefault((team_id, measure_id), []).append(period)
    windows = {
        programme.pk: windows_of(programme)
        for programme in Programme.objects.filter(pk__in={m.programme_id for m in measures}).only(
            "pk", "start_date"
        )
    }
    readings = []
    for team_id in team_ids:
        for measure_id, measure in by_id.items():
            series = points.get((team_id, measure_id), [])
            chart = chart_of(measure, series, sorted(rebases.get((team_id, measure_id), [])))
            window = windows[measure.programme_id]
            before, before_months, after, after_months = series_means(series, window)
            readings.append(
                Reading(
                    measure=measure,
                    team_id=team_id,
                    variation=chart.variation if chart else "",
                    assurance=(chart.assurance or "") if chart else "",
                    period=series[-1][0] if series else None,
                    value=series[-1][1] if series else None,
                    windows_from=window.before_start,
                    before_mean=before,
                    before_months=before_months,
                    after_mean=after,
                    after_months=after_months,
                )
            )
    with transaction.atomic():
        Reading.objects.filter(team_id__in=team_ids, measure__in=measures).delete()
        Reading.objects.bulk_create(readings, batch_size=5000)
    return len(readings)


@transaction.atomic
def set_rebase(*, measure: Measure, team, period: datetime.date, reason: str, by) -> Rebase:
    """Start the team's chart of the measure again from `period`, for a reason. The month
    must hold one of the team's values, and not be its first."""
    check_text(limits={"reason": 1_000}, reason=reason)
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": "Say what changed in the service from this month, for everyone "
                "reading the chart."
            }
        )
    period = month_start(period)
    months = list(
        MeasureValue.objects.filter(measure=measure, team=team)
        .order_by("period")
        .values_list("period", flat=True)
    )
    if period not in months:
        raise ValidationError({"period": "Choose a month the team has a value for."})
    if period == months[0]:
        raise ValidationError(
            {"period": "The chart already starts in this month: choose a later one."}
        )
    if Rebase.objects.filter(measure=measure, team=team, period=period).exists():
        raise ValidationError({"period": "The chart already starts again in this month."})
    rebase = Rebase.objects.create(
        measure=measure, team=team, period=period, reason=reason.strip(), created_by=by
    )
    refresh_readings(team_ids=[team.pk], measures=[measure])
    return rebase


@transaction.atomic
def remove_rebase(*, rebase: Rebase) -> None:
    rebase.delete()
    refresh_readings(team_ids=[rebase.team_id], measures=[rebase.measure])


#: The fields of a measure's definition the lead writes.
DEFINITION = (
    "name",
    "key",
    "unit",
    "description",
    "direction",
    "target",
    "is_rate",
    "rate_scale",
    "response_items",
    "item_low",
    "item_high",
)


@transaction.atomic
def save_measure(*, programme, measure: Measure | None = None, definition: dict) -> Measure:
    """Add a measure to the programme, or change one: every team's charts of it are then
    read again (a new direction or target changes what they say)."""
    check_text(
        limits={"name": 200, "description": 2_000},
        **{k: definition.get(k) or "" for k in ("name", "description")},
    )
    problems = {}
    taken = Measure.objects.filter(programme=programme, key=definition["key"])
    if measure is not None:
        taken = taken.exclude(pk=measure.pk)
    if taken.exists():
        problems["key"] = "Another of the programme's measures has this key: choose another."
    if definition["direction"] == Direction.NEUTRAL and definition.get("target") is not None:
        problems["target"] = (
            "A measure where neither direction is better has no target: leave it empty, or "
            "say which way is better."
        )
    if definition.get("response_items") and definition["item_low"] >= definition["item_high"]:
        problems["item_high"] = "Each item's highest answer must be above its lowest."
    if problems:
        raise ValidationError(problems)
    if measure is None:
        last = Measure.objects.filter(programme=programme).order_by("-order").first()
        measure = Measure(programme=programme, order=(last.order + 1) if last else 0)
    for name in DEFINITION:
        setattr(measure, name, definition[name])
    measure.save()
    team_ids = sorted(
        set(MeasureValue.objects.filter(measure=measure).values_list("team_id", flat=True))
    )
    if team_ids:
        refresh_readings(team_ids=team_ids, measures=[measure])
    return measure


def remove_measure(*, measure: Measure) -> None:
    """Remove a measure that holds no values yet (one with values stays: its history is
    the teams')."""
    if MeasureValue.objects.filter(measure=measure).exists():
        raise ValidationError(
            "This measure holds the teams' monthly values, so it stays. Change its name or "
            "description instead."
        )
    measure.delete()
