"""`fidelis seed`: a synthetic programme of any size, for benchmarks and trying things out."""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from fidelis.demo import FIRST_NAMES, LAST_NAMES, MEMBER_JOBS
from fidelis.programmes import actions
from fidelis.programmes.models import (
    Membership,
    Organisation,
    Programme,
    Role,
    Team,
    pseudonym_label,
)
from fidelis.reviews.models import Review
from fidelis.reviews.synthetic import PanelPool, build_reviews, delete_reviews
from fidelis.scales.actions import ensure_bundled_scale

PLACE_STARTS = [
    "Ash",
    "Bram",
    "Carl",
    "Dun",
    "Elm",
    "Fern",
    "Glen",
    "Hart",
    "Ivy",
    "Kings",
    "Lang",
    "Mill",
    "North",
    "Oak",
    "Pen",
    "Quarry",
    "Raven",
    "Stan",
    "Thorn",
    "Up",
    "Wick",
    "Wyn",
    "Yar",
    "Beck",
    "Cold",
    "East",
    "Holt",
    "West",
    "South",
    "Black",
]
PLACE_ENDS = [
    "ford",
    "ley",
    "bury",
    "ton",
    "field",
    "wood",
    "moor",
    "dale",
    "mouth",
    "bridge",
    "well",
    "ham",
    "worth",
    "stead",
]
TRUST_KINDS = [
    "Mental Health NHS Foundation Trust",
    "Partnership NHS Trust",
    "Health and Care NHS Trust",
    "Community Mental Health NHS Trust",
]
TEAM_KINDS = [
    "Crisis Resolution Team",
    "Home Treatment Team",
    "Crisis Team",
    "Crisis and Home Treatment Service",
    "Acute Home Treatment Team",
]


def place_names(rng: random.Random) -> list[str]:
    places = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
    rng.shuffle(places)
    return places


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
        programme, rows = build_programme(
            teams=teams,
            seed=seed,
            reviews=reviews,
            slug=slug,
            stdout=self.stdout,
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Built '{programme.name}' ({slug}): {teams} teams, "
                f"{rows.get('Review', 0)} reviews, {sum(rows.values())} rows in {seconds:.1f} s."
            )
        )


@transaction.atomic
def remove_programme(programme: Programme) -> None:
    """Delete a programme, its reviews and the accounts that belonged only to it."""
    User = get_user_model()
    user_ids = set(programme.memberships.values_list("user_id", flat=True))
    delete_reviews(Review.objects.filter(team__organisation__programme=programme))
    programme.delete()
    User.objects.filter(pk__in=user_ids, is_superuser=False).exclude(
        memberships__isnull=False
    ).delete()


@transaction.atomic
def build_programme(*, teams: int, seed: int, reviews: int, slug: str, stdout=None):
    """Build the synthetic programme; returns it and the rows written, by model."""
    rng = random.Random(seed)
    User = get_user_model()
    scale = ensure_bundled_scale("crisis-demo")
    programme = actions.create_programme(
        name=f"Synthetic programme: {teams} teams (seed {seed})",
        slug=slug,
        start_date=datetime.date(2025, 1, 6),
        scale=scale,
        description=f"A synthetic programme of {teams} crisis teams built by `fidelis seed` "
        "for benchmarks and trials. Every name in it is made up.",
    )

    # Organisations of 4 to 12 teams, named after made-up places.
    places = place_names(rng)
    place_iter = iter(places)

    def next_place(n=[0]):  # noqa: B006 -- a counter for names once the places run out
        try:
            return next(place_iter)
        except StopIteration:
            n[0] += 1
            return f"{places[n[0] % len(places)]} {n[0] // len(places) + 2}"

    sizes, left = [], teams
    while left > 0:
        size = min(rng.randint(4, 12), left)
        sizes.append(size)
        left -= size
    organisations = []
    for index, _ in enumerate(sizes):
        name = f"{next_place()} {rng.choice(TRUST_KINDS)}"
        organisations.append(
            Organisation(
                programme=programme,
                name=name,
                slug=slugify(name)[:50],
                ods_code=f"R{index // 26 // 26 % 26 + 10:02d}{chr(65 + index // 26 % 26)}"
                f"{chr(65 + index % 26)}",
            )
        )
    Organisation.objects.bulk_create(organisations)
    team_rows, used = [], set()
    for organisation, size in zip(organisations, sizes, strict=True):
        for _ in range(size):
            name = f"{next_place()} {rng.choice(TEAM_KINDS)}"
            while name in used:
                name = f"{next_place()} {rng.choice(TEAM_KINDS)}"
            used.add(name)
            team_rows.append(
                Team(
                    organisation=organisation,
                    name=name,
                    slug=slugify(name)[:50],
                    pseudonym=pseudonym_label(len(team_rows)),
                    area_served=f"{name.split()[0]} and the surrounding area",
                    staff_count=rng.randint(12, 34),
                )
            )
    Team.objects.bulk_create(team_rows)

    # People: nobody made here can sign in.
    names = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    users, memberships = [], []

    def person(job_title):
        first, last = rng.choice(names)
        username = f"{slug}.{first}.{last}.{len(users) + 1}".lower()
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            job_title=job_title,
            email=f"{username}@seed.fidelis.invalid",
        )
        user.set_unusable_password()
        users.append(user)
        return user

    def member(user, role, team=None, organisation=None):
        memberships.append(
            Membership(
                user=user, programme=programme, role=role, team=team, organisation=organisation
            )
        )

    member(person("Programme lead"), Role.LEAD)
    member(person("Research fellow"), Role.EVALUATOR)
    clinicians = [
        person(
            rng.choice(
                [
                    "Consultant nurse, reviewer",
                    "Consultant psychiatrist, reviewer",
                    "Senior social worker, reviewer",
                ]
            )
        )
        for _ in range(max(3, teams // 8))
    ]
    researchers = [person("Researcher, reviewer") for _ in range(max(2, teams // 12))]
    experts = [person("Expert-by-experience reviewer") for _ in range(max(3, teams // 8))]
    for user in clinicians + researchers:
        member(user, Role.REVIEWER)
    for user in experts:
        member(user, Role.EXPERT_REVIEWER)
    facilitators = [person("Improvement facilitator") for _ in range(max(1, (teams + 3) // 4))]
    for organisation in organisations:
        member(
            person("Associate director, acute services"), Role.SPONSOR, organisation=organisation
        )
    for index, team in enumerate(team_rows):
        member(facilitators[index // 4], Role.FACILITATOR, team=team)
        member(person("Team manager"), Role.TEAM_MANAGER, team=team)
        for _ in range(rng.randint(2, 4)):
            member(person(rng.choice(MEMBER_JOBS)), Role.TEAM_MEMBER, team=team)
    User.objects.bulk_create(users, batch_size=500)
    Membership.objects.bulk_create(memberships, batch_size=500)
    rows = {
        "User": len(users),
        "Membership": len(memberships),
        "Organisation": len(organisations),
        "Team": len(team_rows),
    }

    if reviews:
        timepoints = list(programme.timepoints.all())[:reviews]
        pool = PanelPool(clinicians=clinicians, researchers=researchers, experts=experts)
        result = build_reviews(
            programme=programme,
            teams=team_rows,
            timepoints=timepoints,
            rng=rng,
            panel_pool=pool,
            by=users[0],
        )
        rows.update(result.rows)
    return programme, rows
