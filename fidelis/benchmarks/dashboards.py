"""What the dashboards show, as plain data: a team against the programme, and the
programme across its teams. Scores come from fidelis.reviews.scores and the scoring
engine; the programme's spread comes from the stored Benchmark figures."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse
from markupsafe import Markup, escape

from fidelis.benchmarks import access
from fidelis.benchmarks.models import Benchmark
from fidelis.lib.benchmarks import (
    TOP_QUARTER,
    Distribution,
    criteria_changes,
    place,
    supportive_summary,
)
from fidelis.programmes.models import Membership, Role
from fidelis.reviews.models import (
    AgreedScore,
    ConsensusItem,
    Review,
    Status,
)
from fidelis.reviews.scores import criterion_decisions, item_result

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


def _team_reviews(team) -> list[Review]:
    """The team's finalised reviews on the programme's scale, oldest first. (Found by the
    team alone, a handful of rows, so the database reads them by the team's index.) Their
    stored JSON is left unread: the dashboard reads item scores from the consensus rows,
    and the scale's definition is kept per version (FidelityScale.definition)."""
    scale_id = team.organisation.programme.scale_id
    return [
        review
        for review in Review.objects.filter(team=team)
        .select_related("timepoint", "scale")
        .defer("recommendations", "agreement", "agreed_scores", "focus_items", "scale__data")
        .order_by("visit_date", "pk")
        if review.status == Status.FINALISED and review.scale_id == scale_id
    ]


def _team_benchmarks(programme, reviews, *, figures=True) -> dict[int, Benchmark]:
    """The programme's figures at the reviews' timepoints; without `figures`, only when
    they were worked out (enough for a key)."""
    found = Benchmark.objects.filter(
        programme=programme, timepoint_id__in=[r.timepoint_id for r in reviews]
    )
    if not figures:
        found = found.only("pk", "timepoint_id", "n_teams", "computed_at")
    return {b.timepoint_id: b for b in found}


@dataclass
class TeamHead:
    """What a team dashboard's page needs before its body: the label, the latest review,
    and the key under which the drawn body is kept."""

    team_label: str
    latest: Review | None
    key: tuple
    reviews: list[Review]
    benchmarks: dict[int, Benchmark]


def team_head(user, team) -> TeamHead:
    """Two small queries. The body depends only on what the key holds: the team's finalised
    reviews and their versions (an amendment raises a review's report_version), the
    programme's figures at those timepoints and when they were worked out, the smallest
    comparison, the scale, and the team's label."""
    programme = team.organisation.programme
    reviews = _team_reviews(team)
    benchmarks = _team_benchmarks(programme, reviews, figures=False)
    label = access.label(user, team)
    key = (
        "team-dashboard",
        team.pk,
        programme.scale_id,
        programme.benchmark_min_teams,
        ",".join(f"{r.pk}.{r.report_version}" for r in reviews),
        ",".join(f"{b.pk}.{b.computed_at.timestamp()}" for b in benchmarks.values()),
        hashlib.sha256(label.encode()).hexdigest()[:12],
    )
    return TeamHead(
        team_label=label,
        latest=reviews[-1] if reviews else None,
        key=key,
        reviews=reviews,
        benchmarks=benchmarks,
    )


def team_dashboard(user, team, head: TeamHead | None = None) -> TeamDashboard:
    programme = team.organisation.programme
    scale_row = programme.scale
    head = head or team_head(user, team)
    reviews = head.reviews
    label = head.team_label
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
    benchmarks = _team_benchmarks(programme, reviews)
    latest = reviews[-1]
    previous = reviews[-2] if len(reviews) > 1 else None
    scores: dict[int, dict[int, int | None]] = {}
    anchors: dict[int, dict[int, int | None]] = {}
    for review_id, number, score, level in ConsensusItem.objects.filter(
        review_id__in=[r.pk for r in reviews]
    ).values_list("review_id", "item__number", "score", "anchor_level"):
        scores.setdefault(review_id, {})[number] = score
        anchors.setdefault(review_id, {})[number] = level
    decisions = criterion_decisions([latest.pk] + ([previous.pk] if previous else []))

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
        result = item_result(
            item_def,
            decisions.get(latest.pk, {}).get(item_def.number),
            anchors.get(latest.pk, {}).get(item_def.number),
        )
        newly, lost = (), ()
        if previous is not None and item_def.rule.kind != "anchors":
            before = item_result(
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


# ------------------------------------------------------------------------------------------
# The programme's dashboard
# ------------------------------------------------------------------------------------------

SORTS = {"team": "Team", "total": "Total", "change": "Change since the first review"}


# Up to this many organisations or facilitators, a filter is a list to choose from; beyond
# it (a national programme), a box to type part of a name into.
FILTER_CHOICES = 40


@dataclass(frozen=True)
class Choice:
    """An option of a filter: the row's id, its value in the address, the text shown."""

    pk: int
    value: str
    text: str


@dataclass
class ChoiceFilter:
    """A filter by organisation or facilitator: a list to choose from, or, with more
    choices than a list holds comfortably (a national programme), the text typed, matched
    against names."""

    choices: list[Choice] = field(default_factory=list)  # offered as a list
    chosen: Choice | None = None
    typed: bool = False
    text: str = ""

    @classmethod
    def read(cls, request, name: str, choices: list[Choice]) -> ChoiceFilter:
        wanted = request.GET.get(name, "").strip()[:100]
        if len(choices) > FILTER_CHOICES:
            return cls(typed=True, text=wanted)
        return cls(choices=choices, chosen=next((c for c in choices if c.value == wanted), None))

    @property
    def active(self) -> bool:
        return bool(self.chosen or self.text)


@dataclass
class Filters:
    """The heatmap's filters and order, read from the address (so a view can be shared)."""

    organisation: ChoiceFilter = field(default_factory=ChoiceFilter)
    facilitator: ChoiceFilter = field(default_factory=ChoiceFilter)
    sort: str = "team"
    descending: bool = False
    sorts: list = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.organisation.active or self.facilitator.active

    @classmethod
    def from_request(cls, request, programme, scope) -> Filters:
        found = cls()
        organisations, facilitators = _filter_choices(programme, scope)
        if scope.can_filter_by_organisation:
            found.organisation = ChoiceFilter.read(request, "organisation", organisations)
        if scope.can_filter_by_facilitator:
            found.facilitator = ChoiceFilter.read(request, "facilitator", facilitators)
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


def _filter_choices(programme, scope) -> tuple[list[Choice], list[Choice]]:
    """The organisations and facilitators to filter by (up to one more than a list holds),
    kept by each worker for a minute: they change seldom, and a new one shows within it."""
    key = f"filter-choices:{programme.pk}:{scope.signature}"
    kept = caches["local"].get(key)
    if kept is not None:
        return kept
    organisations: list[Choice] = []
    facilitators: list[Choice] = []
    if scope.can_filter_by_organisation:
        found = programme.organisations.order_by("name")
        if not scope.whole_programme:
            found = found.filter(teams__in=scope.teams).distinct()
        organisations = [
            Choice(pk, slug, name)
            for pk, slug, name in found.values_list("pk", "slug", "name")[: FILTER_CHOICES + 1]
        ]
    if scope.can_filter_by_facilitator:
        facilitators = [
            Choice(pk, str(pk), f"{first} {last}".strip() or username)
            for pk, first, last, username in get_user_model()
            .objects.filter(memberships__programme=programme, memberships__role=Role.FACILITATOR)
            .values_list("pk", "first_name", "last_name", "username")
            .distinct()
            .order_by("first_name", "last_name", "pk")[: FILTER_CHOICES + 1]
        ]
    caches["local"].set(key, (organisations, facilitators))
    return organisations, facilitators


@dataclass
class HeatRow:
    label: str
    href: str | None
    organisation: str | None
    total: int | None
    change: int | None
    scores: list[int | None]
    path: list[int | None] = field(default_factory=list)  # totals at each timepoint

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "–"
        return f"+{self.change}" if self.change > 0 else str(self.change)

    @property
    def path_text(self) -> str:
        return " → ".join("–" if total is None else str(total) for total in self.path)

    @property
    def html(self) -> Markup:
        """The row as a table row, drawn here rather than cell by cell in the template: a
        page holds 25 rows of every item. Names are escaped; scores are integers. Each
        cell's shade repeats the number written in it. The change and path columns appear
        when the row has a path (more than one timepoint)."""
        head = f"{escape(self.label)}"
        if self.href:
            head = f'<a href="{escape(self.href)}">{head}</a>'
        if self.organisation:
            head += f'<br><span class="fidelis-meta">{escape(self.organisation)}</span>'
        total = "–" if self.total is None else int(self.total)
        parts = [f'<tr><th scope="row">{head}</th><td>{total}</td>']
        if self.path:
            parts.append(f"<td>{escape(self.change_text)}</td>")
            parts.append(f'<td class="fidelis-path">{escape(self.path_text)}</td>')
        parts.extend(
            f'<td class="fidelis-heat-{int(score)}">{int(score)}</td>'
            if score is not None
            else '<td class="fidelis-heat-0">–</td>'
            for score in self.scores
        )
        parts.append("</tr>")
        return Markup("".join(parts))  # noqa: S704 (escaped names, integers and fixed text)


def benchmarks_of(programme) -> list[Benchmark]:
    """The programme's stored figures, a timepoint at a time."""
    return list(
        Benchmark.objects.filter(programme=programme)
        .select_related("timepoint")
        .order_by("timepoint__order", "timepoint__month")
    )


def timepoints_and_benchmarks(programme) -> tuple[list, list[Benchmark]]:
    """The programme's timepoints in order, and the stored figures of those that have them,
    in one query. The figures themselves are left unread (they load if touched): only which
    timepoints have them, over how many teams, and when they were worked out."""
    timepoints, benchmarks = [], []
    fields = ["id", "programme_id", "timepoint_id", "n_teams", "computed_at"]
    for timepoint in programme.timepoints.order_by("order", "month").annotate(
        benchmark_id=F("benchmarks__id"),
        benchmark_teams=F("benchmarks__n_teams"),
        benchmark_at=F("benchmarks__computed_at"),
    ):
        timepoints.append(timepoint)
        if timepoint.benchmark_id is not None:
            values = [
                timepoint.benchmark_id,
                programme.pk,
                timepoint.pk,
                timepoint.benchmark_teams,
                timepoint.benchmark_at,
            ]
            benchmark = Benchmark.from_db(Benchmark.objects.db, fields, values)
            benchmark.timepoint = timepoint
            benchmarks.append(benchmark)
    return timepoints, benchmarks


def summary_key(programme, benchmarks, chosen) -> tuple:
    """The programme summary depends on the stored figures (each refresh stamps them), the
    chosen timepoint, the smallest comparison and the scale."""
    return (
        "programme-summary",
        programme.pk,
        programme.scale_id,
        programme.benchmark_min_teams,
        chosen.pk,
        ",".join(f"{b.pk}.{b.computed_at.timestamp()}" for b in benchmarks),
    )


def _name_matches(prefix: str, text: str) -> Q:
    """Every word typed appears in the first or the last name."""
    match = Q()
    for word in text.split()[:5]:
        match &= Q(**{f"{prefix}first_name__icontains": word}) | Q(
            **{f"{prefix}last_name__icontains": word}
        )
    return match


# What a heatmap row needs of its review, read as plain values for the page's reviews.
ROW_FIELDS = (
    "pk",
    "total",
    "timepoint_id",
    "scale_id",
    "team_id",
    "team__name",
    "team__slug",
    "team__pseudonym",
    "team__organisation_id",
    "team__organisation__name",
    "agreed_scores",
)


def heatmap_reviews(scope, programme, timepoint, filters: Filters, *, first_timepoint=None):
    """The ids of the scope's finalised reviews at `timepoint`, filtered and in the order
    chosen, as a query: the database orders them and a page reads only its own ids, so the
    heatmap pages through any number of teams; heat_rows reads a page's rows."""
    # The timepoint is the programme's own, so the whole programme needs no other filter.
    reviews = Review.objects.filter(
        timepoint=timepoint, status=Status.FINALISED, scale_id=programme.scale_id
    )
    if not scope.whole_programme:
        reviews = reviews.filter(team__in=scope.teams)
    if filters.organisation.chosen is not None:
        reviews = reviews.filter(team__organisation_id=filters.organisation.chosen.pk)
    elif filters.organisation.text:
        reviews = reviews.filter(team__organisation__name__icontains=filters.organisation.text)
    facilitating = Membership.objects.filter(programme=programme, role=Role.FACILITATOR)
    if filters.facilitator.chosen is not None:
        reviews = reviews.filter(
            team__in=facilitating.filter(user_id=filters.facilitator.chosen.pk).values("team")
        )
    elif filters.facilitator.text:
        reviews = reviews.filter(
            team__in=facilitating.filter(_name_matches("user__", filters.facilitator.text)).values(
                "team"
            )
        )
    # Teams with equal keys stay in the order of their labels; teams without the key (no
    # score for the item, no earlier review) come last whichever way the key runs.
    order = ["team__pseudonym" if scope.pseudonyms_only else "team__name", "pk"]
    key = _sort_key(filters.sort, programme, timepoint, first_timepoint)
    if key is not None:
        reviews = reviews.alias(sort_key=key)
        by = F("sort_key")
        order.insert(0, by.desc(nulls_last=True) if filters.descending else by.asc(nulls_last=True))
    return reviews.order_by(*order).values_list("pk", flat=True)


def _sort_key(sort: str, programme, timepoint, first_timepoint):
    """What a review is sorted by for `sort`, as an expression, or None to keep the label
    order. Each reads one review's own row or one narrow index entry."""
    if sort == "total":
        return F("total")
    if sort == "change":
        if first_timepoint is None or first_timepoint == timepoint:
            return None
        first = Review.objects.filter(
            team_id=OuterRef("team_id"),
            timepoint=first_timepoint,
            status=Status.FINALISED,
            scale_id=programme.scale_id,
        ).values("total")[:1]
        return F("total") - Subquery(first)
    if sort.startswith(("item-", "section-")):
        # The item's agreed score or the section's mean, from the narrow ranking rows.
        return Subquery(
            AgreedScore.objects.filter(review_id=OuterRef("pk"), key=sort)
            .order_by()
            .values("value")[:1]
        )
    return None


def heat_rows(user, scope, programme, ids, scale, timepoints=()) -> list[HeatRow]:
    """The rows of one page of the heatmap (`ids`: its reviews, in order): each team's
    label, its items' scores, and its totals at each of the timepoints given (its path
    through the programme)."""
    page = Review.objects.filter(pk__in=ids).order_by().values(*ROW_FIELDS)
    found = {r["pk"]: r for r in page}
    reviews = [found[pk] for pk in ids if pk in found]
    numbers = [str(i.number) for i in scale.items]
    totals: dict[int, dict[int, int | None]] = {}
    if timepoints and reviews:
        for team_id, timepoint_id, total in (
            Review.objects.filter(
                team_id__in=[r["team_id"] for r in reviews],
                timepoint__in=timepoints,
                status=Status.FINALISED,
                scale_id=reviews[0]["scale_id"],
            )
            .order_by()
            .values_list("team_id", "timepoint_id", "total")
        ):
            totals.setdefault(team_id, {})[timepoint_id] = total
    rules = access.row_rules(user, programme)
    href = _team_dashboard_href(programme)
    rows = []
    for review in reviews:
        opens, named = rules(review["team_id"], review["team__organisation_id"])
        own = (review["agreed_scores"] or {}).get("items", {})
        path = totals.get(review["team_id"], {})
        rows.append(
            HeatRow(
                label=review["team__name"] if named else review["team__pseudonym"],
                href=href(review["team__slug"]) if opens else None,
                organisation=review["team__organisation__name"]
                if scope.can_filter_by_organisation or (opens and not scope.pseudonyms_only)
                else None,
                total=review["total"],
                change=_change(path, timepoints, review),
                scores=[own.get(n) for n in numbers],
                path=[path.get(t.pk) for t in timepoints],
            )
        )
    return rows


def _change(totals: dict, timepoints, review: dict) -> int | None:
    """A row's change in total since the first timepoint shown (none at that timepoint)."""
    total = review["total"]
    if len(timepoints) < 2 or total is None or review["timepoint_id"] == timepoints[0].pk:
        return None
    first = totals.get(timepoints[0].pk)
    return None if first is None else total - first


def _team_dashboard_href(programme):
    """Team dashboards' addresses from one reverse() for a page of rows: the address with
    an upper-case placeholder (never in a slug) where the team's slug goes."""
    pattern = reverse("team_dashboard", args=[programme.slug, "TEAM"])
    return lambda slug: pattern.replace("/TEAM/", f"/{slug}/")


@dataclass
class Progress:
    timepoint: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def progress(scope, timepoints) -> list[Progress]:
    """Reviews at each stage, per timepoint (the programme's, in order), for the scope's
    teams."""
    reviews = Review.objects.filter(timepoint__in=[t.pk for t in timepoints])
    if not scope.whole_programme:
        reviews = reviews.filter(team__in=scope.teams)
    rows = reviews.order_by().values("timepoint_id", "status").annotate(n=Count("pk"))
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["timepoint_id"], {})[row["status"]] = row["n"]
    return [Progress(timepoint=t.label, counts=counts.get(t.pk, {})) for t in timepoints]


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
