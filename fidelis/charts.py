"""Charts: one Vega-Lite definition per chart, drawn on the server as inline SVG.

The same SVG goes into the page and into the PDF, so the two never differ, and no chart
script runs in the browser (the Content Security Policy allows none inline). Every chart
has a table of the same figures beside it; the SVG carries one sentence as its accessible
name (the spec's `description`).
"""

from __future__ import annotations

import hashlib
import json
import re

from markupsafe import Markup

NHS_BLUE = "#005eb8"
NHS_MID_GREY = "#768692"
NHS_TEXT = "#212b32"
FONT = "Arial, Liberation Sans, Helvetica, sans-serif"


def axis_label(number: int, title: str, width: int = 22) -> str:
    """An axis label for a numbered section or item: its number and the title up to any
    dash, wrapped into at most three lines joined by "|" (the spec splits them), so long
    titles neither overlap the bars nor vanish; the table beside the chart gives every
    title in full."""
    words = f"{number}. {title.split(' - ')[0].strip()}".split()
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2].rstrip(",") + "…"]
    return "|".join(lines)


def house_style(chart: dict, *, font_size: int = 12) -> dict:
    """The chart with the house's look (NHS type and text colour, a white ground, the
    legend below) and the Vega-Lite version it is written for."""
    chart["config"] = {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {"labelColor": NHS_TEXT, "titleColor": NHS_TEXT, "labelFontSize": font_size},
        "legend": {"labelColor": NHS_TEXT, "labelFontSize": font_size, "orient": "bottom"},
    }
    chart["$schema"] = "https://vega.github.io/schema/vega-lite/v5.json"
    return chart


_SVG_CACHE: dict[str, str] = {}
_SVG_CACHE_LIMIT = 512

_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
# What the inner elements carry that neither the page nor a screen reader uses once the
# root is one image with one accessible name: Vega's own ARIA, event hints, default
# opacity and the empty background and foreground paths of each group. Dropping them
# roughly halves a chart's size.
_INNER_NOISE = re.compile(
    r'\s(?:aria-hidden|aria-label|aria-roledescription|role|pointer-events)="[^"]*"'
    r'|\sopacity="1"'
    r'|<path class="(?:background|foreground)"[^>]*/>'
)
_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.S | re.I)


def _style_to_attributes(match: re.Match) -> str:
    parts = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (s.strip() for s in declaration.split(":", 1))
        if re.fullmatch(r"[a-z-]+", name) and '"' not in value:
            parts.append(f' {name}="{value}"')
    return "".join(parts)


def clean_svg(svg: str, label: str) -> str:
    """Make vl-convert's SVG fit our pages: no script, no style attributes, an accessible name.

    vl-convert 1.x writes presentation attributes (fill="...", font-size="...") and no
    `style` attributes or <script>, so our CSP (`style-src 'self'`, no inline scripts) has
    nothing to block. Should a later version emit `style="..."`, each declaration is turned
    into the equivalent presentation attribute here (SVG accepts every property Vega uses as
    an attribute), so the chart still renders the same on the page and in WeasyPrint rather
    than silently losing its colours and fonts.
    """
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE_ATTR.sub(_style_to_attributes, svg)
    svg = _INNER_NOISE.sub("", svg)
    # The root gets role="img" and the description as its accessible name; its children
    # (Vega's own aria markup) are then presentational, so a screen reader hears one clear
    # sentence, and the table beside the chart carries the figures.
    # The fixed width and height go, so the viewBox scales the chart to its column.
    label = (
        label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )

    def root(match: re.Match) -> str:
        tag = match.group(0)
        tag = re.sub(r'\s(?:width|height|role|aria-label|class)="[^"]*"', "", tag)
        return tag[:-1] + f' class="fidelis-chart__svg" role="img" aria-label="{label}">'

    return re.sub(r"<svg\b[^>]*>", root, svg, count=1)


def render_svg(spec: dict) -> Markup:
    """The chart as inline SVG markup, cached by a hash of its spec."""
    key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    cached = _SVG_CACHE.get(key)
    if cached is None:
        import vl_convert  # the chart engine starts slowly: only when a chart is drawn

        description = spec.get("description") or "Chart"
        cached = Markup(clean_svg(vl_convert.vegalite_to_svg(spec), description))  # noqa: S704
        if len(_SVG_CACHE) >= _SVG_CACHE_LIMIT:
            _SVG_CACHE.clear()
        _SVG_CACHE[key] = cached
    return cached


def warm_up() -> None:
    """Start the chart engine (a one-off cost in each new process)."""
    import vl_convert

    vl_convert.vegalite_to_svg(
        {
            "title": "Warm-up",
            "data": {"values": [{"section": "One", "mean": 3.2}, {"section": "Two", "mean": 2.7}]},
            "mark": "bar",
            "encoding": {
                "y": {"field": "section", "type": "nominal"},
                "x": {"field": "mean", "type": "quantitative"},
            },
        }
    )
