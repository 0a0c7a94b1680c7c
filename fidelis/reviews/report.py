"""The feedback report of a review: one set of figures for the page, the PDF and the chart.

`build_report(review)` gathers everything the report shows into plain dataclasses (scores come
from the consensus rows, scored again by :mod:`fidelis.lib.scoring` so the next steps and the
effective criterion decisions match the engine exactly). `section_chart_svg(report)` draws the
section profile from one Vega-Lite definition, and `report_pdf(review)` renders the same Jinja
template body as the page to PDF with WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.db.models import Prefetch
from markupsafe import Markup

from fidelis.lib.scoring import (
    MET,
    NOT_MET,
    PARTIAL,
    UNDECIDED,
    CriterionDecision,
    score_item,
    score_scale,
)
from fidelis.reviews.models import (
    Amendment,
    ConsensusCriterion,
    ConsensusItem,
    Review,
    Status,
)

#: How many of the lowest-scoring items the priorities start from (ties at the cut-off are
#: kept together, up to PRIORITY_LIMIT).
PRIORITY_COUNT = 5
PRIORITY_LIMIT = 8

NHS_BLUE = "#005eb8"
NHS_MID_GREY = "#768692"

DECISION_LABELS = {
    MET: "Met",
    PARTIAL: "Partly met",
    NOT_MET: "Not met",
    UNDECIDED: "Not decided yet",
}

# NHS.UK tag colours for the default band keys; other scales' bands fall back by position.
_BAND_TAGS = {"low": "red", "moderate": "yellow", "high": "green"}
_BAND_TAGS_BY_POSITION = ["red", "orange", "yellow", "aqua-green", "green"]

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "report-print.css"


# ----------------------------------------------------------------------------------------------
# The report as data
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelEntry:
    name: str
    role: str


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of an item with the panel's decision, after the scale's rules."""

    letter: str
    text: str
    decision: str  # "met", "partial", "not_met" or "undecided"
    decision_label: str
    sources: tuple[str, ...]  # names of the evidence sources recorded as supporting it
    note: str | None = None  # why the counted decision differs from the recorded one

    @property
    def is_met(self) -> bool:
        return self.decision == MET


@dataclass(frozen=True)
class ItemLine:
    number: int
    title: str
    section_number: int
    section_title: str
    score: int | None
    score_label: str | None  # the scale's name for the level, e.g. "Partly there"
    max_score: int
    criteria: tuple[CriterionLine, ...]
    rationale: str
    next_step: str | None
    anchor_text: str | None = None  # for items scored by choosing a level: that description
    agreed: bool = False
    previous_score: int | None = None
    change: int | None = None
    one_more: bool = False  # one more criterion met (or fully met) would raise the score

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.criteria if c.decision == MET)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return ""
        if self.change == 0:
            return "No change"
        return f"Up {self.change}" if self.change > 0 else f"Down {-self.change}"


@dataclass(frozen=True)
class SectionLine:
    number: int
    title: str
    mean: float | None
    previous_mean: float | None = None
    n_items: int = 0


@dataclass(frozen=True)
class Priority:
    item: ItemLine
    lowest: bool  # among the lowest-scoring items
    one_more: bool  # one more criterion would raise it

    @property
    def reason(self) -> str:
        if self.lowest and self.one_more:
            return "One of the lowest scores, and close to the next score."
        if self.lowest:
            return "One of the lowest scores."
        return "Close to the next score."


@dataclass(frozen=True)
class ItemChange:
    number: int
    title: str
    before: int
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Comparison:
    """The change since the team's most recent earlier finalised review."""

    timepoint: str
    visit_date: object
    total: int
    mean: float | None
    band: str | None
    band_tag: str | None
    total_difference: int
    mean_difference: float | None
    items_up: tuple[ItemChange, ...]
    items_down: tuple[ItemChange, ...]
    items_same: int
    items_compared: int
    scale_changed: bool  # the earlier review used another version of the scale
    same_items: bool  # every item could be compared, so the totals compare like with like


@dataclass(frozen=True)
class AmendmentLine:
    what: str
    reason: str
    who: str
    when: object
    before: str
    after: str


@dataclass
class Report:
    review_id: int
    team: str
    organisation: str
    programme: str
    timepoint: str
    visit_date: object
    panel: tuple[PanelEntry, ...]
    scale_name: str
    scale_slug: str
    scale_version: str
    demonstration: bool
    status: str
    status_label: str
    is_finalised: bool
    finalised_at: object
    finalised_by: str | None
    total: int
    min_total: int
    max_total: int
    mean: float | None
    n_items: int
    n_scored: int
    complete: bool
    band: str | None
    band_tag: str | None
    min_level: int
    max_level: int
    sections: tuple[SectionLine, ...]
    items: tuple[ItemLine, ...]
    strengths: tuple[ItemLine, ...]
    priorities: tuple[Priority, ...]
    recommendations: tuple[str, ...]
    comparison: Comparison | None
    amendments: tuple[AmendmentLine, ...]
    report_version: int
    levels: tuple[tuple[int, str], ...] = field(default=())

    @property
    def title(self) -> str:
        return f"Feedback report: {self.team}"

    @property
    def mean_text(self) -> str:
        return "Not scored yet" if self.mean is None else f"{self.mean:.2f}"

    @cached_property
    def chart_svg(self) -> Markup:
        """The section profile chart as inline SVG markup (safe to place in a template)."""
        return Markup(section_chart_svg(self))  # noqa: S704 (our own vl-convert output)

    def items_by_section(self) -> list[tuple[SectionLine, list[ItemLine]]]:
        return [
            (section, [i for i in self.items if i.section_number == section.number])
            for section in self.sections
        ]


# ----------------------------------------------------------------------------------------------
# Building the report
# ----------------------------------------------------------------------------------------------


def _consensus_prefetch() -> Prefetch:
    return Prefetch(
        "consensus",
        queryset=ConsensusItem.objects.select_related("item").prefetch_related(
            Prefetch("criteria", queryset=ConsensusCriterion.objects.select_related("criterion"))
        ),
    )


def _load(review_or_pk) -> Review:
    pk = review_or_pk.pk if isinstance(review_or_pk, Review) else review_or_pk
    return (
        Review.objects.select_related(
            "team__organisation__programme", "timepoint", "scale", "finalised_by"
        )
        .prefetch_related(
            "panel__user",
            Prefetch("amendments", queryset=Amendment.objects.select_related("made_by")),
            _consensus_prefetch(),
        )
        .get(pk=pk)
    )


def _band_tag(scale, band) -> str | None:
    if band is None:
        return None
    if band.key in _BAND_TAGS:
        return _BAND_TAGS[band.key]
    position = [b.key for b in scale.bands].index(band.key)
    return _BAND_TAGS_BY_POSITION[min(position, len(_BAND_TAGS_BY_POSITION) - 1)]


def _criterion_note(criterion, recorded: str | None, effective: str, item) -> str | None:
    """Why a criterion counts differently from what the panel recorded, in plain words."""
    if recorded is None or recorded == effective:
        return None
    if recorded == MET and effective == NOT_MET and criterion.all_sources:
        return "Recorded as met, but counts as not met: every listed source must support it."
    if recorded == PARTIAL and effective == NOT_MET:
        return "Recorded as partly met, but this criterion cannot be partly met."
    if effective == MET:
        stricter = [c.letter for c in item.criteria if c.stricter_than == criterion.letter]
        if stricter:
            return f"Counts as met because criterion {stricter[0]}, a stricter form of it, is met."
    return None


def _one_more(next_step: str | None) -> bool:
    if not next_step:
        return False
    return next_step.startswith("One more criterion met ") or (
        next_step.startswith("Fully meeting criterion ") and "(now partly met)" in next_step
    )


def _paragraphs(text: str) -> tuple[str, ...]:
    text = (text or "").strip()
    if not text:
        return ()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) == 1 and "\n" in blocks[0]:
        blocks = [line.strip() for line in blocks[0].splitlines() if line.strip()]
    return tuple(re.sub(r"^(?:[-*•]\s+)", "", b) for b in blocks)


def _previous_scores(review: Review, items) -> tuple[Review | None, dict[int, int | None]]:
    """The most recent earlier finalised review of the team, and its consensus score for each
    of this review's item numbers (through the scale's item mapping when versions differ)."""
    from fidelis.scales.models import Item

    earlier = (
        Review.objects.filter(
            team_id=review.team_id, status=Status.FINALISED, visit_date__lt=review.visit_date
        )
        .exclude(pk=review.pk)
        .select_related("timepoint", "scale")
        .order_by("-visit_date", "-pk")
        .first()
    )
    if earlier is None:
        return None, {}
    rows = list(ConsensusItem.objects.filter(review=earlier).values_list("item_id", "score"))
    by_item_id = dict(rows)
    previous: dict[int, int | None] = {}
    if earlier.scale_id == review.scale_id:
        for item in items:
            if item.pk in by_item_id:
                previous[item.number] = by_item_id[item.pk]
        return earlier, previous
    # Another version: follow each item's previous_item links back to the earlier version.
    links = dict(
        Item.objects.filter(scale__slug=review.scale.slug).values_list("id", "previous_item_id")
    )
    for item in items:
        current, steps = item.previous_item_id, 0
        while current is not None and current not in by_item_id and steps < 20:
            current, steps = links.get(current), steps + 1
        if current is not None and current in by_item_id:
            previous[item.number] = by_item_id[current]
    return earlier, previous


def build_report(review) -> Report:
    """Everything the feedback report shows, for a finalised review or a draft."""
    review = _load(review)
    scale_row = review.scale
    scale = scale_row.definition
    levels = {level.value: level.label for level in scale.levels}
    sources = {source.code: source.name for source in scale.sources}

    consensus = {row.item.number: row for row in review.consensus.all()}
    db_items = [row.item for row in consensus.values()]
    if not db_items:
        db_items = list(scale_row.items.all())

    earlier, previous = _previous_scores(review, db_items)

    item_lines: list[ItemLine] = []
    scores: dict[int, int | None] = {}
    for section in scale.sections:
        for item in section.items:
            row = consensus.get(item.number)
            rows = list(row.criteria.all()) if row is not None else []
            decisions = {
                r.criterion.letter: CriterionDecision(r.status or None, frozenset(r.sources or []))
                for r in rows
            }
            recorded = {letter: d.status for letter, d in decisions.items()}
            anchor_level = row.anchor_level if row is not None else None
            if item.rule.kind == "anchors":
                result = score_item(item, decisions, anchor_level=anchor_level)
            else:
                result = score_item(item, decisions)
            score = result.score
            scores[item.number] = score
            criteria = tuple(
                CriterionLine(
                    letter=c.letter,
                    text=c.text,
                    decision=result.statuses[c.letter],
                    decision_label=DECISION_LABELS[result.statuses[c.letter]],
                    sources=tuple(
                        sources.get(code, code) for code in sorted(decisions[c.letter].sources)
                    )
                    if c.letter in decisions
                    else (),
                    note=_criterion_note(
                        c, recorded.get(c.letter), result.statuses[c.letter], item
                    ),
                )
                for c in item.criteria
            )
            before = previous.get(item.number)
            anchor_text = None
            if item.rule.kind == "anchors" and score is not None:
                anchor_text = (item.rule.anchors or {}).get(score)
            item_lines.append(
                ItemLine(
                    number=item.number,
                    title=item.title,
                    section_number=section.number,
                    section_title=section.title,
                    score=score,
                    score_label=levels.get(score) if score is not None else None,
                    max_score=scale.max_level,
                    criteria=criteria,
                    rationale=(row.rationale if row is not None else "").strip(),
                    next_step=result.next_step,
                    anchor_text=anchor_text.strip() if anchor_text else None,
                    agreed=bool(row and row.agreed),
                    previous_score=before,
                    change=(score - before) if score is not None and before is not None else None,
                    one_more=_one_more(result.next_step) and score is not None,
                )
            )

    totals = score_scale(scale, scores)
    previous_section_means: dict[int, float | None] = {}
    if earlier is not None:
        for section in scale.sections:
            values = [
                previous[i.number] for i in section.items if previous.get(i.number) is not None
            ]
            previous_section_means[section.number] = sum(values) / len(values) if values else None
    sections = tuple(
        SectionLine(
            number=s.number,
            title=s.title,
            mean=totals.section_means.get(s.number),
            previous_mean=previous_section_means.get(s.number),
            n_items=len(s.items),
        )
        for s in scale.sections
    )

    scored = [line for line in item_lines if line.score is not None]
    strong_from = scale.max_level - 1  # the top two levels: 4 and 5 on a 1 to 5 scale
    strengths = tuple(line for line in scored if line.score >= strong_from)
    priorities = _priorities(scored, scale.max_level)

    comparison = None
    if earlier is not None:
        comparison = _comparison(earlier, review.scale_id, item_lines, totals)

    amendments = tuple(
        AmendmentLine(
            what=a.what,
            reason=a.reason,
            who=a.made_by.display_name if a.made_by else "Someone no longer on Fidelis",
            when=a.made_at,
            before=a.before,
            after=a.after,
        )
        for a in review.amendments.all()
    )
    team = review.team
    return Report(
        review_id=review.pk,
        team=team.name,
        organisation=team.organisation.name,
        programme=team.organisation.programme.name,
        timepoint=review.timepoint.label,
        visit_date=review.visit_date,
        panel=tuple(
            PanelEntry(name=m.user.display_name, role=m.get_role_display())
            for m in review.panel.all()
        ),
        scale_name=scale_row.name,
        scale_slug=scale_row.slug,
        scale_version=scale_row.version,
        demonstration=scale_row.demonstration or scale.demonstration,
        status=review.status,
        status_label=review.get_status_display(),
        is_finalised=review.is_finalised,
        finalised_at=review.finalised_at,
        finalised_by=review.finalised_by.display_name if review.finalised_by else None,
        total=totals.total,
        min_total=totals.min_total,
        max_total=totals.max_total,
        mean=totals.mean,
        n_items=totals.n_items,
        n_scored=totals.n_scored,
        complete=totals.complete,
        band=totals.band.label if totals.band else None,
        band_tag=_band_tag(scale, totals.band),
        min_level=scale.min_level,
        max_level=scale.max_level,
        sections=sections,
        items=tuple(item_lines),
        strengths=strengths,
        priorities=priorities,
        recommendations=_paragraphs(review.recommendations),
        comparison=comparison,
        amendments=amendments,
        report_version=review.report_version,
        levels=tuple(sorted(levels.items())),
    )


def _priorities(scored: list[ItemLine], max_level: int) -> tuple[Priority, ...]:
    """The lowest-scoring items (about five; ties at the cut-off kept together), then the
    quick wins: items at 3 or below that one more criterion would raise. Items already at 4
    are strengths, so they are not listed again here."""
    below_top = sorted(
        (line for line in scored if line.score < max_level), key=lambda i: (i.score, i.number)
    )
    lowest = below_top[:PRIORITY_COUNT]
    if lowest:
        cut = lowest[-1].score
        for line in below_top[PRIORITY_COUNT:PRIORITY_LIMIT]:
            if line.score != cut:
                break
            lowest.append(line)
    lowest_numbers = {line.number for line in lowest}
    chosen = [
        line
        for line in scored
        if line.number in lowest_numbers or (line.one_more and line.score < max_level - 1)
    ]
    chosen.sort(key=lambda i: (i.score, i.number))
    return tuple(
        Priority(item=line, lowest=line.number in lowest_numbers, one_more=line.one_more)
        for line in chosen
    )


def _comparison(earlier: Review, scale_id: int, item_lines, totals) -> Comparison:
    earlier_scale = earlier.scale.definition
    earlier_scores = dict(
        ConsensusItem.objects.filter(review=earlier).values_list("item__number", "score")
    )
    earlier_totals = score_scale(
        earlier_scale, {n: s for n, s in earlier_scores.items() if n in _numbers(earlier_scale)}
    )
    compared = [i for i in item_lines if i.change is not None]
    up = tuple(
        ItemChange(i.number, i.title, i.previous_score, i.score) for i in compared if i.change > 0
    )
    down = tuple(
        ItemChange(i.number, i.title, i.previous_score, i.score) for i in compared if i.change < 0
    )
    mean_difference = None
    if totals.mean is not None and earlier_totals.mean is not None:
        mean_difference = round(totals.mean - earlier_totals.mean, 2)
    return Comparison(
        timepoint=earlier.timepoint.label,
        visit_date=earlier.visit_date,
        total=earlier_totals.total,
        mean=earlier_totals.mean,
        band=earlier_totals.band.label if earlier_totals.band else None,
        band_tag=_band_tag(earlier_scale, earlier_totals.band),
        total_difference=totals.total - earlier_totals.total,
        mean_difference=mean_difference,
        items_up=tuple(sorted(up, key=lambda c: (-c.difference, c.number))),
        items_down=tuple(sorted(down, key=lambda c: (c.difference, c.number))),
        items_same=sum(1 for i in compared if i.change == 0),
        items_compared=len(compared),
        scale_changed=earlier.scale_id != scale_id,
        same_items=len(compared) == len(item_lines) == earlier_totals.n_items,
    )


def _numbers(scale) -> set[int]:
    return {item.number for item in scale.items}


# ----------------------------------------------------------------------------------------------
# The section profile chart
# ----------------------------------------------------------------------------------------------

_SVG_CACHE: dict[str, str] = {}
_SVG_CACHE_LIMIT = 512


def _chart_label(number: int, title: str, width: int = 22) -> str:
    """A section's axis label: its number and the title up to any dash, wrapped into lines
    joined by "|" (the spec splits them), so long titles neither overlap the bars nor
    vanish behind an ellipsis. The table beside the chart gives every title in full."""
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


def section_chart_spec(report: Report) -> dict:
    """The one definition of the section profile chart (Vega-Lite, built with Altair)."""
    import altair as alt

    this_label = f"This review ({report.timepoint})"
    rows = [
        {
            "section": _chart_label(s.number, s.title),
            "order": s.number,
            "series": this_label,
            "mean": round(s.mean, 2),
        }
        for s in report.sections
        if s.mean is not None
    ]
    series = [this_label]
    colours = [NHS_BLUE]
    if report.comparison is not None:
        earlier_label = f"Earlier review ({report.comparison.timepoint})"
        series.append(earlier_label)
        colours.append(NHS_MID_GREY)
        rows += [
            {
                "section": _chart_label(s.number, s.title),
                "order": s.number,
                "series": earlier_label,
                "mean": round(s.previous_mean, 2),
            }
            for s in report.sections
            if s.previous_mean is not None
        ]
    summary = "; ".join(
        f"section {s.number}, {s.title}: {s.mean:.1f}"
        + (f" (earlier {s.previous_mean:.1f})" if s.previous_mean is not None else "")
        for s in report.sections
        if s.mean is not None
    )
    description = (
        f"Bar chart of the mean item score in each section of the scale, on a scale of "
        f"{report.min_level} to {report.max_level}"
        + (", with the earlier review for comparison" if report.comparison else "")
        + f". {summary or 'No section is scored yet'}."
    )
    font = "Arial, Liberation Sans, Helvetica, sans-serif"
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(height={"band": 0.9})
        .encode(
            y=alt.Y(
                "section:N",
                title=None,
                sort=alt.EncodingSortField(field="order", order="ascending"),
                axis=alt.Axis(
                    labelExpr="split(datum.label, '|')",
                    labelLimit=200,
                    labelFontSize=12,
                    labelColor="#212b32",
                    labelPadding=6,
                ),
            ),
            x=alt.X(
                "mean:Q",
                title="Mean item score",
                scale=alt.Scale(domain=[report.min_level, report.max_level], nice=False),
                axis=alt.Axis(
                    values=list(range(report.min_level, report.max_level + 1)),
                    format="d",
                    labelFontSize=12,
                    titleFontSize=12,
                    titleFontWeight="normal",
                    labelColor="#212b32",
                    titleColor="#212b32",
                ),
            ),
            # Bars start at the lowest level, not at zero (off the 1 to 5 axis).
            x2=alt.datum(report.min_level),
            yOffset=alt.YOffset("series:N", sort=series),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=colours),
                legend=alt.Legend(
                    orient="bottom", direction="vertical", labelFontSize=12, labelLimit=400
                ),
            ),
        )
        .properties(
            width=300,
            height=alt.Step(36 if len(series) == 1 else 18),
            title=alt.Title(
                "Mean item score by section", anchor="start", fontSize=14, color="#212b32"
            ),
            description=description,
        )
        .configure(font=font, background="white")
        .configure_view(stroke=None)
    )
    return chart.to_dict()


def _spec_description(spec: dict) -> str:
    return spec.get("description") or "Section profile chart"


_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
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


def _clean_svg(svg: str, label: str) -> str:
    """Make vl-convert's SVG fit our page: no script, no style attributes, an accessible name.

    vl-convert 1.x writes presentation attributes (fill="...", font-size="...") and no
    `style` attributes or <script>, so our CSP (`style-src 'self'`, no inline scripts) has
    nothing to block. Should a later version emit `style="..."`, each declaration is turned
    into the equivalent presentation attribute here (SVG accepts every property Vega uses as
    an attribute), so the chart still renders the same on the page and in WeasyPrint rather
    than silently losing its colours and fonts.
    """
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE_ATTR.sub(_style_to_attributes, svg)
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


def section_chart_svg(report: Report) -> str:
    """The section profile chart as inline SVG, cached by a hash of its spec."""
    spec = section_chart_spec(report)
    key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    cached = _SVG_CACHE.get(key)
    if cached is None:
        import vl_convert

        cached = _clean_svg(vl_convert.vegalite_to_svg(spec), _spec_description(spec))
        if len(_SVG_CACHE) >= _SVG_CACHE_LIMIT:
            _SVG_CACHE.clear()
        _SVG_CACHE[key] = cached
    return cached


# ----------------------------------------------------------------------------------------------
# The PDF
# ----------------------------------------------------------------------------------------------


_BETWEEN_TAGS = re.compile(r">\s+<")


def report_html(review, *, report: Report | None = None) -> str:
    """The standalone HTML document WeasyPrint turns into the PDF."""
    from django.template.loader import render_to_string

    report = report or build_report(review)
    html = render_to_string(
        "reviews/report_pdf.jinja",
        {"report": report, "review": review, "stylesheet": STYLESHEET.as_uri()},
    )
    # The macros indent generously. WeasyPrint's pure-Python HTML parser and its layout pay
    # for every whitespace-only text node (about a third of the rendering time), and
    # between tags the report has no preformatted text, so runs of whitespace become one.
    return _BETWEEN_TAGS.sub("> <", html)


def report_pdf(review, *, base_url: str | None = None) -> bytes:
    """The feedback report as PDF bytes, from the same template body as the page.

    `base_url` resolves relative links in the HTML; by default the static folder, so the
    print stylesheet and any static image load from disk, never over the network.
    """
    from weasyprint import HTML

    html = report_html(review)
    base = base_url or (STYLESHEET.parent.as_uri() + "/")
    # PDF/UA: a tagged PDF, so screen readers get headings, lists and tables, not just text.
    return HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/ua-1")


def warm_up() -> float:
    """Start the chart renderer and WeasyPrint once, and return the seconds it took.

    Both pay a one-off start-up cost in each new process (loading fonts, the layout and
    font-subsetting code, the chart engine). Batch commands call this before their first
    report, so each report then renders within the budget; a web process pays it on its
    first PDF. The warm-up document uses what a report uses: headings, bold and plain text,
    a table and an SVG chart with text.
    """
    import time

    import vl_convert
    from weasyprint import HTML

    started = time.perf_counter()
    # Compile the report's templates (Jinja keeps them): the first render would otherwise.
    from django.template import engines

    jinja = engines["jinja2"].env
    for name in (
        "reviews/report_pdf.jinja",
        "reviews/_report_body.jinja",
        "nhsuk/components/summary-list/template.jinja",
        "nhsuk/components/tag/template.jinja",
        "nhsuk/components/inset-text/template.jinja",
        "nhsuk/components/warning-callout/template.jinja",
    ):
        jinja.get_template(name)
    svg = vl_convert.vegalite_to_svg(
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
    html = (
        f'<link rel="stylesheet" href="{STYLESHEET.as_uri()}"><h1>Fidelis</h1><h2>Summary</h2>'
        "<p><strong>Total</strong> 87 <em>moderate</em></p><table><thead><tr><th>Item</th>"
        "<th>Score</th></tr></thead><tbody><tr><td>1. Available</td><td>4</td></tr></tbody>"
        f"</table><ul><li>One</li></ul>{svg}"
    )
    HTML(string=html, base_url=STYLESHEET.parent.as_uri() + "/").write_pdf()
    return time.perf_counter() - started
