"""How long a review's feedback report takes to render as PDF (budget: 2 seconds each).

Builds the demo programme in a throwaway SQLite database, then times `report_pdf` for
several finalised reviews. The first call is reported on its own: it includes vl-convert's
start-up (about half a second) and WeasyPrint's font loading. Figures go to
bench/results.json.

    .venv/bin/python bench/report_pdf.py [--reviews N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _results import record

BUDGET_SECONDS = 2.0


def setup(data_dir: str) -> None:
    # Settings read these when first imported, so they are set before django.setup().
    os.environ["DJANGO_SETTINGS_MODULE"] = "fidelis.settings"
    os.environ["FIDELIS_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def finalised_reviews(limit: int):
    from fidelis.demo import DEMO_SLUG, build_demo
    from fidelis.reviews.models import Review

    started = time.perf_counter()
    build_demo()
    print(f"Demo programme built in {time.perf_counter() - started:.1f} s")
    reviews = list(
        Review.objects.finalised()
        .filter(team__organisation__programme__slug=DEMO_SLUG)
        .select_related("team", "timepoint")
        .order_by("team__name", "visit_date")
    )
    if not reviews:
        reviews = [_make_finalised_review()]
        print("The demo has no finalised reviews yet: timing one built here instead.")
    # Prefer later reviews: they have an earlier review to compare with, the fuller report.
    reviews.sort(key=lambda r: (-r.visit_date.toordinal(), r.team.name))
    return reviews[:limit]


def _make_finalised_review():
    """A finalised review walked through the actions, for when the demo has none."""
    import datetime

    from django.contrib.auth import get_user_model

    from fidelis.demo import DEMO_SLUG
    from fidelis.programmes.models import Programme, Team
    from fidelis.reviews import actions
    from fidelis.reviews.models import PanelRole

    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["lead", "reviewer", "expert"])
    }
    programme = Programme.objects.get(slug=DEMO_SLUG)
    team = Team.objects.in_programme(programme).order_by("name").first()
    timepoint = programme.timepoints.order_by("order").first()
    review = actions.plan_review(
        team=team,
        timepoint=timepoint,
        visit_date=datetime.date(2025, 11, 20),
        panel=[(users["reviewer"], PanelRole.CLINICIAN), (users["expert"], PanelRole.EXPERT)],
        by=users["lead"],
    )
    actions.advance(review=review, by=users["lead"])
    actions.advance(review=review, by=users["lead"])
    for place in review.panel.all():
        for item in review.scale.items.all():
            definition = item.definition
            if definition.rule.kind == "anchors":
                actions.record_rating(panel_member=place, item=item, anchor_level=3)
            else:
                actions.record_rating(
                    panel_member=place,
                    item=item,
                    decisions={
                        c.letter: ("met" if i % 2 == 0 else "not_met", list(c.sources))
                        for i, c in enumerate(definition.criteria)
                    },
                )
        actions.submit_ratings(panel_member=place)
    for consensus in review.consensus.select_related("item"):
        actions.save_consensus(
            consensus=consensus,
            expected_version=consensus.version,
            decisions={},
            anchor_level=consensus.anchor_level or 3,
            rationale="Agreed on the day.",
            agreed=True,
            by=users["reviewer"],
        )
    review = actions.advance(review=review, by=users["reviewer"])
    actions.save_recommendations(review=review, recommendations="Keep going.", by=users["reviewer"])
    return actions.finalise(review=review, by=users["reviewer"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=12, help="how many reviews to time")
    parser.add_argument(
        "--cold",
        dest="warm",
        action="store_false",
        help="time the first PDF with the one-off start-up included",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fidelis-bench-") as data_dir:
        setup(data_dir)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from fidelis.reviews.report import build_report, report_pdf, warm_up

        reviews = finalised_reviews(args.reviews)
        first, rest = reviews[0], reviews[1:]
        startup = None
        if args.warm:
            startup = warm_up()
            print(
                f"Start-up of the chart renderer and WeasyPrint (once per process, as "
                f"`fidelis report reviews` does first): {startup:.2f} s"
            )
        started, cpu = time.perf_counter(), time.process_time()
        pdf_first = report_pdf(first)
        first_time = time.perf_counter() - started
        first_cpu = time.process_time() - cpu
        print(
            f"First PDF{' (includes vl-convert and font start-up)' if not args.warm else ''}: "
            f"{first_time:.2f} s "
            f"({first_cpu:.2f} s CPU), "
            f"{len(pdf_first) / 1024:.0f} KB ({first.team.name}, {first.timepoint.label})"
        )
        times, cpus, sizes = [], [], []
        for review in rest:
            started, cpu = time.perf_counter(), time.process_time()
            pdf = report_pdf(review)
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            sizes.append(len(pdf))
            assert pdf.startswith(b"%PDF"), "not a PDF"
        with CaptureQueriesContext(connection) as queries:
            build_report(first)
        print(
            f"build_report runs {len(queries)} SQL queries for a "
            f"{len(first.scale.definition.items)}-item scale"
        )
        if times:
            worst = max([*times, first_time])
            print(
                f"{len(times)} further PDFs: min {min(times):.2f} s, "
                f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
                f"(mean size {statistics.mean(sizes) / 1024:.0f} KB); "
                f"budget {BUDGET_SECONDS:.1f} s each"
            )
            print(
                f"CPU time per PDF: min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s, "
                f"max {max(cpus):.2f} s (wall time above this means other processes were "
                f"competing for the CPU; load average {os.getloadavg()[0]:.1f} on "
                f"{os.cpu_count()} CPUs)"
            )
        else:
            worst = first_time
        verdict = "within" if worst < BUDGET_SECONDS else "OVER"
        print(f"Slowest {worst:.2f} s: {verdict} the {BUDGET_SECONDS:.0f}-second budget.")
    where = record(
        "report_pdf.py",
        {
            "reviews": 1 + len(times),
            "startup_seconds": round(startup, 3) if startup is not None else None,
            "first_includes_startup": not args.warm,
            "first_seconds": round(first_time, 3),
            "first_cpu_seconds": round(first_cpu, 3),
            "first_kb": round(len(pdf_first) / 1024),
            "further_seconds": {
                "min": round(min(times), 3),
                "median": round(statistics.median(times), 3),
                "max": round(max(times), 3),
            }
            if times
            else None,
            "further_cpu_median_seconds": round(statistics.median(cpus), 3) if cpus else None,
            "further_mean_kb": round(statistics.mean(sizes) / 1024) if sizes else None,
            "build_report_queries": len(queries),
            "slowest_seconds": round(worst, 3),
            "budget_seconds": BUDGET_SECONDS,
            "within_budget": worst < BUDGET_SECONDS,
        },
    )
    print(f"Figures written to {where}.")
    return 0 if worst < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
