"""Fidelity beside outcomes: for each team, the change in its agreed fidelity total from
the programme's first review to its last, next to the change in a routine measure from
the six months before the programme to months 7 to 12 of it.

Read across the teams, this shows whether teams whose fidelity rose more also moved more
on a measure: an association in a small sample, never evidence that one caused the other
(teams differ in many ways, and the measures move for many reasons)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from fidelis.outcomes.models import Direction, Measure, MeasureValue, Reading, month_start
from fidelis.programmes.models import add_months
from fidelis.reviews.models import Review, Status

#: The fewest months of values in each six-month window for a team's change to count.
MIN_MONTHS = 3


@dataclass(frozen=True)
class Windows:
    """The months compared: [before_start, before_end) against [after_start, after_end)."""

    before_start: datetime.date
    before_end: datetime.date
    after_start: datetime.date
    after_end: datetime.date

    @property
    def before_last(self) -> datetime.date:
        return add_months(self.before_end, -1)

    @property
    def after_last(self) -> datetime.date:
        return add_months(self.after_end, -1)


def windows_of(programme) -> Windows:
    """The six months before the programme's first month, and its months 7 to 12."""
    start = month_start(programme.start_date)
    return Windows(
        before_start=add_months(start, -6),
        before_end=start,
        after_start=add_months(start, 6),
        after_end=add_months(start, 12),
    )


@dataclass(slots=True)
class Window:
    mean: float | None
    months: int


@dataclass(slots=True)
class TeamChange:
    """One team's fidelity totals and one measure's two windows, with the two changes
    (None where a review is missing or a window has fewer than MIN_MONTHS months)."""

    team_id: int
    organisation_id: int
    name: str
    pseudonym: str
    slug: str
    first_total: int | None
    last_total: int | None
    before: Window
    after: Window
    fidelity_change: int | None
    measure_change: float | None

    @property
    def complete(self) -> bool:
        return self.fidelity_change is not None and self.measure_change is not None

    @property
    def missing(self) -> str:
        """Why the team is not in the comparison, in words ("" when it is)."""
        reasons = []
        if self.first_total is None:
            reasons.append("no finalised first review")
        if self.last_total is None:
            reasons.append("no finalised last review")
        if self.before.months < MIN_MONTHS:
            reasons.append(f"{self.before.months} of 6 months before")
        if self.after.months < MIN_MONTHS:
            reasons.append(f"{self.after.months} of 6 months in months 7 to 12")
        return "; ".join(reasons)


def first_and_last_timepoints(programme):
    """The programme's first and last review timepoints (None, None with fewer than two)."""
    timepoints = list(programme.timepoints.order_by("order", "month"))
    if len(timepoints) < 2:
        return None, None
    return timepoints[0], timepoints[-1]


def totals(programme, first, last) -> dict[tuple[int, int], int]:
    """{(team id, timepoint id): agreed total} of the programme's finalised reviews on its
    scale at the two timepoints (the timepoints are the programme's own, so no join
    through its teams is needed)."""
    return {
        (team_id, timepoint_id): total
        for team_id, timepoint_id, total in Review.objects.filter(
            timepoint__in=[first, last],
            status=Status.FINALISED,
            scale_id=programme.scale_id,
            total__isnull=False,
        )
        .order_by()  # not the reviews' default order, which joins the teams to sort
        .values_list("team_id", "timepoint_id", "total")
    }


def series_means(series, windows: Windows) -> tuple:
    """(mean before, months before, mean after, months after) of one team's monthly values
    of a measure, [(period, value), ...]: what `Reading` keeps for the windows."""
    before = [v for period, v in series if windows.before_start <= period < windows.before_end]
    after = [v for period, v in series if windows.after_start <= period < windows.after_end]
    return (
        sum(before) / len(before) if before else None,
        len(before),
        sum(after) / len(after) if after else None,
        len(after),
    )


def live_window_means(measure: Measure, windows: Windows) -> dict[int, tuple]:
    """{team id: (mean before, months before, mean after, months after)} of every team with
    values of the measure in either window, worked out from the values: one grouped query
    per window, each reading only its six months from the index by measure and month."""
    found: dict[int, list] = {}
    for index, (start, end) in enumerate(
        ((windows.before_start, windows.before_end), (windows.after_start, windows.after_end))
    ):
        for team_id, mean, months in (
            MeasureValue.objects.filter(measure=measure, period__gte=start, period__lt=end)
            .order_by()
            .values("team_id")
            .annotate(mean=Avg("value"), months=Count("pk"))
            .values_list("team_id", "mean", "months")
        ):
            found.setdefault(team_id, [None, 0, None, 0])[2 * index : 2 * index + 2] = [
                mean,
                months,
            ]
    return {team_id: tuple(row) for team_id, row in found.items()}


def window_means(measure: Measure, windows: Windows) -> dict[int, tuple]:
    """The same as live_window_means, read from the teams' kept readings (written with
    every change to the values); worked out from the values instead when any reading was
    kept for other windows (the programme's start has moved since)."""
    readings = Reading.objects.filter(measure=measure).order_by()
    if readings.exclude(windows_from=windows.before_start).exists():
        return live_window_means(measure, windows)
    return {
        team_id: tuple(means)
        for team_id, *means in readings.filter(
            Q(before_months__gt=0) | Q(after_months__gt=0)
        ).values_list("team_id", "before_mean", "before_months", "after_mean", "after_months")
    }


def changes(programme, teams, measure: Measure, found: dict | None = None) -> list[TeamChange]:
    """Every team's change in fidelity and in the measure, in the teams' order (`found`:
    the totals, when already read for another measure)."""
    first, last = first_and_last_timepoints(programme)
    if found is None:
        found = totals(programme, first, last) if first else {}
    means = window_means(measure, windows_of(programme))
    first_id = first.pk if first else None
    last_id = last.pk if last else None
    nothing = (None, 0, None, 0)
    rows = []
    for team in teams:
        before, before_n, after, after_n = means.get(team.pk, nothing)
        first_total = found.get((team.pk, first_id))
        last_total = found.get((team.pk, last_id))
        rows.append(
            TeamChange(
                team_id=team.pk,
                organisation_id=team.organisation_id,
                name=team.name,
                pseudonym=team.pseudonym,
                slug=team.slug,
                first_total=first_total,
                last_total=last_total,
                before=Window(before, before_n),
                after=Window(after, after_n),
                fidelity_change=None
                if first_total is None or last_total is None
                else last_total - first_total,
                measure_change=after - before
                if before_n >= MIN_MONTHS and after_n >= MIN_MONTHS
                else None,
            )
        )
    return rows


@dataclass
class Summary:
    """How the complete teams fall: fidelity up or not, the measure better or not."""

    n: int
    up_better: int
    up_worse: int
    not_up_better: int
    not_up_worse: int


def summary(rows: list[TeamChange], measure: Measure) -> Summary:
    """Counts of the complete teams by whether fidelity rose and whether the measure moved
    in its better direction (a neutral measure counts a rise as "better")."""
    sign = -1 if measure.direction == Direction.DECREASE else 1
    counts = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
    complete = [r for r in rows if r.complete]
    for row in complete:
        counts[(row.fidelity_change > 0, sign * row.measure_change > 0)] += 1
    return Summary(
        n=len(complete),
        up_better=counts[(True, True)],
        up_worse=counts[(True, False)],
        not_up_better=counts[(False, True)],
        not_up_worse=counts[(False, False)],
    )
