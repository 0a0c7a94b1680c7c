"""What the dashboards show, as plain data: a team against the programme, and the
programme across its teams. Scores come from fidelis.reviews.scores and the scoring
engine; the programme's spread comes from the stored Benchmark figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, OuterRef, Subquery
from django.urls import reverse

from fidelis.benchmarks import access
from fidelis.benchmarks.models import Benchmark
from fidelis.lib.benchmarks import (
    TOP_QUARTER,
    Distribution,
    criteria_changes,
    place,
    supportive_summary,
)
from fidelis.lib.scoring import CriterionDecision, score_item
from fidelis.programmes.models import Role
from fidelis.reviews.models import ConsensusCriterion, ConsensusItem, Review, Status

PRIORITY_COUNT = 5


# ------------------------------------------------------------------------------------------
# A team's dashboard
# ------------------------------------------------------------------------------------------


@dataclass
class SectionRow:
    number: int
    title: str
    mean: float | None
    spread: Distribution | None
    earlier_means: list[float | None] = field(default_factory=list)  # along the path

    @property
    def above_median(self) -> bool:
        return self.mean is not None and self.spread is not None and self.mean > self.spread.median


@dataclass
class ItemRow:
    number: int
    title: str
    section_number: int
    score: int | None
    scores: list[int | None]  # along the path, oldest first
    spread: Distribution | None
    place: str | None
    newly_met: tuple[str, ...] = ()
    lost: tuple[str, ...] = ()
    next_step: str | None = None
    one_more: bool = False

    @property
    def change(self) -> int | None:
        known = [s for s in self.scores if s is not None]
        if len(known) < 2 or self.scores[0] is None or self.score is None:
            return None
        return self.score - self.scores[0]


@dataclass
class PathPoint:
    review: Review
    timepoint: str
    total: int | None
    mean: float | None
    band: str
    programme_median: float | None  # the programme's median mean item score then
    programme_teams: int = 0  # the teams that median is over


@dataclass
class TeamDashboard:
    team_label: str
    path: list[PathPoint]
    latest: Review | None
    sections: list[SectionRow]
    items: list[ItemRow]
    n_teams: int  # teams in the comparison at the latest review's timepoint
    comparison_shown: bool
    comparison_note: str
    summary: list[str]
    min_level: int
    max_level: int
    computed_at: datetime.datetime | None = None

    @property
    def strengths(self) -> list[ItemRow]:
        top = self.max_level - 1
        return sorted(
            (i for i in self.items if i.score is not None and i.score >= top),
            key=lambda i: (-i.score, i.number),
        )

    @property
    def priorities(self) -> list[ItemRow]:
        below = [i for i in self.items if i.score is not None and i.score < self.max_level - 1]
        below.sort(key=lambda i: (not i.one_more, i.score, i.number))
        return below[:PRIORITY_COUNT]

    @property
    def since(self) -> str | None:
        return self.path[0].timepoint if len(self.path) > 1 else None

    @property
    def changed_items(self) -> list[ItemRow]:
        return [i for i in self.items if i.newly_met or i.lost]


def _decisions(review_ids) -> dict[int, dict[int, dict[str, CriterionDecision]]]:
    """{review id: {item number: {letter: decision}}} of the agreed criteria."""
    result: dict[int, dict[int, dict[str, CriterionDecision]]] = {}
    for review_id, number, letter, status, sources in ConsensusCriterion.objects.filter(
        consensus__review_id__in=review_ids
    ).values_list(
        "consensus__review_id",
        "consensus__item__number",
        "criterion__letter",
        "status",
        "sources",
    ):
        result.setdefault(review_id, {}).setdefault(number, {})[letter] = CriterionDecision(
            status or None, frozenset(sources or [])
        )
    return result


def team_dashboard(user, team) -> TeamDashboard:
    programme = team.organisation.programme
    scale_row = programme.scale
    reviews = list(
        Review.objects.filter(team=team, status=Status.FINALISED, scale=scale_row)
        .select_related("timepoint", "scale")
        .defer("recommendations", "agreement")
        .order_by("visit_date", "pk")
    )
    label = access.label(user, team)
    if scale_row is None or not reviews:
        return TeamDashboard(
            team_label=label,
            path=[],
            latest=None,
            sections=[],
            items=[],
            n_teams=0,
            comparison_shown=False,
            comparison_note="",
            summary=[],
            min_level=1,
            max_level=5,
        )
    scale = scale_row.definition
    benchmarks = {
        b.timepoint_id: b
        for b in Benchmark.objects.filter(
            programme=programme, timepoint_id__in=[r.timepoint_id for r in reviews]
        )
    }
    latest = reviews[-1]
    previous = reviews[-2] if len(reviews) > 1 else None
    scores: dict[int, dict[int, int | None]] = {}
    anchors: dict[int, dict[int, int | None]] = {}
    for review_id, number, score, level in ConsensusItem.objects.filter(
        review_id__in=[r.pk for r in reviews]
    ).values_list("review_id", "item__number", "score", "anchor_level"):
        scores.setdefault(review_id, {})[number] = score
        anchors.setdefault(review_id, {})[number] = level
    decisions = _decisions([latest.pk] + ([previous.pk] if previous else []))

    benchmark = benchmarks.get(latest.timepoint_id)
    n_teams = benchmark.n_teams if benchmark else 0
    shown = benchmark is not None and access.comparison_allowed(programme, n_teams)
    if benchmark is None:
        note = "The programme's figures for this timepoint are being worked out."
    elif not shown:
        note = (
            f"The programme comparison needs at least {programme.benchmark_min_teams} teams' "
            f"finalised reviews at {latest.timepoint.label}; there are {n_teams} so far, and "
            "with so few, other teams' results could be worked out from it."
        )
    else:
        note = ""

    def spread(*path):
        return benchmark.spread(*path) if shown else None

    items = []
    for item_def in scale.items:
        result = _score(
            item_def,
            decisions.get(latest.pk, {}).get(item_def.number),
            anchors.get(latest.pk, {}).get(item_def.number),
        )
        newly, lost = (), ()
        if previous is not None and item_def.rule.kind != "anchors":
            before = _score(
                item_def,
                decisions.get(previous.pk, {}).get(item_def.number),
                anchors.get(previous.pk, {}).get(item_def.number),
            )
            newly, lost = criteria_changes(before.statuses, result.statuses)
        item_spread = spread("items", item_def.number)
        score = scores.get(latest.pk, {}).get(item_def.number)
        items.append(
            ItemRow(
                number=item_def.number,
                title=item_def.title,
                section_number=scale.section_of(item_def.number).number,
                score=score,
                scores=[scores.get(r.pk, {}).get(item_def.number) for r in reviews],
                spread=item_spread,
                place=place(score, item_spread),
                newly_met=newly,
                lost=lost,
                next_step=result.next_step if result.raise_to else None,
                one_more=result.one_more,
            )
        )

    sections = []
    for section in scale.sections:
        numbers = {i.number for i in section.items}
        means = []
        for review in reviews:
            values = [
                s for n, s in scores.get(review.pk, {}).items() if n in numbers and s is not None
            ]
            means.append(sum(values) / len(values) if values else None)
        sections.append(
            SectionRow(
                number=section.number,
                title=section.title,
                mean=means[-1],
                spread=spread("sections", section.number),
                earlier_means=means,
            )
        )

    path = []
    for review in reviews:
        mark = benchmarks.get(review.timepoint_id)
        allowed = mark is not None and access.comparison_allowed(programme, mark.n_teams)
        median = mark.spread("mean").median if allowed and mark.spread("mean") else None
        path.append(
            PathPoint(
                review=review,
                timepoint=review.timepoint.label,
                total=review.total,
                mean=review.mean_score,
                band=review.band_label,
                programme_median=median,
                programme_teams=mark.n_teams if median is not None else 0,
            )
        )

    dashboard = TeamDashboard(
        team_label=label,
        path=path,
        latest=latest,
        sections=sections,
        items=items,
        n_teams=n_teams,
        comparison_shown=shown,
        comparison_note=note,
        summary=[],
        min_level=scale.min_level,
        max_level=scale.max_level,
        computed_at=benchmark.computed_at if benchmark else None,
    )
    ups = sum(1 for i in items if i.change is not None and i.change > 0)
    downs = sum(1 for i in items if i.change is not None and i.change < 0)
    dashboard.summary = supportive_summary(
        sections_above_median=sum(1 for s in sections if s.above_median) if shown else None,
        n_sections=len(sections),
        items_up=ups if dashboard.since else None,
        items_down=downs if dashboard.since else None,
        since=dashboard.since.lower() if dashboard.since else None,
        items_top_quarter=sum(1 for i in items if i.place == TOP_QUARTER) if shown else None,
    )
    return dashboard


def _score(item_def, decisions, anchor_level):
    if item_def.rule.kind == "anchors":
        return score_item(
            item_def,
            decisions or {},
            anchor_level=anchor_level if anchor_level in (item_def.rule.anchors or {}) else None,
        )
    return score_item(item_def, decisions or {})


# ------------------------------------------------------------------------------------------
# The programme's dashboard
# ------------------------------------------------------------------------------------------

SORTS = {"team": "Team", "total": "Total", "change": "Change since the first review"}


@dataclass
class Filters:
    """The heatmap's filters and order, read from the address (so a view can be shared)."""

    organisation: object = None
    facilitator: object = None
    sort: str = "team"
    descending: bool = False
    organisations: list = field(default_factory=list)
    facilitators: list = field(default_factory=list)
    sorts: list = field(default_factory=list)

    @classmethod
    def from_request(cls, request, programme, scope) -> Filters:
        found = cls()
        if scope.can_filter_by_organisation:
            found.organisations = list(
                programme.organisations.filter(teams__in=scope.teams).distinct().order_by("name")
            )
            wanted = request.GET.get("organisation")
            found.organisation = next((o for o in found.organisations if o.slug == wanted), None)
        if scope.can_filter_by_facilitator:
            found.facilitators = list(
                get_user_model()
                .objects.filter(
                    memberships__programme=programme, memberships__role=Role.FACILITATOR
                )
                .distinct()
                .order_by("first_name", "last_name")
            )
            wanted = request.GET.get("facilitator", "")
            found.facilitator = next((u for u in found.facilitators if str(u.pk) == wanted), None)
        scale = programme.scale.definition if programme.scale else None
        found.sorts = list(SORTS.items())
        if scale is not None:
            found.sorts += [
                (f"section-{s.number}", f"Section {s.number}: {s.title}") for s in scale.sections
            ]
            found.sorts += [
                (f"item-{i.number}", f"Item {i.number}: {i.title}") for i in scale.items
            ]
        sort = request.GET.get("sort", "team")
        found.sort = sort if sort in dict(found.sorts) else "team"
        found.descending = request.GET.get("order") == "desc"
        return found


@dataclass
class HeatRow:
    label: str
    href: str | None
    organisation: str | None
    total: int | None
    change: int | None
    scores: list[int | None]
    path: list[int | None] = field(default_factory=list)  # totals at each timepoint


def benchmarks_of(programme) -> list[Benchmark]:
    return list(
        Benchmark.objects.filter(programme=programme)
        .select_related("timepoint")
        .order_by("timepoint__order", "timepoint__month")
    )


def heatmap_reviews(
    scope,
    programme,
    timepoint,
    *,
    organisation=None,
    facilitator=None,
    sort="team",
    descending=False,
    first_timepoint=None,
):
    """The scope's finalised reviews at `timepoint` as a QuerySet, filtered and sorted in
    the database so the heatmap pages through any number of teams."""
    reviews = Review.objects.filter(
        team__in=scope.teams,
        timepoint=timepoint,
        status=Status.FINALISED,
        scale=programme.scale,
    ).select_related("team__organisation__programme")
    if organisation is not None:
        reviews = reviews.filter(team__organisation=organisation)
    if facilitator is not None:
        reviews = reviews.filter(
            team__memberships__user=facilitator, team__memberships__role="facilitator"
        )
    if first_timepoint is not None and first_timepoint != timepoint:
        first_total = Review.objects.filter(
            team=OuterRef("team"), timepoint=first_timepoint, status=Status.FINALISED
        ).values("total")[:1]
        reviews = reviews.annotate(first_total=Subquery(first_total))
        reviews = reviews.annotate(change=F("total") - F("first_total"))
    label_field = "team__pseudonym" if scope.pseudonyms_only else "team__name"
    if sort.startswith("item-") and sort[5:].isdigit():
        score = ConsensusItem.objects.filter(
            review=OuterRef("pk"), item__number=int(sort[5:])
        ).values("score")[:1]
        reviews = reviews.annotate(sort_value=Subquery(score))
        key = "sort_value"
    elif sort.startswith("section-") and sort[8:].isdigit():
        mean = (
            ConsensusItem.objects.filter(review=OuterRef("pk"), item__section__number=int(sort[8:]))
            .values("review")
            .annotate(m=Avg("score"))
            .values("m")
        )
        reviews = reviews.annotate(sort_value=Subquery(mean))
        key = "sort_value"
    elif sort == "total":
        key = "total"
    elif sort == "change" and first_timepoint is not None and first_timepoint != timepoint:
        key = "change"
    else:
        return reviews.order_by(label_field, "pk")
    ordered = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
    return reviews.order_by(ordered, label_field, "pk")


def heat_rows(user, scope, reviews, scale, timepoints=()) -> list[HeatRow]:
    """The rows of one page of the heatmap: each team's label, its items' scores, and its
    totals at each of the timepoints given (its path through the programme)."""
    ids = [r.pk for r in reviews]
    scores: dict[int, dict[int, int | None]] = {}
    for review_id, number, score in ConsensusItem.objects.filter(review_id__in=ids).values_list(
        "review_id", "item__number", "score"
    ):
        scores.setdefault(review_id, {})[number] = score
    totals: dict[int, dict[int, int | None]] = {}
    if timepoints and reviews:
        for team_id, timepoint_id, total in Review.objects.filter(
            team_id__in=[r.team_id for r in reviews],
            timepoint__in=timepoints,
            status=Status.FINALISED,
            scale_id=reviews[0].scale_id,
        ).values_list("team_id", "timepoint_id", "total"):
            totals.setdefault(team_id, {})[timepoint_id] = total
    rows = []
    for review in reviews:
        team = review.team
        opens = access.can_view_team_dashboard(user, team)
        rows.append(
            HeatRow(
                label=access.label(user, team),
                href=team_dashboard_url(team) if opens else None,
                organisation=team.organisation.name
                if scope.can_filter_by_organisation or (opens and not scope.pseudonyms_only)
                else None,
                total=review.total,
                change=getattr(review, "change", None),
                scores=[scores.get(review.pk, {}).get(i.number) for i in scale.items],
                path=[totals.get(team.pk, {}).get(t.pk) for t in timepoints],
            )
        )
    return rows


def team_dashboard_url(team) -> str:
    return reverse("team_dashboard", args=[team.organisation.programme.slug, team.slug])


@dataclass
class Progress:
    timepoint: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def progress(scope, programme) -> list[Progress]:
    """Reviews at each stage, per timepoint, for the scope's teams (one query)."""
    rows = (
        Review.objects.filter(team__in=scope.teams)
        .values("timepoint_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["timepoint_id"], {})[row["status"]] = row["n"]
    return [
        Progress(timepoint=t.label, counts=counts.get(t.pk, {})) for t in programme.timepoints.all()
    ]


def items_to_work_on(benchmark: Benchmark, scale, count: int = 5) -> list[dict]:
    """The items lowest across the network at this timepoint (by median, then quartile)."""
    rows = []
    for item in scale.items:
        spread = benchmark.spread("items", item.number)
        if spread is not None:
            rows.append({"number": item.number, "title": item.title, "spread": spread})
    rows.sort(key=lambda r: (r["spread"].median, r["spread"].q3, r["number"]))
    return rows[:count]


def items_that_moved(benchmark: Benchmark, scale, count: int = 5) -> list[dict]:
    """The items that rose most since the first timepoint, by the teams' mean change."""
    changes = benchmark.figures.get("item_changes") or {}
    titles = {item.number: item.title for item in scale.items}
    rows = [
        {"number": int(n), "title": titles.get(int(n), ""), **change}
        for n, change in changes.items()
        if int(n) in titles
    ]
    rows.sort(key=lambda r: (-r["mean"], r["number"]))
    return rows[:count]
