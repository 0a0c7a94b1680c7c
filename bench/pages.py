"""Every page, for every persona: SQL queries at two programme sizes, server time and size.

Seeds two programmes (10 teams and, by default, 1,000 teams, three finalised reviews each)
into a temporary SQLite database, signs in with Django's test client as each persona the
seed has (the programme lead, a reviewer, a facilitator, a team manager, a senior sponsor
and an evaluator) and requests every page that persona can open. For each page and persona
it measures the SQL queries at both sizes, the median server time at the large size against
a trivial signed-in page (/account/) requested in turn with it, and the response size. A paged
list's "next page" link is followed once, so a second page is measured too.

Budget (ARCHITECTURE.md, "Performance budget"): a page's query count is the same at both
sizes; its median time is within 3x that of the trivial page (a dashboard's within 2x); its
response is under 200 KB. Exits 1 when any page is over. Figures go to bench/results.json.

    .venv/bin/python bench/pages.py [--teams 1000] [--runs 20] [--max-seconds 30]
    .venv/bin/python bench/pages.py --quick        (100 teams, 5 runs: for trying it)
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

from _results import record

# Settings come from the environment, so the temporary database is chosen before Django
# starts: the bench never touches the developer's database.
DATA_DIR = tempfile.mkdtemp(prefix="fidelis-bench-")
os.environ["FIDELIS_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "fidelis.settings"
os.environ.pop("DATABASE_URL", None)
# Pages are timed as production serves them: no debug query log, no debug pages.
os.environ["DEBUG"] = "false"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

SMALL = 10
RATIO_BUDGET = 3.0
DASHBOARD_RATIO_BUDGET = 2.0
SIZE_BUDGET = 200_000  # bytes: "under 200 KB", with 1 KB = 1,000 bytes
# Pages held to the dashboard budget, by label.
DASHBOARDS: frozenset[str] = frozenset(
    {
        "programme dashboard",
        "programme dashboard, by an item",
        "team dashboard",
        "programme outcomes",
    }
)
# Downloads (spreadsheets of every agreed score): their query count must not grow with the
# programme, but their time and size do by nature (one row per review and item), so they
# are measured and printed, not held to the page budget. A programme-wide download at
# 1,000 teams takes seconds, so each is measured for one persona (the lead; the team
# manager for a team's), with no warm-up and the fewest runs.
DOWNLOADS: frozenset[str] = frozenset(
    {
        "programme scores, long CSV",
        "programme scores, long XLSX",
        "programme scores, wide CSV",
        "programme scores, wide XLSX",
        "team scores, long CSV",
        "team scores, wide XLSX",
        "fidelity beside outcomes, CSV",
        "library use, CSV",
    }
)
WARM_UPS = 2
MIN_RUNS = 3
TRIVIAL = "account (trivial)"
NEXT = ", next page"

# (label, role): the seeded user with that role in the programme signs in as the persona.
PERSONAS = (
    ("lead", "lead"),
    ("reviewer", "reviewer"),
    ("facilitator", "facilitator"),
    ("team manager", "team_manager"),
    ("sponsor", "sponsor"),
    ("evaluator", "evaluator"),
)


@dataclass
class Context:
    """What one persona's pages are about: their team, a finalised review and so on."""

    persona: str
    user: object
    programme: object
    team: object
    review: object | None
    place: object | None  # the persona's seat on the review's panel, if they have one
    person: object
    item: int  # a scale item's number


# (label, URL name, the URL's arguments, needs a panel seat). URLs come from reverse(), so
# a page whose URL name does not exist (yet) is left out with a note.
PAGES = (
    ("home", "home", lambda c: []),
    ("programme", "programme", lambda c: [c.programme.slug]),
    ("organisation", "organisation", lambda c: [c.programme.slug, c.team.organisation.slug]),
    ("team", "team", lambda c: [c.programme.slug, c.team.slug]),
    ("people", "people", lambda c: [c.programme.slug]),
    ("person", "person", lambda c: [c.person.pk]),
    ("timepoints", "timepoints", lambda c: [c.programme.slug]),
    ("invite", "invite", lambda c: [c.programme.slug]),
    ("scale", "scale", lambda c: [c.programme.scale.slug, c.programme.scale.version]),
    (
        "scale item",
        "scale_item",
        lambda c: [c.programme.scale.slug, c.programme.scale.version, c.item],
    ),
    ("review list", "review_list", lambda c: []),
    ("review", "review", lambda c: [c.review.pk]),
    ("review report", "review_report", lambda c: [c.review.pk]),
    ("consensus", "consensus_index", lambda c: [c.review.pk]),
    ("consensus item", "consensus_item", lambda c: [c.review.pk, c.item]),
    ("rating", "rate_index", lambda c: [c.place.review_id]),
    ("rating item", "rate_item", lambda c: [c.place.review_id, c.item]),
    ("agreement", "agreement", lambda c: [c.programme.slug]),
    ("programme dashboard", "programme_dashboard", lambda c: [c.programme.slug]),
    ("programme dashboard, by an item", "programme_dashboard", lambda c: [c.programme.slug]),
    ("team dashboard", "team_dashboard", lambda c: [c.programme.slug, c.team.slug]),
    (
        "programme scores, long CSV",
        "programme_export",
        lambda c: [c.programme.slug, "long", "csv"],
    ),
    (
        "programme scores, long XLSX",
        "programme_export",
        lambda c: [c.programme.slug, "long", "xlsx"],
    ),
    (
        "programme scores, wide CSV",
        "programme_export",
        lambda c: [c.programme.slug, "wide", "csv"],
    ),
    (
        "programme scores, wide XLSX",
        "programme_export",
        lambda c: [c.programme.slug, "wide", "xlsx"],
    ),
    (
        "team scores, long CSV",
        "team_export",
        lambda c: [c.programme.slug, c.team.slug, "long", "csv"],
    ),
    (
        "team scores, wide XLSX",
        "team_export",
        lambda c: [c.programme.slug, c.team.slug, "wide", "xlsx"],
    ),
    ("plan", "plan", lambda c: [plan_of(c)]),
    ("plan history", "plan_history", lambda c: [plan_of(c)]),
    ("my actions", "my_actions", lambda c: []),
    ("plans overview", "plans_overview", lambda c: [c.programme.slug]),
    ("team measures", "team_measures", lambda c: [c.programme.slug, c.team.slug]),
    ("programme outcomes", "programme_outcomes", lambda c: [c.programme.slug]),
    ("fidelity beside outcomes", "fidelity_beside", lambda c: [c.programme.slug]),
    ("fidelity beside outcomes, CSV", "fidelity_beside_csv", lambda c: [c.programme.slug]),
    ("team values import", "team_import", lambda c: [c.programme.slug, c.team.slug]),
    ("programme values import", "programme_import", lambda c: [c.programme.slug]),
    ("team facilitation", "team_support", lambda c: [c.programme.slug, c.team.slug]),
    ("log a contact", "support_contact_new", lambda c: [c.programme.slug, c.team.slug]),
    ("contact", "support_contact", lambda c: [contact_of(c)]),
    ("caseload", "support_caseload", lambda c: [c.programme.slug]),
    ("caseloads", "support_caseloads", lambda c: [c.programme.slug]),
    ("team meetings", "team_meetings", lambda c: [c.programme.slug, c.team.slug]),
    ("meeting", "support_meeting", lambda c: [meeting_of(c)]),
    ("learning events", "support_events", lambda c: [c.programme.slug]),
    ("learning event", "support_event", lambda c: [event_of(c)]),
    ("event invitees", "support_event_invitees", lambda c: [event_of(c)]),
    ("resource library", "library", lambda c: [c.programme.slug]),
    ("resource library, searched", "library", lambda c: [c.programme.slug]),
    ("resource", "resource", lambda c: [resource_of(c)]),
    ("resources awaiting approval", "resource_approvals", lambda c: [c.programme.slug]),
    ("library use", "resource_usage", lambda c: [c.programme.slug]),
    ("library use, CSV", "resource_usage_csv", lambda c: [c.programme.slug]),
    ("notifications", "notifications", lambda c: []),
    ("reminder settings", "reminder_settings", lambda c: []),
    (TRIVIAL, "account_settings", lambda c: []),
)


def plan_of(context) -> int | None:
    """The id of the persona's team's plan in progress (the seed gives every team one)."""
    from fidelis.improvement.models import Plan, PlanStatus

    return (
        Plan.objects.filter(team=context.team)
        .exclude(status=PlanStatus.CLOSED)
        .values_list("pk", flat=True)
        .first()
    )


def contact_of(context) -> int | None:
    """The id of the latest facilitation contact with the persona's team."""
    from fidelis.support.models import Contact

    return Contact.objects.filter(team=context.team).values_list("pk", flat=True).first()


def meeting_of(context) -> int | None:
    """The id of the latest meeting of the persona's team."""
    from fidelis.support.models import Meeting

    return Meeting.objects.filter(team=context.team).values_list("pk", flat=True).first()


def event_of(context) -> int | None:
    """The id of the programme's latest learning event."""
    from fidelis.support.models import Event

    return Event.objects.filter(programme=context.programme).values_list("pk", flat=True).first()


def resource_of(context) -> int | None:
    """The id of a resource in the programme's library linked to several items."""
    from fidelis.resources.models import Resource

    return (
        Resource.objects.filter(programme=context.programme, status="published")
        .order_by("title")
        .values_list("pk", flat=True)
        .first()
    )


# A query string for a page: the heatmap sorted by an item's score, highest first, at the
# programme's first timepoint (so with no change column, a different query from the default).
QUERIES = {
    "programme dashboard, by an item": "?timepoint=baseline&sort=item-3&order=desc",
    "resource library, searched": "?q=crisis+team&section=1",
}
DOWNLOAD_PERSONAS = frozenset({"lead", "team manager"})
NEEDS_PLACE = frozenset({"rating", "rating item"})


@dataclass
class Measure:
    """One page for one persona, at both sizes."""

    page: str
    persona: str
    url: dict[int, str] = field(default_factory=dict)
    status: dict[int, int | str] = field(default_factory=dict)  # HTTP status or "error: ..."
    queries: dict[int, int] = field(default_factory=dict)
    shapes: dict[int, Counter] = field(default_factory=dict)  # repeated queries, normalised
    sql_ms: dict[int, float] = field(default_factory=dict)
    bytes: dict[int, int] = field(default_factory=dict)
    ms: float | None = None
    runs: int = 0
    ratio: float | None = None
    over: list[str] = field(default_factory=list)

    @property
    def budget(self) -> float | None:
        base = self.page.removesuffix(NEXT)
        if base in DOWNLOADS:
            return None
        return DASHBOARD_RATIO_BUDGET if base in DASHBOARDS else RATIO_BUDGET


# Seeding and personas ------------------------------------------------------------------------


def build(sizes: list[int]) -> dict[int, str]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    slugs = {}
    for size in sizes:
        slugs[size] = f"bench-{size}"
        started = time.perf_counter()
        call_command("seed", "--teams", str(size), "--slug", slugs[size], stdout=io.StringIO())
        print(f"seeded {size} teams in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return slugs


def context_for(programme, persona: str, role: str) -> Context | None:
    """The persona's user and the objects their pages show; None when the seed has nobody
    in that role. The same rules pick comparable objects at every programme size."""
    from fidelis.programmes.models import Membership, Role, Team
    from fidelis.reviews.models import PanelMember, Review, Status

    membership = (
        Membership.objects.filter(programme=programme, role=role)
        .select_related("user", "team", "organisation")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return None
    user = membership.user
    # The latest review has earlier ones to compare with: the fullest report.
    finalised = Review.objects.filter(
        team__organisation__programme=programme, status=Status.FINALISED
    ).order_by("-timepoint__order", "pk")
    review = finalised.filter(panel__user=user).first()  # a reviewer's own review
    if review is not None:
        team = review.team
    elif membership.team_id:
        team = membership.team
    elif membership.organisation_id:
        team = Team.objects.filter(organisation=membership.organisation).order_by("pk").first()
    else:
        team = Team.objects.in_programme(programme).order_by("pk").first()
    if review is None:
        review = finalised.filter(team=team).first()
    place = PanelMember.objects.filter(review=review, user=user).first() if review else None
    # Someone whose page the persona may open: a colleague on the team, or themselves.
    colleague_role = {
        Role.LEAD: Role.TEAM_MANAGER,
        Role.FACILITATOR: Role.TEAM_MANAGER,
        Role.SPONSOR: Role.TEAM_MANAGER,
        Role.TEAM_MANAGER: Role.TEAM_MEMBER,
    }.get(role)
    colleague = (
        Membership.objects.filter(team=team, role=colleague_role)
        .exclude(user=user)
        .select_related("user")
        .order_by("pk")
        .first()
        if colleague_role
        else None
    )
    item = programme.scale.items.order_by("number").first()
    return Context(
        persona=persona,
        user=user,
        programme=programme,
        team=team,
        review=review,
        place=place,
        person=colleague.user if colleague else user,
        item=item.number if item else 1,
    )


def urls_for(context: Context, notes: set[str]) -> list[tuple[str, str]]:
    """(label, url) of every page to request for the persona."""
    from django.urls import NoReverseMatch, reverse

    found = []
    for label, name, arguments in PAGES:
        if label in NEEDS_PLACE and context.place is None:
            continue  # rating pages are only for the review's panel
        if label in DOWNLOADS and context.persona not in DOWNLOAD_PERSONAS:
            continue
        try:
            found.append((label, reverse(name, args=arguments(context)) + QUERIES.get(label, "")))
        except NoReverseMatch:
            notes.add(f"{label}: skipped, no URL named '{name}' (yet)")
        except Exception as error:  # a model being refactored may lack a field
            notes.add(f"{label}: skipped for the {context.persona}, no URL: {error!r}")
    return found


# Measuring ----------------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append((attributes["href"], attributes.get("rel") or ""))


PAGING = re.compile(r"page|cursor|after|offset|start", re.IGNORECASE)


def next_page(url: str, html: str) -> str | None:
    """A link from a paged list to its next page: the same path, another page parameter."""
    here = urlsplit(url)
    parser = Links()
    parser.feed(html)
    candidates = []
    for href, rel in parser.links:
        target = urlsplit(urljoin(url, href))
        if target.path != here.path or not target.query or target.query == here.query:
            continue
        params = parse_qs(target.query)
        paging = [v for key, values in params.items() if PAGING.search(key) for v in values]
        if not paging or all(value in ("0", "1") for value in paging):
            continue  # not a paging link, or a link back to the first page
        second = any(value == "2" for values in params.values() for value in values)
        rank = 0 if "next" in rel.split() else 1 if second else 2
        candidates.append((rank, f"{target.path}?{target.query}"))
    return min(candidates)[1] if candidates else None


def shape(sql: str) -> str:
    """A query with its values taken out, so repeats of one query count together."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"%s", "?", sql)
    return re.sub(r"\((?:\s*\?\s*,)+\s*\?\s*\)", "(?, ...)", sql)


def request(client, url: str) -> tuple[int | str, int, Counter, float, int, str]:
    """(status, queries, query shapes, SQL ms, bytes, html) of one request. Queries are
    counted with an execute wrapper, which unlike CaptureQueriesContext has no cap, and
    with nothing in the worker's own memory (caches["local"]): what an earlier page left
    there must not make the same page's count differ between the two sizes."""
    from django.core.cache import caches
    from django.db import connection

    caches["local"].clear()

    shapes: Counter = Counter()
    sql_seconds = [0.0]

    def counting(execute, sql, params, many, context):
        shapes[shape(sql)] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    try:
        with connection.execute_wrapper(counting):
            response = client.get(url)
    except Exception as error:  # a page being built by someone else may fail
        return f"error: {type(error).__name__}: {error}"[:200], 0, shapes, 0.0, 0, ""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    html = ""
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        html = body.decode(response.charset or "utf-8", errors="replace")
    total = sum(shapes.values())
    return response.status_code, total, shapes, sql_seconds[0] * 1000, len(body), html


def count_all(size: int, slug: str, measures: dict, notes: set[str]) -> dict:
    """Request every page once for every persona at one size; returns the clients."""
    from django.test import Client

    from fidelis.programmes.models import Programme

    programme = Programme.objects.select_related("scale").get(slug=slug)
    clients = {}
    for persona, role in PERSONAS:
        context = context_for(programme, persona, role)
        if context is None:
            notes.add(f"{persona}: the seed has nobody in this role")
            continue
        client = Client()
        client.force_login(context.user)
        clients[persona] = client
        pages = urls_for(context, notes)
        while pages:
            label, url = pages.pop(0)
            status, queries, shapes, sql_ms, size_bytes, html = request(client, url)
            measure = measures.setdefault((label, persona), Measure(label, persona))
            measure.url[size] = url
            measure.status[size] = status
            measure.queries[size] = queries
            measure.shapes[size] = shapes
            measure.sql_ms[size] = sql_ms
            measure.bytes[size] = size_bytes
            following = next_page(url, html) if html and not label.endswith(NEXT) else None
            if following:
                pages.insert(0, (label + NEXT, following))
    return clients


def timed(client, url: str) -> float:
    started = time.perf_counter()
    client.get(url)
    return time.perf_counter() - started


def server_time(
    client, url: str, trivial: str, runs: int, max_seconds: float
) -> tuple[list[float], list[float]]:
    """Times of `url` and of the trivial page, requested in turn so that both see the same
    machine (a busy moment slows both): `runs` of each after the warm-ups (templates, the
    parsed scale), or fewer (at least MIN_RUNS) when the page would take over
    `max_seconds`."""
    download = urlsplit(url).path.endswith((".csv", ".xlsx"))
    for _ in range(0 if download else WARM_UPS):
        client.get(url)
        client.get(trivial)
    if download:
        runs = MIN_RUNS
    times: list[float] = []
    trivial_times: list[float] = []
    while len(times) < runs and (len(times) < MIN_RUNS or sum(times) < max_seconds):
        if len(times) % 2:  # alternate which goes first
            times.append(timed(client, url))
            trivial_times.append(timed(client, trivial))
        else:
            trivial_times.append(timed(client, trivial))
            times.append(timed(client, url))
    return times, trivial_times


def time_all(large: int, clients: dict, measures: dict, args) -> dict[str, float]:
    """Time every page each persona opened at the large size, in turn with the trivial
    page; a page's ratio is against the trivial page's median over its own runs. Returns
    the trivial page's median over all of the persona's runs."""
    trivial_ms = {}
    for persona, client in clients.items():
        trivial = measures.get((TRIVIAL, persona))
        if trivial is None or trivial.status.get(large) != 200:
            continue
        mine = [
            m
            for m in measures.values()
            if m.persona == persona and m.page != TRIVIAL and m.status.get(large) == 200
        ]
        samples: list[float] = []
        for measure in mine:
            print(f"timing {measure.page} ({persona})", file=sys.stderr, flush=True)
            times, trivial_times = server_time(
                client, measure.url[large], trivial.url[large], args.runs, args.max_seconds
            )
            measure.ms, measure.runs = statistics.median(times) * 1000, len(times)
            measure.ratio = statistics.median(times) / statistics.median(trivial_times)
            samples += trivial_times
        if not samples:  # the persona opened no other page: time the trivial one alone
            samples, _ = server_time(
                client, trivial.url[large], trivial.url[large], args.runs, args.max_seconds
            )
        trivial_ms[persona] = statistics.median(samples) * 1000
        trivial.ms, trivial.runs, trivial.ratio = trivial_ms[persona], len(samples), 1.0
    return trivial_ms


def judge(measure: Measure, small: int, large: int) -> None:
    both = [measure.status.get(small), measure.status.get(large)]
    if both == [200, 200] and measure.queries[small] != measure.queries[large]:
        measure.over.append("queries")
    if measure.budget is None:  # a download: only its queries are held to a budget
        return
    if measure.ratio is not None and measure.ratio > measure.budget:
        measure.over.append("time")
    if measure.bytes.get(large, 0) >= SIZE_BUDGET:
        measure.over.append("size")


# Reporting ----------------------------------------------------------------------------------


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = range(2, len(widths) - 1)
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(width) if i in numeric and index else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append(" | ".join(cells).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def cell_queries(measure: Measure, size: int) -> str:
    status = measure.status.get(size)
    if status is None:
        return "-"
    if status != 200:
        return f"HTTP {status}" if isinstance(status, int) else "error"
    return str(measure.queries[size])


def growth(measure: Measure, small: int, large: int, top: int = 2) -> list[str]:
    """The queries repeated more often at the large size: where a count grows."""
    before, after = measure.shapes.get(small, Counter()), measure.shapes[large]
    grown = sorted(
        ((after[s] - before.get(s, 0), s) for s in after if after[s] > before.get(s, 0)),
        reverse=True,
    )
    return [
        f"{after[s]}x (was {before.get(s, 0)}x at {small} teams): {s[:140]}" for _, s in grown[:top]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, help="the large programme's teams (default 1000)")
    parser.add_argument("--runs", type=int, help="timed requests per page (default 20)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=30.0,
        help=f"stop timing a page after this many seconds (at least {MIN_RUNS} runs; "
        "default 30): only pages far over budget are this slow",
    )
    parser.add_argument("--quick", action="store_true", help="100 teams and 5 runs, to try it")
    args = parser.parse_args()
    args.teams = args.teams or (100 if args.quick else 1000)
    args.runs = args.runs or (5 if args.quick else 20)
    if args.teams <= SMALL:
        parser.error(f"--teams must be more than {SMALL}, the small programme's size")
    small, large = SMALL, args.teams
    started = time.perf_counter()

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in
    # Some personas may not open some pages: "Forbidden" and "Not Found" are expected here
    # (they are listed after the table); server errors are still logged.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    slugs = build([small, large])
    measures: dict[tuple[str, str], Measure] = {}
    notes: set[str] = set()
    count_all(small, slugs[small], measures, notes)
    clients = count_all(large, slugs[large], measures, notes)
    trivial_ms = time_all(large, clients, measures, args)

    # Pages in PAGES order, each followed by its next page; personas in PERSONAS order.
    order = {label: i for i, (label, _, _) in enumerate(PAGES)}
    who = {persona: i for i, (persona, _) in enumerate(PERSONAS)}
    everything = sorted(
        measures.values(),
        key=lambda m: (order[m.page.removesuffix(NEXT)], m.page.endswith(NEXT), who[m.persona]),
    )
    shown, closed = [], []
    for measure in everything:
        status = measure.status.get(large)
        if status == 200:
            judge(measure, small, large)
            shown.append(measure)
        elif isinstance(status, int):
            closed.append(measure)
        else:
            notes.add(f"{measure.page} ({measure.persona}) failed at {large} teams: {status}")
    for measure in shown:
        if measure.status.get(small) not in (200, None):
            notes.add(
                f"{measure.page} ({measure.persona}) at {small} teams: "
                f"{cell_queries(measure, small)}"
            )
        if measure.status.get(small) is None:
            notes.add(f"{measure.page} ({measure.persona}): no such page at {small} teams")

    rows = [
        [
            "page",
            "persona",
            f"queries {small}",
            f"queries {large}",
            "ms",
            "runs",
            "ratio",
            "KB",
            "verdict",
        ]
    ]
    for m in shown:
        rows.append(
            [
                m.page,
                m.persona,
                cell_queries(m, small),
                cell_queries(m, large),
                f"{m.ms:.1f}" if m.ms is not None else "-",
                str(m.runs),
                f"{m.ratio:.2f}" if m.ratio is not None else "-",
                f"{m.bytes[large] / 1000:.1f}",
                "over: " + ", ".join(m.over)
                if m.over
                else ("download" if m.budget is None else "OK"),
            ]
        )
    print(
        f"\nEvery page at {small} and {large} teams; time is the median server time at "
        f"{large} teams (after {WARM_UPS} warm-ups; fewer runs where a page is very slow),\n"
        f"ratio is against /account/ for the same persona, requested in turn with the page. "
        f"Budget: the same "
        f"queries at both sizes, ratio within {RATIO_BUDGET:g}x "
        f"(dashboards {DASHBOARD_RATIO_BUDGET:g}x), under {SIZE_BUDGET // 1000} KB.\n"
    )
    print(table(rows))
    print(
        "\n/account/ (the trivial page), median of all its runs: "
        + ", ".join(f"{p} {ms:.1f} ms" for p, ms in trivial_ms.items())
    )
    if closed:
        print("\nNot open to the persona (left out):")
        for persona, _ in PERSONAS:
            mine = [f"{m.page} ({m.status[large]})" for m in closed if m.persona == persona]
            if mine:
                print(f"  {persona}: " + ", ".join(mine))
    if notes:
        print("\nNotes:")
        for note in sorted(notes):
            print(f"  {note}")

    over = [m for m in shown if m.over]
    if over:
        print("\nOver budget, heaviest first (SQL time is from the counting request):")
        for m in sorted(over, key=lambda m: -(m.ms or 0)):
            print(
                f"  {m.page} ({m.persona}): {m.ms:.0f} ms, {m.bytes[large] / 1000:.0f} KB, "
                f"{m.queries[large]} queries taking {m.sql_ms[large]:.0f} ms: " + ", ".join(m.over)
            )
            if "queries" in m.over:
                for line in growth(m, small, large):
                    print(f"      {line}")
    failed = sorted({n for n in notes if " failed at " in n})
    kinds = Counter(reason for m in over for reason in m.over)
    if over:
        verdict = (
            f"OVER BUDGET: {len(over)} of {len(shown)} page measurements "
            f"(queries grow with size on {kinds['queries']}, too slow on {kinds['time']}, "
            f"too large on {kinds['size']})"
        )
    else:
        verdict = f"Within budget: all {len(shown)} page measurements"
    if failed:
        verdict += f"; {len(failed)} could not be measured (see the notes)"
    print(f"\n{verdict}. ({time.perf_counter() - started:.0f} s)")

    where = record(
        "pages.py",
        {
            "teams": [small, large],
            "runs": args.runs,
            "max_seconds": args.max_seconds,
            "budget": {
                "ratio": RATIO_BUDGET,
                "dashboard_ratio": DASHBOARD_RATIO_BUDGET,
                "bytes": SIZE_BUDGET,
            },
            "trivial_ms": {p: round(ms, 2) for p, ms in trivial_ms.items()},
            "pages": [
                {
                    "page": m.page,
                    "persona": m.persona,
                    "url": m.url[large],
                    "queries": {str(size): m.queries.get(size) for size in (small, large)},
                    "status": {str(size): m.status.get(size) for size in (small, large)},
                    "ms": round(m.ms, 2) if m.ms is not None else None,
                    "runs": m.runs,
                    "ratio": round(m.ratio, 3) if m.ratio is not None else None,
                    "bytes": m.bytes[large],
                    "over": m.over,
                }
                for m in shown
            ],
            "not_open": [
                {"page": m.page, "persona": m.persona, "status": m.status[large]} for m in closed
            ],
            "notes": sorted(notes),
            "verdict": verdict,
            "within_budget": not over,
        },
    )
    print(f"Figures written to {where}.")
    return 1 if over else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
