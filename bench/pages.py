"""SQL queries per page at two programme sizes, and a team page's server time.

Seeds two programmes (10 teams and, by default, 1000 teams, three reviews each) into a
temporary SQLite database, signs in as each programme's lead with Django's test client and
counts the queries each page makes. Budget (ARCHITECTURE.md): every page's query count is
independent of programme size; a team page's server time stays within 3x that of a trivial
signed-in page (/account/).

    .venv/bin/python bench/pages.py [--teams N] [--runs 20]
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Settings come from the environment, so the temporary database is chosen before Django
# starts: the bench never touches the developer's database.
DATA_DIR = tempfile.mkdtemp(prefix="fidelis-bench-")
os.environ["FIDELIS_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "fidelis.settings"
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

RATIO_BUDGET = 3.0


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


def pages_of(slug: str):
    """(label, url) for each page measured; pages whose URL does not exist yet are left out."""
    from django.urls import NoReverseMatch, reverse

    from fidelis.programmes.models import Programme, Team
    from fidelis.reviews.models import Review, Status

    programme = Programme.objects.get(slug=slug)
    team = Team.objects.in_programme(programme).order_by("pk").first()
    review = (
        Review.objects.filter(team=team, status=Status.FINALISED).order_by("visit_date").first()
    )
    wanted = [
        ("home", lambda: reverse("home")),
        ("programme", lambda: reverse("programme", args=[slug])),
        ("organisation", lambda: team.organisation.get_absolute_url()),
        ("team", lambda: team.get_absolute_url()),
        ("people", lambda: reverse("people", args=[slug])),
        ("scale", lambda: programme.scale.get_absolute_url()),
        ("reviews", lambda: reverse("review_list")),
        ("review", lambda: reverse("review", args=[review.pk])),
        ("review report", lambda: reverse("review_report", args=[review.pk])),
        ("consensus", lambda: reverse("consensus_index", args=[review.pk])),
        ("agreement", lambda: reverse("agreement", args=[slug])),
        ("account (trivial)", lambda: reverse("account_settings")),
    ]
    found = []
    for label, url in wanted:
        try:
            found.append((label, url()))
        except (NoReverseMatch, AttributeError):
            continue
    return found


def lead_client(slug: str):
    from django.test import Client

    from fidelis.programmes.models import Membership, Role

    lead = Membership.objects.filter(programme__slug=slug, role=Role.LEAD).first().user
    client = Client()
    client.force_login(lead)
    return client


def count_queries(client, url: str) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    except Exception as error:  # a page being built by someone else may still fail
        return f"error: {type(error).__name__}"
    if response.status_code != 200:
        return f"{len(queries)} (HTTP {response.status_code})"
    return str(len(queries))


def server_time(client, url: str, runs: int) -> float:
    for _ in range(2):  # warm caches: templates, the parsed scale
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000, help="the large programme's teams")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    args = parser.parse_args()
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host in
    sizes = [10, args.teams]
    slugs = build(sizes)
    clients = {size: lead_client(slugs[size]) for size in sizes}
    pages = {size: pages_of(slugs[size]) for size in sizes}
    counts = {
        size: {label: count_queries(clients[size], url) for label, url in pages[size]}
        for size in sizes
    }
    labels = [label for label, _ in pages[sizes[0]]]
    header = ["page", "queries at 10 teams", f"queries at {args.teams} teams"]
    rows = [
        [label, counts[10].get(label, "-"), counts[args.teams].get(label, "-")] for label in labels
    ]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(3)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    growing = [r[0] for r in rows if r[1] != r[2]]
    print(
        "query counts independent of size: "
        + ("yes" if not growing else "NO, they differ on " + ", ".join(growing))
    )
    ok = not growing
    for size in sizes:
        urls = dict(pages[size])
        team = server_time(clients[size], urls["team"], args.runs)
        trivial = server_time(clients[size], urls["account (trivial)"], args.runs)
        ratio = team / trivial
        ok = ok and ratio <= RATIO_BUDGET
        print(
            f"team page at {size} teams: {team * 1000:.1f} ms vs /account/ "
            f"{trivial * 1000:.1f} ms (median of {args.runs}): ratio {ratio:.2f} "
            f"(budget {RATIO_BUDGET:g}x)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
