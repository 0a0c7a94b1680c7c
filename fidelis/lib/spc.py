"""XmR statistical process control charts, by the NHS "Making Data Count" rules.

The rules, constants and edge cases follow the R package NHSRplotthedots, version 0.2 (the
NHS-R Community's implementation of NHS England's Making Data Count "plot the dots"
method), so a chart drawn here says what that package says about the same series.

**Groups.** A series is split into groups at each rebase period: a rebase period is the
first point of a new group, and every group has its own centre line and limits. Special
cause rules look only within a group; no run, trend or window crosses a rebase.

**Centre line and limits.** Within a group the centre line is the mean of the values. The
moving ranges are the absolute differences between consecutive values of the group (the
first point of a group has none). Unless outlier screening is switched off, any moving
range that is not strictly below 3.267 times their mean is dropped and the mean moving
range is taken again from those left. The process limits are the mean plus and minus
2.66 times the mean moving range, and the near ("two sigma") limits the mean plus and
minus two thirds of that, 2 × (2.66 / 3) = 1.7733… times the mean moving range. With
``fix_after=N`` only the first N points of each group set its mean and limits; the later
points are still plotted and tested against them.

**Special cause rules**, each marking every point that takes part:

* ``outside_limits`` -- the value is strictly above the upper or strictly below the lower
  process limit. A value exactly on a limit is inside.
* ``trend`` -- seven points in a row, each strictly higher than the one before (or each
  strictly lower): six strict rises or six strict falls. An equal pair of neighbours
  breaks the run. Longer runs mark every point in them.
* ``two_in_three`` -- within three consecutive points that are all on the same side of
  the mean (none on it), at least two lie beyond the near limit on that side but inside
  the process limits. Only those beyond the near limit are marked; a point beyond the
  process limit does not count towards the two. A window must hold three real points, so
  two near-limit points at the very end of a series need a third before them.
* ``shift`` -- seven points in a row strictly on the same side of the mean. A point
  exactly on the mean breaks the run.

When a point takes part in more than one rule, the first in that order wins (outside the
limits, then trend, then two in three, then shift) and names its ``special_cause``.

**Point types.** The winning rule points up (above the mean, or an increasing trend) or
down (below the mean, or a decreasing trend). A trend point takes the direction of the
step to the next point when that point is also in a trend, otherwise of the step from
the point before; a flat step (only possible where one trend ends and the next starts at
an equal value) counts as falling, as it does in the package. Against the measure's
direction of improvement the point is then ``special_cause_improvement`` or
``special_cause_concern``; for a ``neutral`` measure it is ``special_cause_neutral_high``
or ``special_cause_neutral_low``; without a special cause it is ``common_cause``.

**Variation** is read from the last point of the series: ``common_cause``,
``improvement_high`` / ``improvement_low``, ``concern_high`` / ``concern_low`` or
``neutral_high`` / ``neutral_low``, the side being where the values went (so for a
measure where a decrease is better an improvement is ``improvement_low``).

**Assurance** compares an optional target with the last group's process limits: a target
strictly above the upper limit will consistently be missed when higher is better (and
consistently met when lower is better); a target strictly below the lower limit the
reverse; otherwise the process will sometimes meet it and sometimes not
(``inconsistent``). There is no assurance without a target or for a neutral measure.

**Short groups.** A group of fewer than 13 points (``SHORT_GROUP_THRESHOLD``, the
package's default threshold, although its messages speak of groups under 12) is marked
``short``: its limits are trial limits that will move as points are added.

**All values equal.** When every moving range that sets a group's limits is zero, the
mean moving range is zero and the limits and near limits all equal the mean. Screening
is not applied then: it would drop every zero moving range and leave none (the package
then has no limits at all, and flags nothing beyond trends and shifts).
The rules then work exactly as written: with no fixing every point sits on the mean, so
nothing is outside, near, shifted or trending and every point is common cause; after
``fix_after`` a later point off that mean is outside the limits.

**Input checks.** A series needs at least two points, and so does each group, to have a
moving range. Values must be finite real numbers; periods must be all integers, all
strings or all dates (or all datetimes), strictly increasing with no repeats; each rebase
period must be one of the series' periods (a rebase at the first period changes
nothing); ``fix_after`` must be a whole number of at least 12. Anything else raises
``ValueError`` saying what was wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from numbers import Integral, Real
from typing import Any, Literal

__all__ = [
    "DIRECTIONS",
    "LIMIT_FACTOR",
    "MIN_FIX_AFTER",
    "NEAR_LIMIT_FACTOR",
    "OUTLIER_FACTOR",
    "RULES",
    "RUN_LENGTH",
    "SHORT_GROUP_THRESHOLD",
    "Chart",
    "Group",
    "Point",
    "assurance",
    "parse_period",
    "point_type",
    "read_series_csv",
    "shift_ends",
    "special_causes",
    "trend_ends",
    "two_in_three_windows",
    "variation",
    "within_runs",
    "xmr_chart",
]

Direction = Literal["increase", "decrease", "neutral"]
Period = int | str | dt.date

DIRECTIONS: tuple[str, ...] = ("increase", "decrease", "neutral")

LIMIT_FACTOR = 2.66
NEAR_LIMIT_FACTOR = 2 * (LIMIT_FACTOR / 3)
OUTLIER_FACTOR = 3.267
RUN_LENGTH = 7
MIN_FIX_AFTER = 12
SHORT_GROUP_THRESHOLD = 13
MIN_POINTS = 2

#: The special cause rules, highest priority first.
RULES: tuple[str, ...] = ("outside_limits", "trend", "two_in_three", "shift")


@dataclass(frozen=True)
class Group:
    """One stretch of the series between rebases, with its own centre line and limits."""

    start: Period
    n: int
    mean: float
    lower_limit: float
    upper_limit: float
    lower_near_limit: float
    upper_near_limit: float
    average_moving_range: float
    short: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": _period_json(self.start),
            "n": self.n,
            "mean": self.mean,
            "lower_limit": self.lower_limit,
            "upper_limit": self.upper_limit,
            "lower_near_limit": self.lower_near_limit,
            "upper_near_limit": self.upper_near_limit,
            "average_moving_range": self.average_moving_range,
            "short": self.short,
        }


@dataclass(frozen=True)
class Point:
    """One point of the chart: which rules it takes part in, and what it means."""

    period: Period
    value: float
    group: int
    outside_limits: bool
    near_limit: bool
    trend: bool
    two_in_three: bool
    shift: bool
    special_cause: str | None
    point_type: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": _period_json(self.period),
            "value": self.value,
            "group": self.group,
            "outside_limits": self.outside_limits,
            "near_limit": self.near_limit,
            "trend": self.trend,
            "two_in_three": self.two_in_three,
            "shift": self.shift,
            "special_cause": self.special_cause,
            "point_type": self.point_type,
        }


@dataclass(frozen=True)
class Chart:
    """A whole XmR chart: its groups, its points, and the two summary icons' readings."""

    groups: tuple[Group, ...]
    points: tuple[Point, ...]
    variation: str
    assurance: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [group.to_dict() for group in self.groups],
            "points": [point.to_dict() for point in self.points],
            "variation": self.variation,
            "assurance": self.assurance,
        }


def _period_json(period: Period) -> int | str:
    return period.isoformat() if isinstance(period, dt.date) else period


# -- The rules, each on one group's values --------------------------------------------------


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def trend_ends(values: Sequence[float]) -> list[int]:
    """+1 at each point that ends seven strictly rising points, -1 at each that ends seven
    strictly falling points, 0 elsewhere (so the first six points are always 0)."""
    steps = [_sign(b - a) for a, b in pairwise(values)]
    ends = [0] * len(values)
    for i in range(RUN_LENGTH - 1, len(values)):
        last_six = steps[i - RUN_LENGTH + 1 : i]
        if all(s == 1 for s in last_six):
            ends[i] = 1
        elif all(s == -1 for s in last_six):
            ends[i] = -1
    return ends


def shift_ends(sides: Sequence[int]) -> list[bool]:
    """Whether each point ends seven points in a row on the same side of the mean, from
    each point's side (+1 above, -1 below, 0 on the mean)."""
    ends = [False] * len(sides)
    for i in range(RUN_LENGTH - 1, len(sides)):
        run = sides[i - RUN_LENGTH + 1 : i + 1]
        ends[i] = run[0] != 0 and all(s == run[0] for s in run)
    return ends


def within_runs(ends: Sequence[int | bool]) -> list[bool]:
    """Whether each point belongs to a run of seven: it, or one of the six points after
    it, ends a run."""
    return [any(ends[i : i + RUN_LENGTH]) for i in range(len(ends))]


def two_in_three_windows(near: Sequence[bool], sides: Sequence[int]) -> list[bool]:
    """Whether each point lies in some window of three consecutive points that are all on
    the same side of the mean and of which at least two are near a limit. (A point is
    marked for the rule only if it is itself one of the near ones.)"""
    n = len(near)
    qualifies = [
        sides[s] != 0
        and sides[s] == sides[s + 1] == sides[s + 2]
        and sum(bool(near[j]) for j in range(s, s + 3)) >= 2
        for s in range(n - 2)
    ]
    return [any(qualifies[s] for s in range(max(i - 2, 0), min(i, n - 3) + 1)) for i in range(n)]


def special_causes(
    values: Sequence[float],
    sides: Sequence[int],
    outside: Sequence[bool],
    in_trend: Sequence[bool],
    in_two_in_three: Sequence[bool],
    in_shift: Sequence[bool],
) -> list[tuple[str | None, int]]:
    """For each point of a group, the rule that wins (or None) and which way it points:
    +1 up (above the mean, or a rising trend), -1 down, 0 for no special cause. A trend
    point points the way of its step to the next point if that point is in a trend too,
    else of its step from the point before; a flat step counts as down."""
    n = len(values)
    result: list[tuple[str | None, int]] = []
    for i in range(n):
        up = 1 if sides[i] > 0 else -1
        if outside[i]:
            result.append(("outside_limits", 1 if sides[i] == 1 else -1))
        elif in_trend[i]:
            if i + 1 < n and in_trend[i + 1]:
                step = _sign(values[i + 1] - values[i])
            else:
                step = _sign(values[i] - values[i - 1]) if i > 0 else 0
            result.append(("trend", 1 if step == 1 else -1))
        elif in_two_in_three[i]:
            result.append(("two_in_three", up))
        elif in_shift[i]:
            result.append(("shift", up))
        else:
            result.append((None, 0))
    return result


def point_type(signal: int, direction: Direction) -> str:
    """A point's type from the way its special cause points (+1, -1 or 0) and the
    measure's direction of improvement."""
    if signal == 0:
        return "common_cause"
    if direction == "neutral":
        return "special_cause_neutral_high" if signal > 0 else "special_cause_neutral_low"
    better = signal * (1 if direction == "increase" else -1)
    return "special_cause_improvement" if better > 0 else "special_cause_concern"


def variation(last_point_type: str, direction: Direction) -> str:
    """The chart's variation reading from the type of its last point."""
    high_is_better = direction == "increase"
    return {
        "common_cause": "common_cause",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
        "special_cause_improvement": "improvement_high" if high_is_better else "improvement_low",
        "special_cause_concern": "concern_low" if high_is_better else "concern_high",
    }[last_point_type]


def assurance(
    target: float | None, lower_limit: float, upper_limit: float, direction: Direction
) -> str | None:
    """Whether the process will meet a target, from the last group's process limits."""
    if target is None or direction == "neutral":
        return None
    high_is_better = direction == "increase"
    if target > upper_limit:
        return "consistent_fail" if high_is_better else "consistent_pass"
    if target < lower_limit:
        return "consistent_pass" if high_is_better else "consistent_fail"
    return "inconsistent"


# -- Limits -------------------------------------------------------------------------------


def _mean(xs: Sequence[float]) -> float:
    """The mean from an exactly rounded sum; equal values give exactly that value back."""
    first = xs[0]
    if all(x == first for x in xs):
        return float(first)
    return math.fsum(xs) / len(xs)


@dataclass(frozen=True)
class _Limits:
    mean: float
    average_moving_range: float
    lower: float
    upper: float
    lower_near: float
    upper_near: float


def _limits(baseline: Sequence[float], screen_outliers: bool) -> _Limits:
    centre = _mean(baseline)
    moving_ranges = [abs(b - a) for a, b in pairwise(baseline)]
    amr = _mean(moving_ranges)
    if screen_outliers and amr > 0:
        cutoff = OUTLIER_FACTOR * amr
        amr = _mean([mr for mr in moving_ranges if mr < cutoff])
    return _Limits(
        mean=centre,
        average_moving_range=amr,
        lower=centre - LIMIT_FACTOR * amr,
        upper=centre + LIMIT_FACTOR * amr,
        lower_near=centre - NEAR_LIMIT_FACTOR * amr,
        upper_near=centre + NEAR_LIMIT_FACTOR * amr,
    )


# -- Input checks -------------------------------------------------------------------------


def _check_value(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValueError(f"{where} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number, not {value!r}")
    return number


def _period_kind(period: object) -> str:
    if isinstance(period, bool):
        return ""
    if isinstance(period, Integral):
        return "integer"
    if isinstance(period, str):
        return "string"
    if isinstance(period, dt.datetime):
        return "datetime"
    if isinstance(period, dt.date):
        return "date"
    return ""


def _check_period(period: object) -> Period:
    kind = _period_kind(period)
    if not kind:
        raise ValueError(f"a period must be an integer, a string or a date, not {period!r}")
    return int(period) if kind == "integer" else period


def _check_series(data: Iterable[tuple[Period, float]]) -> tuple[list[Period], list[float]]:
    periods: list[Period] = []
    values: list[float] = []
    for item in data:
        try:
            period, value = item
        except (TypeError, ValueError):
            raise ValueError(f"each point must be a (period, value) pair, not {item!r}") from None
        periods.append(_check_period(period))
        values.append(_check_value(value, f"the value for period {period!r}"))
    if len(values) < MIN_POINTS:
        raise ValueError(
            f"an XmR chart needs at least {MIN_POINTS} points, and {len(values)} were given"
        )
    kinds = sorted({_period_kind(period) for period in periods})
    if len(kinds) > 1:
        raise ValueError(f"the periods must all be of one kind, not a mix of {' and '.join(kinds)}")
    for before, after in pairwise(periods):
        if after == before:
            raise ValueError(f"period {after!r} appears more than once")
        try:
            out_of_order = after < before
        except TypeError:
            raise ValueError(f"periods {before!r} and {after!r} cannot be compared") from None
        if out_of_order:
            raise ValueError(
                f"the periods must be in increasing order, but {after!r} comes after {before!r}"
            )
    return periods, values


def _check_rebase(rebase: Iterable[Period], index_of: dict[Period, int]) -> set[int]:
    if isinstance(rebase, str | Integral | dt.date):
        raise ValueError(f"rebase must be a collection of periods, not the one period {rebase!r}")
    starts = {0}
    for period in rebase:
        checked = _check_period(period)
        if checked not in index_of:
            raise ValueError(f"rebase period {period!r} is not one of the series' periods")
        starts.add(index_of[checked])
    return starts


def _check_options(
    direction: object, target: object, fix_after: object, screen_outliers: object
) -> float | None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    if fix_after is not None and (
        isinstance(fix_after, bool) or not isinstance(fix_after, int) or fix_after < MIN_FIX_AFTER
    ):
        raise ValueError(
            f"fix_after must be a whole number of at least {MIN_FIX_AFTER} points, "
            f"not {fix_after!r}"
        )
    if not isinstance(screen_outliers, bool):
        raise ValueError(f"screen_outliers must be True or False, not {screen_outliers!r}")
    return None if target is None else _check_value(target, "the target")


# -- The chart ----------------------------------------------------------------------------


def xmr_chart(
    data: Iterable[tuple[Period, float]],
    *,
    direction: Direction = "increase",
    target: float | None = None,
    rebase: Iterable[Period] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
    short_group_threshold: int = SHORT_GROUP_THRESHOLD,
) -> Chart:
    """The XmR chart of a series of ``(period, value)`` pairs given in period order.

    ``direction`` says which way is better (``"increase"``, ``"decrease"`` or
    ``"neutral"``); ``target`` is an optional target for the assurance reading;
    ``rebase`` lists the periods that start a new group; ``fix_after`` fixes each group's
    limits on its first N points; ``screen_outliers`` drops outlying moving ranges before
    the limits are worked out; a group of fewer than ``short_group_threshold`` points is
    marked short. Raises ValueError on bad input (see the module docstring).
    """
    periods, values = _check_series(data)
    checked_target = _check_options(direction, target, fix_after, screen_outliers)
    index_of = {period: i for i, period in enumerate(periods)}
    bounds = [*sorted(_check_rebase(rebase, index_of)), len(values)]

    groups: list[Group] = []
    points: list[Point] = []
    for number, (first, stop) in enumerate(pairwise(bounds)):
        ys = values[first:stop]
        if len(ys) < MIN_POINTS:
            raise ValueError(
                f"the group starting at period {periods[first]!r} has only {len(ys)} point; "
                f"each group needs at least {MIN_POINTS} to have a moving range"
            )
        limits = _limits(ys if fix_after is None else ys[:fix_after], screen_outliers)
        groups.append(
            Group(
                start=periods[first],
                n=len(ys),
                mean=limits.mean,
                lower_limit=limits.lower,
                upper_limit=limits.upper,
                lower_near_limit=limits.lower_near,
                upper_near_limit=limits.upper_near,
                average_moving_range=limits.average_moving_range,
                short=len(ys) < short_group_threshold,
            )
        )
        outside = [y > limits.upper or y < limits.lower for y in ys]
        near = [
            not out and (y < limits.lower_near or y > limits.upper_near)
            for y, out in zip(ys, outside, strict=True)
        ]
        sides = [_sign(y - limits.mean) for y in ys]
        in_trend = within_runs(trend_ends(ys))
        in_shift = within_runs(shift_ends(sides))
        windows = two_in_three_windows(near, sides)
        in_two_in_three = [w and c for w, c in zip(windows, near, strict=True)]
        causes = special_causes(ys, sides, outside, in_trend, in_two_in_three, in_shift)
        for k, (rule, signal) in enumerate(causes):
            points.append(
                Point(
                    period=periods[first + k],
                    value=ys[k],
                    group=number,
                    outside_limits=outside[k],
                    near_limit=near[k],
                    trend=in_trend[k],
                    two_in_three=in_two_in_three[k],
                    shift=in_shift[k],
                    special_cause=rule,
                    point_type=point_type(signal, direction),
                )
            )

    last = groups[-1]
    return Chart(
        groups=tuple(groups),
        points=tuple(points),
        variation=variation(points[-1].point_type, direction),
        assurance=assurance(
            checked_target,
            last.lower_limit,
            last.upper_limit,
            direction,
        ),
    )


# Reading a series from a CSV file -------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def parse_period(text: str) -> Period:
    """A period as written in a file: an integer (``7``), a month (``2025-04``, kept as
    that text, which sorts in time order) or a day (``2025-04-30``, a date). Raises
    ValueError saying which forms are allowed."""
    text = text.strip()
    if _INTEGER.match(text):
        return int(text)
    month = _MONTH.match(text)
    if month:
        if not 1 <= int(month.group(2)) <= 12:
            raise ValueError(f"{text!r} is not a month: the month is from 01 to 12")
        return text
    if _DAY.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date") from None
    raise ValueError(
        f"{text!r} is not a period: write an integer (7), a month (2025-04) or a day (2025-04-30)"
    )


def _period_form(period: Period) -> str:
    if isinstance(period, int):
        return "an integer"
    return "a month" if isinstance(period, str) else "a day"


def read_series_csv(text: str) -> list[tuple[Period, float]]:
    """The ``(period, value)`` pairs of a CSV file with the columns ``period,value`` (a
    header row naming them, in either order; other columns are ignored). Every period is
    written the same way (see ``parse_period``) and periods rise row by row. Raises
    ValueError naming the line of the first problem."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    names = [name.strip().lower() for name in header or []]
    if "period" not in names or "value" not in names:
        raise ValueError("line 1: the first row must name the columns period and value")
    at_period, at_value = names.index("period"), names.index("value")
    series: list[tuple[Period, float]] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) <= max(at_period, at_value):
            raise ValueError(f"line {line}: expected a period and a value")
        try:
            period = parse_period(row[at_period])
        except ValueError as error:
            raise ValueError(f"line {line}: {error}") from None
        try:
            value = float(row[at_value].strip())
        except ValueError:
            raise ValueError(f"line {line}: {row[at_value].strip()!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"line {line}: the value must be a finite number")
        if series:
            before = series[-1][0]
            if type(period) is not type(before):
                raise ValueError(
                    f"line {line}: the period is {_period_form(period)}, but the rows "
                    f"before give {_period_form(before)}: write every period the same way"
                )
            if period <= before:
                raise ValueError(
                    f"line {line}: period {row[at_period].strip()} does not come after the "
                    "one before: list periods in order, each once"
                )
        series.append((period, value))
    if len(series) < MIN_POINTS:
        raise ValueError(f"the file has {len(series)} data rows: a chart needs at least 2")
    return series
