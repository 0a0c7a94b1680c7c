"""Fifty people at once: gunicorn with two workers on PostgreSQL, driven by Locust.

Seeds a programme (1,000 teams, three finalised reviews each) into a PostgreSQL database
made for the run, gives fifty of its people a password (team managers and members,
facilitators, senior sponsors, reviewers, evaluators and the lead, in turn), serves
Fidelis with gunicorn (two workers, DEBUG off) and runs Locust headless from the venv:
people arrive two a second; each signs in through the sign-in page and opens each of their
pages once (drawing what a first visit draws), then opens their dashboards and home page,
waiting one to three seconds between pages, for 60 seconds once all fifty have arrived.
Prints the median, 95th and 99th percentile response times and the error count, and
writes them to bench/results.json.

Budget (ARCHITECTURE.md, "Performance budget"): no errors, p99 under 500 ms on two cores.
The budget is for the pages; signing in is timed and printed apart (it hashes the
password on purpose, which takes a few hundred milliseconds).

The fifty arrive as if through a reverse proxy from fifty addresses (FIDELIS_TRUSTED_PROXIES
is 1 and each sends its own X-Forwarded-For), as they would in production: sign-in limits
count per address.

    .venv/bin/python bench/load.py [--teams 1000] [--users 50] [--seconds 60]
        [--database-url postgres:///fidelis_bench]

Needs PostgreSQL running (`pg_ctlcluster 15 main start` on Debian) and a role that may
create databases; the database named in --database-url is dropped and made again.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from _results import record

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
P99_BUDGET_MS = 500.0
PASSWORD = secrets.token_urlsafe(16)  # for this run only
ROLES = ("team_manager", "team_member", "facilitator", "sponsor", "reviewer", "evaluator", "lead")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def fresh_database(url: str) -> None:
    """Drop and create the database the URL names (a local PostgreSQL)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        sys.exit(f"Use a plain database name in --database-url, not {name!r}.")
    admin = url[: -len(name)] + "postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        sys.exit(
            f"Cannot reach PostgreSQL at {admin}: {error}\n"
            "Start it (on Debian: pg_ctlcluster 15 main start) and give your user a role "
            "that may create databases, or pass --database-url."
        )


PEOPLE_SCRIPT = """
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from fidelis.programmes.access import can_view_team
from fidelis.programmes.models import Membership, Programme, Team

programme = Programme.objects.get(slug="load")
roles, wanted, password = json.loads(os.environ["FIDELIS_LOAD_ARGS"])
by_role = {
    role: list(
        Membership.objects.filter(programme=programme, role=role)
        .select_related("user", "team", "organisation")
        .order_by("pk")
    )
    for role in roles
}
chosen, seen = [], set()
while len(chosen) < wanted and any(by_role.values()):
    for role in roles:
        while by_role[role]:
            membership = by_role[role].pop(0)
            if membership.user_id not in seen:
                seen.add(membership.user_id)
                chosen.append(membership)
                break
        if len(chosen) == wanted:
            break
hashed = make_password(password)
get_user_model().objects.filter(pk__in=[m.user_id for m in chosen]).update(password=hashed)
dashboard = reverse("programme_dashboard", args=[programme.slug])
people = []
for membership in chosen:
    user = membership.user
    if membership.team_id:
        team = membership.team
    elif membership.organisation_id:
        team = Team.objects.filter(organisation=membership.organisation).order_by("pk").first()
    else:
        team = Team.objects.filter(organisation__programme=programme).order_by("pk").first()
    pages = {"home": "/"}
    if can_view_team(user, team):
        pages["team dashboard"] = reverse("team_dashboard", args=[programme.slug, team.slug])
    if membership.role not in ("team_manager", "team_member"):
        pages["programme dashboard"] = dashboard
        pages["programme dashboard, page 2"] = dashboard + "?page=2"
        pages["programme dashboard, by an item"] = dashboard + "?sort=item-3&order=desc"
    people.append({"username": user.username, "role": membership.role, "pages": pages})
print(json.dumps(people))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres:///fidelis_bench"),
        help="a PostgreSQL database to drop and make again (default postgres:///fidelis_bench)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database an earlier run seeded (for trying a change: no seeding)",
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a PostgreSQL URL")
    locust = VENV_BIN / "locust"
    if not locust.exists():
        sys.exit("Locust is not installed: `make bench` installs it (pip install -e '.[bench]').")

    if not args.reuse:
        fresh_database(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="fidelis-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "FIDELIS_DATA_DIR": str(work),
        "DEBUG": "false",
        "FIDELIS_TRUSTED_PROXIES": "1",
        "DJANGO_SETTINGS_MODULE": "fidelis.settings",
    }
    fidelis = str(VENV_BIN / "fidelis")
    server = None
    try:
        run([fidelis, "migrate", "-v0"], env)
        seed_seconds = None
        if not args.reuse:
            started = time.perf_counter()
            run(
                [fidelis, "seed", "--teams", str(args.teams), "--slug", "load"],
                env,
                stdout=subprocess.DEVNULL,
            )
            seed_seconds = round(time.perf_counter() - started, 1)
            print(f"seeded {args.teams} teams on PostgreSQL in {seed_seconds:.0f} s", flush=True)
        chosen = run(
            [fidelis, "shell", "-c", PEOPLE_SCRIPT],
            {**env, "FIDELIS_LOAD_ARGS": json.dumps([list(ROLES), args.users, PASSWORD])},
            capture_output=True,
            text=True,
        )
        people = json.loads(chosen.stdout.strip().splitlines()[-1])
        if len(people) < args.users:
            print(f"only {len(people)} people to sign in as", flush=True)
        (work / "people.json").write_text(json.dumps(people))

        port = free_port()
        server = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "fidelis.wsgi",
                "-c",
                "python:fidelis.gunicorn",
                "--access-logfile",
                "/dev/null",
            ],
            # As docs/deployment.md sets it up: each worker keeps its database connection
            # (DATABASE_CONN_MAX_AGE) instead of opening one for every request.
            env={
                **env,
                "GUNICORN_WORKERS": "2",
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "DATABASE_CONN_MAX_AGE": "60",
            },
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115 (kept open for the server's life)
            start_new_session=True,
        )
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("gunicorn did not start: see " + str(work / "gunicorn.log"))

        spawn_rate = 2  # people arriving a second
        ramp = args.users / spawn_rate
        result = subprocess.run(
            [
                str(locust),
                "-f",
                str(HERE / "_locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                # A cap only: the people stop once the measured run is over.
                f"{int(args.seconds + ramp + 180)}s",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **env,
                "FIDELIS_LOAD_PEOPLE": str(work / "people.json"),
                "FIDELIS_LOAD_PASSWORD": PASSWORD,
                "FIDELIS_LOAD_TIMES": str(work / "times.json"),
                "FIDELIS_LOAD_SECONDS": str(args.seconds),
            },
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        figures = summarise(work / "times.json")
        if not figures or not figures["pages"]["count"]:
            print(result.stdout[-3000:], result.stderr[-3000:])
            sys.exit("Locust kept no times.")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    pages = figures["pages"]
    print(
        f"\n{args.users} simulated people, gunicorn with 2 workers on PostgreSQL, "
        f"{args.teams} teams, the {figures['measured_seconds']:.0f} s after all had signed in:\n"
    )
    print(f"{'request':36} {'count':>6} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in figures["by_page"]:
        print(
            f"{row['name']:36} {row['count']:>6} {row['errors']:>6} "
            f"{row['p50']:>6.0f} {row['p95']:>6.0f} {row['p99']:>6.0f}"
        )
    print(
        f"{'every page':36} {pages['count']:>6} {pages['errors']:>6} "
        f"{pages['p50']:>6.0f} {pages['p95']:>6.0f} {pages['p99']:>6.0f}"
    )
    first = figures["first_visits"]
    if first["count"]:
        print(
            f"\nFirst visits on arrival ({first['count']}, before the measured run, drawing "
            f"what a first visit draws): p50 {first['p50']:.0f} ms, p95 {first['p95']:.0f} "
            f"ms, p99 {first['p99']:.0f} ms, {first['errors']} errors."
        )
    sign_in = figures["sign_in"]
    if sign_in["count"]:
        print(
            f"\nSigning in ({sign_in['count']} people, before the measured run): median "
            f"{sign_in['p50']:.0f} ms, slowest {sign_in['max']:.0f} ms, "
            f"{sign_in['errors']} failed."
        )
    over = (
        pages["errors"] > 0
        or sign_in["errors"] > 0
        or first["errors"] > 0
        or pages["p99"] >= P99_BUDGET_MS
    )
    verdict = (
        f"{'OVER BUDGET' if over else 'Within budget'}: {pages['errors']} errors, "
        f"p99 {pages['p99']:.0f} ms (budget: no errors, p99 under {P99_BUDGET_MS:.0f} ms)."
    )
    print("\n" + verdict)
    where = record(
        "load.py",
        {
            "teams": args.teams,
            "users": args.users,
            "seconds": args.seconds,
            "workers": 2,
            "database": "postgresql",
            "seed_seconds": seed_seconds,
            "budget": {"p99_ms": P99_BUDGET_MS, "errors": 0},
            **figures,
            "verdict": verdict,
            "within_budget": not over,
        },
    )
    print(f"Figures written to {where}.")
    return 1 if over else 0


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile by the nearest-rank method (as Locust reports them)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * p // 100))  # ceiling
    return ordered[int(rank) - 1]


def summarise(times: Path) -> dict | None:
    """Percentiles of the page requests made once everyone had arrived, by page and over
    all, and of the sign-ins before."""
    if not times.exists():
        return None
    kept = json.loads(times.read_text())

    def figures(name: str, rows: list) -> dict:
        ordered = sorted(ms for _, ms, _ in rows)
        return {
            "name": name,
            "count": len(rows),
            "errors": sum(1 for *_, ok in rows if not ok),
            "p50": percentile(ordered, 50),
            "p95": percentile(ordered, 95),
            "p99": percentile(ordered, 99),
            "max": ordered[-1] if ordered else 0.0,
        }

    requests = kept["requests"]
    names = sorted({name for name, *_ in requests})
    sign_ins = kept["sign_ins"]
    first = kept.get("first_visits", [])
    return {
        "first_visits": figures("first visits", first),
        "measured_seconds": round(kept.get("measured_seconds", 0), 1),
        "pages": figures("every page", requests),
        "by_page": [figures(n, [r for r in requests if r[0] == n]) for n in names],
        "sign_in": figures("sign in", [("sign in", s["ms"], s["ok"]) for s in sign_ins]),
    }


if __name__ == "__main__":
    sys.exit(main())
