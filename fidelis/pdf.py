"""PDFs from the same HTML templates as the pages, through WeasyPrint.

Reports are tagged PDFs (PDF/UA), so screen readers get headings, lists and tables. The
print stylesheet and any static image load from disk, never over the network.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from django.template import engines
from django.template.loader import render_to_string

from fidelis import charts

STATIC_DIR = Path(__file__).resolve().parent / "static"
PRINT_STYLESHEET = STATIC_DIR / "report-print.css"

_BETWEEN_TAGS = re.compile(r">\s+<")


def render_html(template: str, context: dict) -> str:
    """A standalone HTML document for WeasyPrint, from a Jinja template.

    The macros indent generously. WeasyPrint's pure-Python HTML parser and its layout pay
    for every whitespace-only text node (about a third of the rendering time), and between
    tags our documents have no preformatted text, so runs of whitespace become one.
    """
    html = render_to_string(template, {"stylesheet": PRINT_STYLESHEET.as_uri(), **context})
    return _BETWEEN_TAGS.sub("> <", html)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes from an HTML document. `base_url` resolves relative links; by default the
    static folder."""
    from weasyprint import HTML  # loads fonts and layout code: only when a PDF is made

    base = base_url or (STATIC_DIR.as_uri() + "/")
    return HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/ua-1")


def warm_up(templates: tuple[str, ...] = ()) -> float:
    """Start the chart engine and WeasyPrint and compile `templates`; return the seconds.

    Both pay a one-off start-up cost in each new process (loading fonts, the layout and
    font-subsetting code, the chart engine). Batch commands call this before their first
    PDF, and each gunicorn worker calls it as it starts, so every PDF after it renders
    within the budget. The warm-up document uses what a report uses: headings, bold and
    plain text, a table and an SVG chart with text.
    """
    from weasyprint import HTML

    started = time.perf_counter()
    jinja = engines["jinja2"].env
    for name in templates:
        jinja.get_template(name)
    charts.warm_up()
    svg = charts.render_svg(
        {
            "description": "Warm-up chart",
            "data": {"values": [{"section": "One", "mean": 3.2}, {"section": "Two", "mean": 2.7}]},
            "mark": "bar",
            "encoding": {
                "y": {"field": "section", "type": "nominal"},
                "x": {"field": "mean", "type": "quantitative"},
            },
        }
    )
    html = (
        f'<link rel="stylesheet" href="{PRINT_STYLESHEET.as_uri()}"><h1>Fidelis</h1>'
        "<h2>Summary</h2><p><strong>Total</strong> 87 <em>moderate</em></p><table><thead><tr>"
        "<th>Item</th><th>Score</th></tr></thead><tbody><tr><td>1. Available</td><td>4</td>"
        f"</tr></tbody></table><ul><li>One</li></ul>{svg}"
    )
    HTML(string=html, base_url=STATIC_DIR.as_uri() + "/").write_pdf()
    return time.perf_counter() - started
