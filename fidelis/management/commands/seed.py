"""`fidelis seed`: a synthetic programme of any size, for benchmarks and trying things out."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from fidelis.demo import build_seed, remove_programme
from fidelis.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Build a synthetic programme of any size: organisations of 4 to 12 crisis teams, the "
        "people who work with them (a lead, reviewers, facilitators, sponsors, managers and "
        "members, none of whom can sign in) and finalised fidelity reviews for every team, "
        "scored by the real scoring engine from realistic criterion decisions. The same "
        "--seed always builds the same programme. Uses the bundled demonstration scale."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--teams",
            type=int,
            required=True,
            metavar="N",
            help="Number of crisis teams in the programme (at least 1).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            metavar="S",
            help="Random seed: the same seed builds the same names and scores (default 1).",
        )
        parser.add_argument(
            "--reviews",
            type=int,
            default=3,
            choices=[0, 1, 2, 3],
            metavar="R",
            help="Finalised reviews per team, 0 to 3: baseline, then 6 months, then 12 "
            "months (default 3).",
        )
        parser.add_argument(
            "--slug",
            metavar="SLUG",
            help="The programme's web address name (default seed-N-teams-S).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete an existing programme with this slug (and the people only it had) "
            "first, instead of refusing.",
        )

    def handle(self, *args, teams, seed, reviews, slug=None, replace=False, **options):
        if teams < 1:
            raise CommandError("--teams must be at least 1.")
        slug = slug or f"seed-{teams}-teams-{seed}"
        if slugify(slug) != slug:
            raise CommandError(
                f"'{slug}' is not a valid slug: use lower-case letters, digits and hyphens."
            )
        started = time.perf_counter()
        existing = Programme.objects.filter(slug=slug).first()
        if existing is not None:
            if not replace:
                raise CommandError(
                    f"A programme with the slug '{slug}' already exists; choose another "
                    "--slug or add --replace to rebuild it."
                )
            remove_programme(existing)
        build = build_seed(teams=teams, seed=seed, reviews=reviews, slug=slug)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Built '{build.programme.name}' ({slug}): {teams} teams, "
                f"{build.rows['Review']} reviews, {build.rows.total()} rows in {seconds:.1f} s."
            )
        )
