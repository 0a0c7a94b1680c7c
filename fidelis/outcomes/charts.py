"""A team's measures as XmR charts: the statistics from fidelis.lib.spc, the words that
say what each chart shows, and one Vega-Lite chart per measure, drawn on the server."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from markupsafe import Markup

from fidelis.charts import NHS_BLUE, NHS_MID_GREY, NHS_TEXT, house_style, render_svg
from fidelis.lib import spc
from fidelis.outcomes.models import Direction, Measure

IMPROVEMENT_COLOUR = NHS_BLUE
CONCERN_COLOUR = "#ed8b00"
NEUTRAL_COLOUR = "#330072"
COMMON_COLOUR = NHS_MID_GREY

POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Improvement",
    "special_cause_concern": "Concern",
    "special_cause_neutral_high": "Special cause, high",
    "special_cause_neutral_low": "Special cause, low",
}
POINT_COLOURS = {
    "common_cause": COMMON_COLOUR,
    "special_cause_improvement": IMPROVEMENT_COLOUR,
    "special_cause_concern": CONCERN_COLOUR,
    "special_cause_neutral_high": NEUTRAL_COLOUR,
    "special_cause_neutral_low": NEUTRAL_COLOUR,
}
RULE_WORDS = {
    "outside_limits": "outside the process limits",
    "trend": "part of a run of 7 rising or falling",
    "two_in_three": "2 of 3 near a limit",
    "shift": "part of 7 on one side of the mean",
}
#: The variation icon's meaning, short (a table cell) and in a sentence.
VARIATION_WORDS = {
    "common_cause": (
        "Common cause",
        "Common cause variation: the latest months move within the process limits, with no "
        "sign of a real change.",
    ),
    "improvement_high": (
        "Improving, higher",
        "Special cause improvement: a real rise, beyond what the month-to-month variation "
        "explains.",
    ),
    "improvement_low": (
        "Improving, lower",
        "Special cause improvement: a real fall, beyond what the month-to-month variation "
        "explains.",
    ),
    "concern_high": (
        "Concern, higher",
        "Special cause concern: a real rise in the wrong direction; find out what changed.",
    ),
    "concern_low": (
        "Concern, lower",
        "Special cause concern: a real fall in the wrong direction; find out what changed.",
    ),
    "neutral_high": (
        "Higher",
        "Special cause: a real rise (neither direction is better for this measure).",
    ),
    "neutral_low": (
        "Lower",
        "Special cause: a real fall (neither direction is better for this measure).",
    ),
}
ASSURANCE_WORDS = {
    "consistent_pass": ("Meets the target", "The process will consistently meet the target of {}."),
    "consistent_fail": (
        "Misses the target",
        "The process will consistently miss the target of {} unless something changes.",
    ),
    "inconsistent": (
        "Hit and miss",
        "The process will meet the target of {} in some months and miss it in others.",
    ),
}


@dataclass
class Annotation:
    """A dated event shown on the time axis: a review, a plan's start."""

    day: datetime.date
    label: str


@dataclass
class Mark:
    """A numbered place on a chart's time axis and the events of that day; the chart
    shows the number, the key below it says what happened."""

    number: int
    day: datetime.date
    labels: list[str]


def marks_within(annotations: list[Annotation], first: datetime.date, last: datetime.date):
    """The events from the chart's first month to the end of its last, numbered by day."""
    end = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    marks: list[Mark] = []
    for a in sorted(annotations, key=lambda a: a.day):
        if not first <= a.day < end:
            continue
        if marks and marks[-1].day == a.day:
            marks[-1].labels.append(a.label)
        else:
            marks.append(Mark(number=len(marks) + 1, day=a.day, labels=[a.label]))
    return marks


@dataclass
class Row:
    period: datetime.date
    value: float
    text: str
    point: spc.Point

    @property
    def label(self) -> str:
        return POINT_LABELS[self.point.point_type]

    @property
    def rule(self) -> str:
        return RULE_WORDS.get(self.point.special_cause or "", "")


@dataclass
class MeasureChart:
    """One measure's chart for one team: None in `chart` below two months of values."""

    measure: Measure
    chart: spc.Chart | None
    rows: list[Row] = field(default_factory=list)
    rebases: list = field(default_factory=list)
    svg: Markup | None = None
    # The dated events within the chart's months, numbered by day: [Mark, ...].
    marks: list = field(default_factory=list)

    @property
    def variation(self) -> tuple[str, str] | None:
        return VARIATION_WORDS[self.chart.variation] if self.chart else None

    @property
    def assurance(self) -> tuple[str, str] | None:
        if not self.chart or not self.chart.assurance:
            return None
        short, sentence = ASSURANCE_WORDS[self.chart.assurance]
        return short, sentence.format(self.measure.format(self.measure.target))


def chart_of(measure: Measure, points: list, rebase_periods=()) -> spc.Chart | None:
    """The XmR chart of a team's (month, value) pairs of a measure, in month order,
    starting again at each rebase month; None below two values."""
    if len(points) < 2:
        return None
    months = {period for period, _ in points}
    return spc.xmr_chart(
        points,
        direction=measure.direction,
        target=measure.target if measure.direction != Direction.NEUTRAL else None,
        rebase=[p for p in rebase_periods if p in months and p != points[0][0]],
    )


def _value_text(measure: Measure, value) -> str:
    """A month's value as read in the table, with how many returns a questionnaire's mean
    is of."""
    text = measure.format(value.value)
    if value.responses:
        text += f" ({value.responses} return{'s' if value.responses != 1 else ''})"
    return text


def measure_chart(
    measure: Measure, values: list, rebases: list, annotations: list[Annotation]
) -> MeasureChart:
    """One measure's chart for a team, drawn: its MeasureValue and Rebase rows, with the
    team's dated events to mark."""
    chart = chart_of(measure, [(v.period, v.value) for v in values], [r.period for r in rebases])
    found = MeasureChart(measure=measure, chart=chart, rebases=list(rebases))
    if chart is None:
        return found
    found.rows = [
        Row(period=v.period, value=v.value, text=_value_text(measure, v), point=p)
        for v, p in zip(values, chart.points, strict=True)
    ]
    found.marks = marks_within(annotations, found.rows[0].period, found.rows[-1].period)
    found.svg = render_svg(spec(measure, found))
    return found


def spec(measure: Measure, found: MeasureChart) -> dict:
    """The Vega-Lite definition of one XmR chart: the values as a line with each month's
    point coloured by its type, each group's mean (solid) and process limits (dashed), the
    target (dotted), and the dated events as vertical rules numbered at the top (the key
    beside the chart says what each number is)."""
    chart = found.chart
    groups = chart.groups
    rows = []
    for row in found.rows:
        group = groups[row.point.group]
        rows.append(
            {
                "month": row.period.isoformat(),
                "value": row.value,
                "group": row.point.group,
                "mean": group.mean,
                "upper": group.upper_limit,
                "lower": group.lower_limit,
                "type": POINT_LABELS[row.point.point_type],
            }
        )
    first, last = found.rows[0].period, found.rows[-1].period
    marks = [{"day": m.day.isoformat(), "label": str(m.number)} for m in found.marks]
    x = {
        "field": "month",
        "type": "temporal",
        "timeUnit": "yearmonth",
        "title": None,
        "axis": {"format": "%b %Y", "labelAngle": 0, "tickCount": 6, "grid": False},
    }
    y_title = measure.unit if measure.unit != "%" else "Per cent"
    present = sorted({r["type"] for r in rows}, key=list(POINT_LABELS.values()).index)
    colours = [POINT_COLOURS[key] for key, label in POINT_LABELS.items() if label in present]
    layers = [
        {
            "mark": {"type": "line", "color": NHS_MID_GREY, "strokeWidth": 1.5},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": y_title,
                    "scale": {"zero": False},
                },
                "detail": {"field": "group"},
            },
        },
        {
            "mark": {"type": "line", "color": NHS_TEXT, "strokeWidth": 1},
            "encoding": {
                "x": x,
                "y": {"field": "mean", "type": "quantitative"},
                "detail": {"field": "group"},
            },
        },
        {
            "mark": {"type": "line", "color": NHS_TEXT, "strokeWidth": 1, "strokeDash": [4, 3]},
            "encoding": {
                "x": x,
                "y": {"field": "upper", "type": "quantitative"},
                "detail": {"field": "group"},
            },
        },
        {
            "mark": {"type": "line", "color": NHS_TEXT, "strokeWidth": 1, "strokeDash": [4, 3]},
            "encoding": {
                "x": x,
                "y": {"field": "lower", "type": "quantitative"},
                "detail": {"field": "group"},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 45, "opacity": 1},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "type",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": present, "range": colours},
                },
            },
        },
    ]
    if measure.target is not None:
        layers.append(
            {
                "data": {"values": [{"target": measure.target}]},
                "mark": {
                    "type": "rule",
                    "color": "#007f3b",
                    "strokeDash": [1, 3],
                    "strokeWidth": 2,
                },
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    if marks:
        layers += [
            {
                "data": {"values": marks},
                "mark": {"type": "rule", "color": "#aeb7bd", "strokeWidth": 1},
                "encoding": {"x": {"field": "day", "type": "temporal"}},
            },
            {
                "data": {"values": marks},
                "mark": {
                    "type": "text",
                    "align": "center",
                    "dy": -6,
                    "baseline": "bottom",
                    "color": NHS_TEXT,
                    "fontSize": 11,
                    "fontWeight": "bold",
                    "y": 0,
                },
                "encoding": {
                    "x": {"field": "day", "type": "temporal"},
                    "text": {"field": "label"},
                },
            },
        ]
    variation = VARIATION_WORDS[chart.variation][1]
    return house_style(
        {
            "description": f"{measure.name}, {first:%B %Y} to {last:%B %Y}: {variation}",
            "width": 560,
            "height": 220,
            # Room on the right for the number of an event in the last month.
            "padding": {"left": 5, "top": 5, "right": 14, "bottom": 5},
            "data": {"values": rows},
            "layer": layers,
        },
        font_size=11,
    )


#: With more teams to plot than this, the scatter plot of fidelity beside outcomes draws a
#: circle per group of teams that fall together, not one per team: a thousand points
#: overlap into a blot and weigh the page down.
BESIDE_MOST_POINTS = 150
#: About how many bands the measure's changes fall into when teams are grouped.
BESIDE_BANDS = 20


def nice_step(span: float, bands: int) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that cuts `span` into at most
    `bands` bands (1 for no span)."""
    if span <= 0:
        return 1.0
    raw = span / bands
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * power >= raw:
            return factor * power
    return 10.0 * power  # pragma: no cover (10 always reaches raw)


@dataclass(frozen=True)
class BesidePoints:
    """The points of the scatter plot: one per team, or, past BESIDE_MOST_POINTS, one per
    group of teams with the same change in fidelity and a measure change in the same band
    of `step` (None when not grouped), each with its number of teams."""

    values: list[dict]
    step: float | None


def beside_points(points: list[tuple[int, float]]) -> BesidePoints:
    if len(points) <= BESIDE_MOST_POINTS:
        return BesidePoints(
            [{"fidelity": x, "measure": round(y, 3), "teams": 1} for x, y in points], None
        )
    ys = [y for _, y in points]
    step = nice_step(max(ys) - min(ys), BESIDE_BANDS)
    groups: dict[tuple[int, int], int] = {}
    for x, y in points:
        key = (x, math.floor(y / step))
        groups[key] = groups.get(key, 0) + 1
    return BesidePoints(
        [
            {"fidelity": x, "measure": round((band + 0.5) * step, 6), "teams": n}
            for (x, band), n in sorted(groups.items())
        ],
        step,
    )


def beside_spec(found: BesidePoints, measure: Measure, fidelity_title: str) -> dict:
    """The Vega-Lite definition of the scatter plot of fidelity beside one measure: one
    point per team (its change in fidelity across, its change in the measure up), or per
    group of teams sized by their number, with both zero lines drawn so a reader sees at
    once which teams rose on each."""
    unit = "percentage points" if measure.unit == "%" else measure.unit
    teams = sum(v["teams"] for v in found.values)
    if found.step is None:
        shown = f"Scatter plot of {teams} teams"
        size = {}
    else:
        shown = (
            f"Scatter plot of {teams} teams in {len(found.values)} groups: each circle is the "
            f"teams with the same change in fidelity and a change in "
            f"{measure.name.lower()} within the same band of {found.step:g} {unit}, "
            "larger for more teams"
        )
        size = {
            "size": {
                "field": "teams",
                "type": "quantitative",
                "title": "Teams",
                "scale": {"range": [20, 400], "zero": False},
            }
        }
    return house_style(
        {
            "description": (
                f"{shown}: change in fidelity total across, "
                f"change in {measure.name.lower()} up. The table below gives each team's "
                "figures."
            ),
            "width": 420,
            "height": 280,
            "layer": [
                {
                    "data": {"values": found.values},
                    "mark": {
                        "type": "point",
                        "filled": True,
                        "size": 50,
                        "color": NHS_BLUE,
                        "opacity": 0.8,
                    },
                    "encoding": {
                        "x": {
                            "field": "fidelity",
                            "type": "quantitative",
                            "title": fidelity_title,
                            "axis": {"tickMinStep": 1},
                        },
                        "y": {
                            "field": "measure",
                            "type": "quantitative",
                            "title": f"Change in {measure.name.lower()} ({unit})",
                        },
                        **size,
                    },
                },
                {
                    "data": {"values": [{"zero": 0}]},
                    "mark": {"type": "rule", "color": NHS_MID_GREY, "strokeDash": [4, 3]},
                    "encoding": {"x": {"field": "zero", "type": "quantitative"}},
                },
                {
                    "data": {"values": [{"zero": 0}]},
                    "mark": {"type": "rule", "color": NHS_MID_GREY, "strokeDash": [4, 3]},
                    "encoding": {"y": {"field": "zero", "type": "quantitative"}},
                },
            ],
        },
        font_size=11,
    )
