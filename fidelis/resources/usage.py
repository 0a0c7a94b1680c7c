"""How the library is used, for the programme lead: each resource's openings, and which
low-scoring items go without their resources being opened, per team and across the
network. Counts are per team, never per person.

Every figure comes from a fixed number of queries, whatever the number of teams; the page
lists teams twenty at a time.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Max, Q, Sum

from fidelis.programmes.models import Programme, Team
from fidelis.resources.models import Resource, ResourceUse, Status, Use

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
    items_with_resources: set[int] = field(default_factory=set)

    @property
    def unused_resources(self) -> list[ResourceUsage]:
        return [r for r in self.resources if r.unused]

    @property
    def teams_opening(self) -> int:
        return sum(1 for t in self.teams if t.openings)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (earlier when negative), on the 28th at the latest so
    that every month has it."""
    month = day.month + months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def latest_scores(programme: Programme, *, at_most: int | None = None) -> dict[int, dict[int, int]]:
    """Each team's agreed item scores at its latest finalised review ({team: {item:
    score}}), only those at or below `at_most` when given."""
    params = {"programme": programme.pk, "low": at_most}
    result: dict[int, dict[int, int]] = {}
    for team_id, item, score in _rows(_LATEST_SCORES if at_most is None else _LOW, params):
        result.setdefault(team_id, {})[item] = int(score)
    return result


def items_of_resources(programme: Programme) -> dict[int, set[int]]:
    """The item numbers each published resource helps with: its own items, and every item
    of the sections it is linked to."""
    found: dict[int, set[int]] = {}
    for resource_id, number in _rows(_RESOURCE_ITEMS, {"programme": programme.pk}):
        found.setdefault(resource_id, set()).add(number)
    return found


# The SQL below reads every team's figures in a few grouped queries, whatever the number of
# teams; written out because it joins four apps' tables in ways the ORM would spell as
# correlated subqueries. Both SQLite and PostgreSQL run it.

#: Each published resource of the programme and the item numbers it helps with (its own
#: items and every item of its sections).
_RESOURCE_ITEMS = """
    SELECT ri.resource_id AS resource_id, i.number AS item
    FROM resources_resource_items ri
    JOIN scales_item i ON i.id = ri.item_id
    JOIN resources_resource r ON r.id = ri.resource_id
    WHERE r.programme_id = %(programme)s AND r.status = 'published'
    UNION
    SELECT rs.resource_id, i.number
    FROM resources_resource_sections rs
    JOIN scales_item i ON i.section_id = rs.section_id
    JOIN resources_resource r ON r.id = rs.resource_id
    WHERE r.programme_id = %(programme)s AND r.status = 'published'
"""
#: Each team's latest finalised review.
_LATEST = """
    SELECT v.id AS id, v.team_id AS team_id
    FROM reviews_review v
    JOIN programmes_team t ON t.id = v.team_id
    JOIN programmes_organisation o ON o.id = t.organisation_id
    WHERE o.programme_id = %(programme)s AND v.status = 'finalised'
    AND NOT EXISTS (
        SELECT 1 FROM reviews_review w
        WHERE w.team_id = v.team_id AND w.status = 'finalised'
        AND (w.visit_date > v.visit_date OR (w.visit_date = v.visit_date AND w.id > v.id))
    )
"""
#: Each team's agreed item scores at its latest review, and only its low ones.
_LATEST_SCORES = f"""
    SELECT l.team_id AS team_id, CAST(substr(a.key, 6) AS INTEGER) AS item,
        a.value AS score
    FROM reviews_agreedscore a
    JOIN ({_LATEST}) l ON l.id = a.review_id
    WHERE a.key LIKE 'item-%%'
"""  # noqa: S608
_LOW = _LATEST_SCORES + " AND a.value <= %(low)s"
#: The items each team opened (or downloaded) a resource for in the period.
_OPENED = f"""
    SELECT DISTINCT u.team_id AS team_id, ri.item AS item
    FROM resources_resourceuse u
    JOIN ({_RESOURCE_ITEMS}) ri ON ri.resource_id = u.resource_id
    WHERE u.programme_id = %(programme)s AND u.day >= %(since)s AND u.team_id IS NOT NULL
"""  # noqa: S608
#: Each low (team, item) and whether the team opened the item's resources.
_LOW_OPENED = f"""
    SELECT low.team_id, low.item, low.score,
        CASE WHEN op.team_id IS NULL THEN 0 ELSE 1 END AS opened
    FROM ({_LOW}) low
    LEFT JOIN ({_OPENED}) op ON op.team_id = low.team_id AND op.item = low.item
"""  # noqa: S608


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


#: What the figures depend on, read in one query: the programme's uses (rows, last, total),
#: its finalised reviews (how many, their amendments), its resources (how many, last change,
#: last decision) and its teams (how many, the newest).
_STAMP = """
    SELECT
        (SELECT COUNT(*) FROM resources_resourceuse WHERE programme_id = %(programme)s),
        (SELECT MAX(id) FROM resources_resourceuse WHERE programme_id = %(programme)s),
        (SELECT SUM(count) FROM resources_resourceuse WHERE programme_id = %(programme)s),
        (SELECT COUNT(*) FROM reviews_review v JOIN programmes_team t ON t.id = v.team_id
            JOIN programmes_organisation o ON o.id = t.organisation_id
            WHERE o.programme_id = %(programme)s AND v.status = 'finalised'),
        (SELECT SUM(v.report_version) FROM reviews_review v
            JOIN programmes_team t ON t.id = v.team_id
            JOIN programmes_organisation o ON o.id = t.organisation_id
            WHERE o.programme_id = %(programme)s AND v.status = 'finalised'),
        (SELECT COUNT(*) FROM resources_resource WHERE programme_id = %(programme)s),
        (SELECT MAX(updated_at) FROM resources_resource WHERE programme_id = %(programme)s),
        (SELECT MAX(decided_at) FROM resources_resource WHERE programme_id = %(programme)s),
        (SELECT COUNT(*) FROM programmes_team t JOIN programmes_organisation o
            ON o.id = t.organisation_id WHERE o.programme_id = %(programme)s),
        (SELECT MAX(t.id) FROM programmes_team t JOIN programmes_organisation o
            ON o.id = t.organisation_id WHERE o.programme_id = %(programme)s)
"""
#: How long figures are kept at most (a team renamed shows within this time).
KEEP = 10 * 60


def usage_for(programme: Programme, since: datetime.date) -> Usage:
    """The usage page's figures: kept in the page cache, under a key naming everything they
    depend on, so an opening, a finalised or amended review, or a change to the library
    shows at once, and otherwise the figures are read once."""
    (stamp,) = _rows(_STAMP, {"programme": programme.pk})
    key = (
        "resource-usage:"
        + hashlib.sha256(repr((programme.pk, since.isoformat(), stamp)).encode()).hexdigest()
    )
    pages = caches["pages"]
    found = pages.get(key)
    if found is None:
        found = read(programme, since)
        pages.set(key, found, KEEP)
    return found


def read(programme: Programme, since: datetime.date) -> Usage:
    """Every figure of the usage page, worked out afresh (`usage_for` keeps them while
    nothing they depend on changes)."""
    params = {"programme": programme.pk, "since": since, "low": LOW}
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
        )
    ):
        found = resources.get(row["resource_id"])
        if found is not None:
            found.views = row["views"] or 0
            found.downloads = row["downloads"] or 0
            found.teams = row["teams"]
    teams = {
        pk: TeamUsage(pk, name, organisation)
        for pk, name, organisation in Team.objects.filter(organisation__programme=programme)
        .order_by("name", "pk")
        .values_list("pk", "name", "organisation__name")
    }
    usage = Usage(since=since, resources=[], items=[], teams=[])
    for team_id, views, last in (
        uses.filter(use=Use.VIEW)
        .order_by()
        .values_list("team_id")
        .annotate(n=Sum("count"), last=Max("day"))
        .values_list("team_id", "n", "last")
    ):
        if team_id is None:
            usage.openings_by_others += views
            continue
        usage.openings_by_teams += views
        if team_id in teams:
            teams[team_id].openings, teams[team_id].last = views, last
    for (team_id,) in _rows(f"SELECT team_id FROM ({_LATEST}) latest", params):  # noqa: S608
        if team_id in teams:
            teams[team_id].reviewed = True
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
    usage.items_with_resources = set(by_item)
    for team_id, item, score, opened in sorted(_rows(_LOW_OPENED, params)):
        team = teams.get(team_id)
        if team is not None:
            team.low.append((item, int(score)))
            if item not in by_item:
                team.no_resources.append(item)
            elif not opened:
                team.untouched.append(item)
        found = items.get(item)
        if found is not None:
            found.low_teams += 1
            found.low_teams_opened += opened
    per_item = f"SELECT item, COUNT(DISTINCT team_id) FROM ({_OPENED}) op GROUP BY item"  # noqa: S608
    for item, n_teams in _rows(per_item, params):
        if item in items:
            items[item].teams_opened = n_teams
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
