"""The library's part of the demo and of `fidelis seed`: the resources of
demo_library.yaml (our own writing, linked to the demo scale's items), two shared by teams
and approved and one awaiting approval, and months of use by the teams, with the
resources of the items teams most often score low left unopened, as in the programme we
follow. The demo's people get their notifications; the facilitator chose a daily digest.
`fidelis seed` adds the same library and a year of use by every team."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.utils import timezone

from fidelis.bulk import Build, delete, insert
from fidelis.programmes.models import Membership, Role, Team
from fidelis.resources import actions
from fidelis.resources.models import (
    Frequency,
    ReminderSettings,
    Resource,
    ResourceUse,
    Status,
    Use,
)
from fidelis.resources.notify import refresh
from fidelis.resources.usage import add_months, latest_scores

LIBRARY = Path(__file__).with_name("demo_library.yaml")
#: How many of the items most often scored low have resources nobody opens.
NEGLECTED = 3
#: Months of use the demo and the seed record.
MONTHS = 9


def entries() -> list[dict]:
    return yaml.safe_load(LIBRARY.read_text(encoding="utf-8"))


def _sharer(team):
    """Who shared a team's resource in the demo: one of its managers."""
    found = (
        Membership.objects.filter(team=team, role=Role.TEAM_MANAGER)
        .order_by("pk")
        .select_related("user")
        .first()
    )
    return found.user if found else None


def load_library(build: Build, *, with_teams: bool) -> list[Resource]:
    """Every resource of demo_library.yaml in the programme's library, through the same
    action the pages use."""
    programme = build.programme
    items = {i.number: i for i in programme.scale.items.all()}
    teams = {t.name: t for t in Team.objects.in_programme(programme)} if with_teams else {}
    lead = build.people.get("lead", [None])[0]
    today = datetime.date.today()
    made = []
    for entry in entries():
        shared_by = teams.get(entry.get("shared_by", "")) if with_teams else None
        if entry.get("shared_by") and shared_by is None:
            continue  # the seed has no demo teams to share them
        upload = None
        if entry.get("file"):
            upload = ContentFile(
                entry["file"]["content"].encode("utf-8"), name=entry["file"]["name"]
            )
        resource = actions.save_resource(
            programme=programme,
            by=_sharer(shared_by) if shared_by is not None else lead,
            title=entry["title"],
            kind=entry["kind"],
            audience=entry["audience"],
            use_when=entry["use_when"],
            body=entry.get("body", ""),
            url=entry.get("url", ""),
            upload=upload,
            items=[items[n] for n in entry.get("items", [])],
            review_due=add_months(today, entry.get("review_months", 12)),
            shared_by=shared_by,
            show_team_name=bool(entry.get("named")),
        )
        if shared_by is not None and entry.get("status") == "approved":
            actions.approve(resource=resource, by=lead)
        made.append(resource)
    build.rows["resources"] += len(made)
    return made


def _use_rows(build: Build, resources, teams, *, per_month: tuple[int, int], quiet=()):
    """Openings and downloads by each team over the last MONTHS months, leaving the
    resources of the items teams most often score low unopened."""
    rng = build.rng
    programme = build.programme
    low = Counter(
        number for scores in latest_scores(programme, at_most=2).values() for number in scores
    )
    neglected = {number for number, _ in low.most_common(NEGLECTED)}
    pool = [
        r
        for r in resources
        if r.status == Status.PUBLISHED and not {i.number for i in r.items.all()} & neglected
    ]
    today = datetime.date.today()
    counts: Counter = Counter()
    for team in [*teams, None]:
        for back in range(MONTHS * 30):
            day = today - datetime.timedelta(days=back)
            if team is not None and team.pk in quiet and back < 90:
                continue
            if rng.random() > (per_month[1] / 30 if team is None else per_month[0] / 30):
                continue
            resource = rng.choice(pool)
            counts[(resource.pk, team.pk if team else None, day, Use.VIEW)] += 1
            if resource.file and rng.random() < 0.5:
                counts[(resource.pk, team.pk if team else None, day, Use.DOWNLOAD)] += 1
    insert(
        ResourceUse,
        ["programme_id", "resource_id", "team_id", "day", "use", "count"],
        [
            (programme.pk, resource_id, team_id, day, use, n)
            for (resource_id, team_id, day, use), n in counts.items()
        ],
    )
    build.rows["resource uses"] += len(counts)
    return neglected


def build_demo(build: Build) -> None:
    resources = load_library(build, with_teams=True)
    teams = list(Team.objects.in_programme(build.programme))
    quiet = {t.pk for t in teams if t.name == "Marlpit Crisis Team"}
    _use_rows(build, resources, teams, per_month=(6, 4), quiet=quiet)
    facilitator = build.personas.get("facilitator")
    if facilitator is not None:
        ReminderSettings.objects.create(user=facilitator, frequency=Frequency.DAILY)
    today = timezone.localdate()
    for person in build.personas.values():
        refresh(person, today)


def build_seed(build: Build) -> None:
    resources = load_library(build, with_teams=False)
    teams = list(Team.objects.in_programme(build.programme).only("pk"))
    _use_rows(build, resources, teams, per_month=(2, 10))


def remove(programme) -> None:
    resources = Resource.objects.filter(programme=programme)
    for found in resources.exclude(file=""):
        found.file.delete(save=False)
    delete(
        ResourceUse.objects.filter(programme=programme),
        Resource.items.through.objects.filter(resource__programme=programme),
        Resource.sections.through.objects.filter(resource__programme=programme),
        resources,
    )
