"""How the library is used, for the programme lead: each resource's openings, and which
low-scoring items go without their resources being opened, per team and across the
network. Counts are per team, never per person.

Every figure comes from a fixed number of queries, whatever the number of teams; the page
lists teams twenty at a time.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum

from fidelis.programmes.models import Programme, Team
from fidelis.resources.models import Resource, ResourceUse, Status, Use
from fidelis.reviews.models import AgreedScore, Review
from fidelis.reviews.models import Status as ReviewStatus

#: An item agreed at this score or lower at a team's latest review counts as low.
LOW = 2
#: The periods the page offers, in months.
PERIODS = (3, 6, 12)


@dataclass
class ResourceUsage:
    pk: int
    title: str
    kind: str
    items: list[int]
    views: int = 0
    downloads: int = 0
    teams: int = 0
    last: datetime.date | None = None

    @property
    def unused(self) -> bool:
        return not (self.views or self.downloads)


@dataclass
class ItemUsage:
    number: int
    title: str
    resources: int = 0
    low_teams: int = 0
    low_teams_opened: int = 0
    teams_opened: int = 0

    @property
    def low_untouched(self) -> int:
        return self.low_teams - self.low_teams_opened


@dataclass
class TeamUsage:
    pk: int
    name: str
    organisation: str
    reviewed: bool = False
    low: list[tuple[int, int]] = field(default_factory=list)  # (item number, score)
    untouched: list[int] = field(default_factory=list)  # low items with resources not opened
    no_resources: list[int] = field(default_factory=list)  # low items the library lacks
    resources_opened: int = 0
    openings: int = 0
    last: datetime.date | None = None


@dataclass
class Usage:
    since: datetime.date
    resources: list[ResourceUsage]
    items: list[ItemUsage]
    teams: list[TeamUsage]
    openings_by_teams: int = 0
    openings_by_others: int = 0

    @property
    def unused_resources(self) -> list[ResourceUsage]:
        return [r for r in self.resources if r.unused]

    @property
    def teams_opening(self) -> int:
        return sum(1 for t in self.teams if t.openings)


def months_before(today: datetime.date, months: int) -> datetime.date:
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, min(today.day, 28))


def _latest_reviews(programme: Programme) -> dict[int, int]:
    """Each reviewed team's latest finalised review: {team id: review id}."""
    latest: dict[int, int] = {}
    for team_id, review_id in (
        Review.objects.filter(
            team__organisation__programme=programme, status=ReviewStatus.FINALISED
        )
        .order_by("team_id", "visit_date", "pk")
        .values_list("team_id", "pk")
    ):
        latest[team_id] = review_id
    return latest


def latest_scores(programme: Programme, *, at_most: int | None = None) -> dict[int, dict[int, int]]:
    """Each team's agreed item scores at its latest finalised review ({team: {item:
    score}}), only those at or below `at_most` when given."""
    wanted = set(_latest_reviews(programme).values())
    scores = AgreedScore.objects.filter(
        review__team__organisation__programme=programme,
        review__status=ReviewStatus.FINALISED,
        key__startswith="item-",
    )
    if at_most is not None:
        scores = scores.filter(value__lte=at_most)
    result: dict[int, dict[int, int]] = {}
    for team_id, review_id, key, value in scores.order_by().values_list(
        "review__team_id", "review_id", "key", "value"
    ):
        if review_id in wanted:
            result.setdefault(team_id, {})[int(key[5:])] = int(value)
    return result


def items_of_resources(programme: Programme) -> dict[int, set[int]]:
    """The item numbers each published resource helps with: its own items, and every item
    of the sections it is linked to."""
    found: dict[int, set[int]] = {}
    published = {"resource__programme": programme, "resource__status": Status.PUBLISHED}
    for resource_id, number in Resource.items.through.objects.filter(**published).values_list(
        "resource_id", "item__number"
    ):
        found.setdefault(resource_id, set()).add(number)
    for resource_id, number in Resource.sections.through.objects.filter(**published).values_list(
        "resource_id", "section__items__number"
    ):
        if number is not None:
            found.setdefault(resource_id, set()).add(number)
    return found


def read(programme: Programme, since: datetime.date) -> Usage:
    resources = {
        pk: ResourceUsage(pk, title, kind, [])
        for pk, title, kind in Resource.objects.filter(
            programme=programme, status=Status.PUBLISHED
        ).values_list("pk", "title", "kind")
    }
    by_item: dict[int, set[int]] = {}
    for resource_id, numbers in items_of_resources(programme).items():
        resources[resource_id].items = sorted(numbers)
        for number in numbers:
            by_item.setdefault(number, set()).add(resource_id)
    uses = ResourceUse.objects.filter(programme=programme, day__gte=since)
    # Each resource's figures count the teams' staff only: the lead checking a resource, or a
    # facilitator showing it, is not a team using it.
    for row in (
        uses.filter(team__isnull=False)
        .values("resource_id")
        .annotate(
            views=Sum("count", filter=Q(use=Use.VIEW)),
            downloads=Sum("count", filter=Q(use=Use.DOWNLOAD)),
            teams=Count("team", distinct=True),
            last=Max("day"),
        )
    ):
        found = resources.get(row["resource_id"])
        if found is not None:
            found.views = row["views"] or 0
            found.downloads = row["downloads"] or 0
            found.teams = row["teams"]
            found.last = row["last"]
    teams = {
        pk: TeamUsage(pk, name, organisation)
        for pk, name, organisation in Team.objects.filter(organisation__programme=programme)
        .order_by("name", "pk")
        .values_list("pk", "name", "organisation__name")
    }
    opened: dict[int, set[int]] = {}
    usage = Usage(since=since, resources=[], items=[], teams=[])
    for team_id, resource_id, views, last in (
        uses.order_by()
        .values_list("team_id", "resource_id")
        .annotate(n=Sum("count", filter=Q(use=Use.VIEW)), last=Max("day"))
        .values_list("team_id", "resource_id", "n", "last")
    ):
        views = views or 0
        if team_id is None:
            usage.openings_by_others += views
            continue
        usage.openings_by_teams += views
        opened.setdefault(team_id, set()).add(resource_id)  # opened or downloaded
        team = teams.get(team_id)
        if team is not None:
            team.openings += views
            team.last = last if team.last is None or last > team.last else team.last
    reviewed = set(_latest_reviews(programme))
    low = {
        team_id: sorted(scores.items())
        for team_id, scores in latest_scores(programme, at_most=LOW).items()
    }
    items = (
        {
            number: ItemUsage(number, title, resources=len(by_item.get(number, ())))
            for number, title in programme.scale.items.order_by("number").values_list(
                "number", "title"
            )
        }
        if programme.scale_id
        else {}
    )
    for team in teams.values():
        team.reviewed = team.pk in reviewed
        mine = opened.get(team.pk, set())
        team.resources_opened = len(mine)
        team.low = low.get(team.pk, [])
        for number, _score in team.low:
            item_resources = by_item.get(number, set())
            item = items.get(number)
            if item is not None:
                item.low_teams += 1
            if not item_resources:
                team.no_resources.append(number)
            elif mine & item_resources:
                if item is not None:
                    item.low_teams_opened += 1
            else:
                team.untouched.append(number)
        for number, item_resources in by_item.items():
            if mine & item_resources and number in items:
                items[number].teams_opened += 1
    usage.resources = sorted(resources.values(), key=lambda r: (r.views + r.downloads, r.title))
    usage.items = list(items.values())
    usage.teams = sorted(
        teams.values(), key=lambda t: (-len(t.untouched), -len(t.low), t.name.lower(), t.pk)
    )
    return usage


def team_rows(programme: Programme, since: datetime.date):
    """The CSV's rows: every team and item, with the team's latest score, the item's
    resources and how often the team opened and downloaded them in the period."""
    usage_rows: dict[tuple[int, int], list[int]] = {}
    resource_items = items_of_resources(programme)
    for team_id, resource_id, use, count in (
        ResourceUse.objects.filter(programme=programme, day__gte=since, team__isnull=False)
        .order_by()
        .values_list("team_id", "resource_id", "use")
        .annotate(n=Sum("count"))
        .values_list("team_id", "resource_id", "use", "n")
    ):
        for number in resource_items.get(resource_id, ()):
            counts = usage_rows.setdefault((team_id, number), [0, 0])
            counts[0 if use == Use.VIEW else 1] += count
    per_item: dict[int, int] = {}
    for numbers in resource_items.values():
        for number in numbers:
            per_item[number] = per_item.get(number, 0) + 1
    scores = latest_scores(programme)
    items = list(programme.scale.items.order_by("number").values_list("number", "title"))
    for pk, name, organisation in (
        Team.objects.filter(organisation__programme=programme)
        .order_by("name", "pk")
        .values_list("pk", "name", "organisation__name")
    ):
        mine = scores.get(pk, {})
        for number, title in items:
            views, downloads = usage_rows.get((pk, number), (0, 0))
            yield [
                name,
                organisation,
                number,
                title,
                mine.get(number),
                per_item.get(number, 0),
                views,
                downloads,
            ]
