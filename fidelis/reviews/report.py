"""The feedback report of a review: one set of figures for the page, the PDF and the chart.

`build_report(review)` gathers everything the report shows into plain dataclasses (scores come
from the consensus rows, scored again by :mod:`fidelis.lib.scoring` so the next steps and the
effective criterion decisions match the engine exactly). `section_chart_svg(report)` draws the
section profile from one Vega-Lite definition, and `report_pdf(review)` renders the same Jinja
template body as the page to PDF with WeasyPrint.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.template.loader import render_to_string
from markupsafe import Markup

from fidelis import charts, pdf
from fidelis.charts import FONT, NHS_BLUE, NHS_MID_GREY
from fidelis.lib.scoring import (
    MET,
    NOT_MET,
    PARTIAL,
    UNDECIDED,
    CriterionDecision,
    score_item,
    score_scale,
)
from fidelis.pages import drawn_once, item_resources
from fidelis.reviews import scores as score_reads
from fidelis.reviews.models import (
    Amendment,
    ConsensusCriterion,
    ConsensusItem,
    Review,
)

#: How many priorities a report names when its programme does not say (at most 5).
PRIORITY_COUNT = 5

#: The rule the priorities are ranked by, as the report states it.
PRIORITY_RULE = (
    "Ranked by the gap to the top score, largest first; among equal gaps, items that one "
    "more criterion would raise come first, then the items the team chose as its focus."
)


DECISION_LABELS = {
    MET: "Met",
    PARTIAL: "Partly met",
    NOT_MET: "Not met",
    UNDECIDED: "Not decided yet",
}

# NHS.UK tag colours for the default band keys; other scales' bands fall back by position.
_BAND_TAGS = {"low": "red", "moderate": "yellow", "high": "green"}
_BAND_TAGS_BY_POSITION = ["red", "orange", "yellow", "aqua-green", "green"]


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
    rank: int
    gap: int  # how far below the top score
    one_more: bool  # one more criterion would raise it
    focus: bool = False  # the team chose it as its own focus

    @property
    def reason(self) -> str:
        parts = [f"{self.gap} below the top score"]
        if self.one_more:
            parts.append("one more criterion would raise it")
        if self.focus:
            parts.append("the team's own focus")
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    @property
    def unmet(self) -> tuple[CriterionLine, ...]:
        """The criteria still to meet (partly met ones included), in the scale's words."""
        return tuple(c for c in self.item.criteria if c.decision != MET)


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
    def priority_rule(self) -> str:
        return PRIORITY_RULE

    @property
    def mean_text(self) -> str:
        return "Not scored yet" if self.mean is None else f"{self.mean:.2f}"

    @cached_property
    def chart_svg(self) -> Markup:
        """The section profile chart as inline SVG markup (safe to place in a template)."""
        return section_chart_svg(self)

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


def _paragraphs(text: str) -> tuple[str, ...]:
    text = (text or "").strip()
    if not text:
        return ()
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) == 1 and "\n" in blocks[0]:
        blocks = [line.strip() for line in blocks[0].splitlines() if line.strip()]
    return tuple(re.sub(r"^(?:[-*•]\s+)", "", b) for b in blocks)


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

    earlier = score_reads.earlier_review(review)
    previous = score_reads.scores_on(review, earlier, db_items) if earlier is not None else {}

    item_lines: list[ItemLine] = []
    scores: dict[int, int | None] = {}
    for section in scale.sections:
        for item in section.items:
            row = consensus.get(item.number)
            rows = list(row.criteria.all()) if row is not None else []
            decisions = {
                r.criterion.letter: CriterionDecision(
                    r.status or None, frozenset(r.sources or []), frozenset(r.parts or [])
                )
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
                    one_more=result.one_more,
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
    programme = review.team.organisation.programme
    priorities = _priorities(
        scored,
        scale.max_level,
        limit=programme.report_priorities or PRIORITY_COUNT,
        focus=set(review.focus_items or ()),
    )

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


def _priorities(
    scored: list[ItemLine], max_level: int, *, limit: int = PRIORITY_COUNT, focus=frozenset()
) -> tuple[Priority, ...]:
    """At most `limit` items below the top score, ranked by PRIORITY_RULE: the largest gap
    to the top first; within a gap, the quick wins (one more criterion), then the team's
    own focus, then scale order."""
    below_top = [line for line in scored if line.score < max_level]
    below_top.sort(key=lambda i: (i.score, not i.one_more, i.number not in focus, i.number))
    return tuple(
        Priority(
            item=line,
            rank=rank,
            gap=max_level - line.score,
            one_more=line.one_more,
            focus=line.number in focus,
        )
        for rank, line in enumerate(below_top[: min(limit, PRIORITY_COUNT)], 1)
    )


def _comparison(earlier: Review, scale_id: int, item_lines, totals) -> Comparison:
    earlier_scale = earlier.scale.definition
    earlier_totals = score_reads.totals(earlier)
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


# ----------------------------------------------------------------------------------------------
# The section profile chart
# ----------------------------------------------------------------------------------------------


def section_chart_spec(report: Report) -> dict:
    """The one definition of the section profile chart (Vega-Lite, built with Altair)."""
    import altair as alt

    this_label = f"This review ({report.timepoint})"
    rows = [
        {
            "section": charts.axis_label(s.number, s.title),
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
                "section": charts.axis_label(s.number, s.title),
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
    font = FONT
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


def section_chart_svg(report: Report) -> Markup:
    """The section profile chart as inline SVG."""
    return charts.render_svg(section_chart_spec(report))


# ----------------------------------------------------------------------------------------------
# The PDF
# ----------------------------------------------------------------------------------------------


REPORT_TEMPLATES = (
    "reviews/report_pdf.jinja",
    "reviews/_report_body.jinja",
    "nhsuk/components/summary-list/template.jinja",
    "nhsuk/components/tag/template.jinja",
    "nhsuk/components/inset-text/template.jinja",
    "nhsuk/components/warning-callout/template.jinja",
)


def report_page_body(review: Review) -> Markup:
    """The report as the page shows it.

    A finalised report changes only with an amendment (which raises its report_version)
    or with an amendment to the earlier review it is compared with, so it is drawn once per
    version and kept in the cache: reading it is then as quick as any short page. A draft
    is drawn afresh each time."""

    def context():
        return {"report": build_report(review), "review": review}

    if not review.is_finalised:
        html = render_to_string("reviews/_report_page_body.jinja", context())
        return Markup(html)  # noqa: S704 (our own template's output)
    earlier = score_reads.earlier_review(review)
    return drawn_once(
        (
            "report-page",
            review.pk,
            review.report_version,
            # The programme's setting decides how many priorities the report names.
            review.team.organisation.programme.report_priorities,
            earlier.pk if earlier else "-",
            earlier.report_version if earlier else "-",
        ),
        "reviews/_report_page_body.jinja",
        context,
        includes=("reviews/_report_body.jinja",),
    )


def report_html(review, *, report: Report | None = None, user=None, base_url=None) -> str:
    """The standalone HTML document WeasyPrint turns into the PDF. For a person (`user`),
    each priority lists the library's resources for its item, linked from `base_url`."""
    report = report or build_report(review)
    context = {"report": report, "review": review}
    if user is not None:
        context["resources_by_item"] = item_resources(
            user,
            scale_id=review.scale_id,
            numbers=[p.item.number for p in report.priorities],
            programme=review.team.organisation.programme,
            team_id=review.team_id,
            base_url=base_url,
        )
    return pdf.render_html("reviews/report_pdf.jinja", context)


def report_pdf(review, *, base_url: str | None = None, user=None) -> bytes:
    """The feedback report as PDF bytes, from the same template body as the page."""
    return pdf.html_to_pdf(report_html(review, user=user, base_url=base_url), base_url=base_url)


def warm_up() -> float:
    """Start the PDF renderer and compile the report's templates, then draw one real report
    (the first finalised review's, thrown away) so that every font, table and page-break
    path the reports use is ready; the seconds it took."""
    started = time.perf_counter()
    pdf.warm_up(REPORT_TEMPLATES)
    sample = Review.objects.finalised().order_by("pk").first()
    if sample is not None:
        report_pdf(sample)
    return time.perf_counter() - started
