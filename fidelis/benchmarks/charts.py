"""The dashboards' charts: one Vega-Lite definition each, drawn on the server as SVG (the
same in the page and the PDF). Colours are the NHS blue for the team and a dark grey for
the programme, told apart by shape as well (a bar against a line and tick), and every
chart has a table of the same figures beside it."""

from __future__ import annotations

from fidelis.charts import NHS_BLUE, NHS_TEXT, axis_label, house_style, render_svg

PROGRAMME_GREY = "#425563"  # NHS dark grey: 7:1 against white


def section_profile(dashboard, min_level: int, max_level: int):
    """The team's mean item score in each section, with the programme's median (tick) and
    middle half (line) at the same timepoint."""
    rows = [
        {
            "section": axis_label(s.number, s.title),
            "order": s.number,
            "team": round(s.mean, 2) if s.mean is not None else None,
            "q1": round(s.spread.q1, 2) if s.spread else None,
            "median": round(s.spread.median, 2) if s.spread else None,
            "q3": round(s.spread.q3, 2) if s.spread else None,
        }
        for s in dashboard.sections
    ]
    summary = "; ".join(
        f"section {s.number}: {s.mean:.1f}"
        + (f" (programme median {s.spread.median:.1f})" if s.spread else "")
        for s in dashboard.sections
        if s.mean is not None
    )
    y = {
        "field": "section",
        "type": "nominal",
        "sort": {"field": "order"},
        "title": None,
        "axis": {"labelExpr": "split(datum.label, '|')", "labelLimit": 200},
    }
    x_scale = {"domain": [min_level, max_level], "nice": False}
    layers = [
        {
            "mark": {"type": "bar", "color": NHS_BLUE, "height": {"band": 0.6}},
            "encoding": {
                "y": y,
                "x": {
                    "field": "team",
                    "type": "quantitative",
                    "scale": x_scale,
                    "title": "Mean item score",
                    "axis": {"values": list(range(min_level, max_level + 1)), "format": "d"},
                },
                "x2": {"datum": min_level},
            },
        }
    ]
    if dashboard.comparison_shown:
        layers += [
            {
                "mark": {"type": "rule", "color": PROGRAMME_GREY, "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {"field": "q1", "type": "quantitative", "scale": x_scale},
                    "x2": {"field": "q3"},
                },
            },
            {
                "mark": {"type": "tick", "color": PROGRAMME_GREY, "thickness": 3, "size": 22},
                "encoding": {
                    "y": y,
                    "x": {"field": "median", "type": "quantitative", "scale": x_scale},
                },
            },
        ]
    return render_svg(
        house_style(
            {
                "description": (
                    "Bar chart of the team's mean item score in each section"
                    + (
                        ", with the programme's median as a tick and its middle half as a line"
                        if dashboard.comparison_shown
                        else ""
                    )
                    + f". {summary}."
                ),
                "title": {"text": "Mean item score by section", "anchor": "start"},
                "width": 300,
                "height": {"step": 40},
                "data": {"values": rows},
                "layer": layers,
            }
        )
    )


def path(points, min_level: int, max_level: int):
    """The team's mean item score at each review, with the programme's median then."""
    rows = []
    for order, point in enumerate(points):
        if point.mean is not None:
            rows.append(
                {
                    "timepoint": point.timepoint,
                    "order": order,
                    "series": "This team",
                    "value": round(point.mean, 2),
                }
            )
        if point.programme_median is not None:
            rows.append(
                {
                    "timepoint": point.timepoint,
                    "order": order,
                    "series": "Programme median",
                    "value": round(point.programme_median, 2),
                }
            )
    summary = "; ".join(
        f"{p.timepoint}: {p.mean:.2f}"
        + (f" (programme median {p.programme_median:.2f})" if p.programme_median else "")
        for p in points
        if p.mean is not None
    )
    return render_svg(
        house_style(
            {
                "description": f"Line chart of the team's mean item score over time. {summary}.",
                "title": {"text": "Mean item score over time", "anchor": "start"},
                "width": 300,
                "height": 180,
                "data": {"values": rows},
                "mark": {"type": "line", "point": {"size": 60, "filled": True}},
                "encoding": {
                    "x": {
                        "field": "timepoint",
                        "type": "ordinal",
                        "sort": {"field": "order"},
                        "title": None,
                        "axis": {"labelAngle": 0},
                    },
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "scale": {"domain": [min_level, max_level], "nice": False},
                        "title": "Mean item score",
                    },
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": ["This team", "Programme median"],
                            "range": [NHS_BLUE, PROGRAMME_GREY],
                        },
                    },
                    "strokeDash": {
                        "field": "series",
                        "type": "nominal",
                        "legend": None,
                        "scale": {
                            "domain": ["This team", "Programme median"],
                            "range": [[1, 0], [6, 4]],
                        },
                    },
                },
            }
        )
    )


def totals_by_timepoint(benchmarks, min_total: int, max_total: int):
    """The spread of teams' totals at each timepoint: the range as a thin line, the middle
    half as a thick one and the median as a tick."""
    rows = []
    for order, b in enumerate(benchmarks):
        spread = b.spread("total")
        if spread is None:
            continue
        rows.append(
            {
                "timepoint": b.timepoint.label,
                "order": order,
                "min": spread.minimum,
                "q1": spread.q1,
                "median": spread.median,
                "q3": spread.q3,
                "max": spread.maximum,
            }
        )
    summary = "; ".join(f"{r['timepoint']}: median {r['median']:g}" for r in rows)
    x = {
        "field": "timepoint",
        "type": "ordinal",
        "sort": {"field": "order"},
        "title": None,
        "axis": {"labelAngle": 0},
    }
    y_scale = {"domain": [min_total, max_total], "nice": False}
    return render_svg(
        house_style(
            {
                "description": "Spread of the teams' total scores at each timepoint: range, "
                f"middle half and median. {summary}.",
                "title": {"text": "Total scores across the teams", "anchor": "start"},
                "width": 300,
                "height": 200,
                "data": {"values": rows},
                "layer": [
                    {
                        "mark": {"type": "rule", "color": PROGRAMME_GREY},
                        "encoding": {
                            "x": x,
                            "y": {
                                "field": "min",
                                "type": "quantitative",
                                "scale": y_scale,
                                "title": "Total score",
                            },
                            "y2": {"field": "max"},
                        },
                    },
                    {
                        "mark": {"type": "bar", "color": NHS_BLUE, "size": 18},
                        "encoding": {
                            "x": x,
                            "y": {"field": "q1", "type": "quantitative", "scale": y_scale},
                            "y2": {"field": "q3"},
                        },
                    },
                    {
                        "mark": {"type": "tick", "color": NHS_TEXT, "thickness": 3, "size": 26},
                        "encoding": {
                            "x": x,
                            "y": {"field": "median", "type": "quantitative", "scale": y_scale},
                        },
                    },
                ],
            }
        )
    )
