"""The programmes' part of the demo programme and of `fidelis seed`: the programme, its
organisations and teams, the demo accounts and the people who work with the teams.

Both builders take a `fidelis.bulk.Build` and fill in `programme` and `people`, which the
later apps' builders (reviews first) then use. The demo is always the same programme
(random.Random(42)); a seeded programme is the same for the same seed.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from fidelis.bulk import Build
from fidelis.programmes import actions
from fidelis.programmes.models import (
    Membership,
    Organisation,
    Programme,
    Role,
    Team,
    pseudonym_label,
)
from fidelis.scales.actions import ensure_bundled_scale

DEMO_SLUG = "crisis-care-2026"
DEMO_PASSWORD = "demo"
DEMO_START = datetime.date(2025, 11, 3)

ORGANISATIONS = [
    (
        "Northfield Mental Health NHS Foundation Trust",
        "RX1",
        [
            ("Ashby Crisis Resolution Team", "Ashby town and the northern villages", 24),
            ("Corran Home Treatment Team", "Corran district", 19),
            ("Northfield City Crisis Team", "Northfield city centre and docks", 31),
        ],
    ),
    (
        "Eastvale Partnership NHS Trust",
        "RX2",
        [
            ("Eastvale North Crisis Team", "Eastvale borough, north of the river", 22),
            ("Harlow Vale Home Treatment Team", "Harlow Vale and Stenby", 17),
            ("Kestrel Bay Crisis Team", "Kestrel Bay and the coast road", 20),
        ],
    ),
    (
        "Southmoor Health and Care NHS Trust",
        "RX3",
        [
            ("Southmoor Crisis and Home Treatment Service", "Southmoor county, west", 28),
            ("Marlpit Crisis Team", "Marlpit and Oldfield", 16),
            ("Tennant Fields Home Treatment Team", "Tennant Fields new town", 18),
            ("Oakridge Crisis Team", "Oakridge and the moor villages", 14),
        ],
    ),
    (
        "Westbrook Community Mental Health NHS Trust",
        "RX4",
        [
            ("Westbrook Acute Home Treatment Team", "Westbrook city", 26),
            ("Fenwick Crisis Team", "Fenwick and Lowther", 21),
            ("Ridgeway Crisis Resolution Team", "The Ridgeway valleys", 15),
        ],
    ),
]

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Eleanor",
    "Farid",
    "Grace",
    "Hamza",
    "Isla",
    "Jonah",
    "Kiran",
    "Leah",
    "Malik",
    "Niamh",
    "Owen",
    "Priya",
    "Rhys",
    "Sana",
    "Tom",
    "Uzma",
    "Victor",
    "Wren",
    "Yusuf",
    "Zara",
    "Adele",
    "Bilal",
    "Cerys",
    "Dominic",
    "Esme",
    "Felix",
]
LAST_NAMES = [
    "Adebayo",
    "Brennan",
    "Chowdhury",
    "Davies",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jenkins",
    "Kaur",
    "Lloyd",
    "Mensah",
    "Nowak",
    "Okafor",
    "Pritchard",
    "Quinn",
    "Rahman",
    "Shaw",
    "Thomas",
    "Usman",
    "Vaughan",
    "Walsh",
    "Yates",
]


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    job_title: str
    description: str


PERSONAS = [
    Persona(
        "lead", "Leona", "Marsh", "Programme lead", "programme lead: sees and manages everything"
    ),
    Persona(
        "facilitator",
        "Faisal",
        "Ahmed",
        "Improvement facilitator",
        "facilitator of Ashby, Corran and Marlpit teams",
    ),
    Persona("reviewer", "Rachel", "Osei", "Consultant nurse, reviewer", "clinician reviewer"),
    Persona(
        "expert", "Eddie", "Brook", "Expert-by-experience reviewer", "expert-by-experience reviewer"
    ),
    Persona(
        "manager", "Maya", "Collins", "Team manager", "manager of Ashby Crisis Resolution Team"
    ),
    Persona(
        "member",
        "Mo",
        "Farah",
        "Community psychiatric nurse",
        "member of Ashby Crisis Resolution Team",
    ),
    Persona(
        "sponsor",
        "Sandra",
        "Whitfield",
        "Director of acute care",
        "senior sponsor for Northfield Mental Health NHS Foundation Trust",
    ),
    Persona("evaluator", "Evan", "Price", "Research fellow", "evaluator (pseudonymised data)"),
    Persona("other", "Olga", "Novak", "Support worker", "member of Kestrel Bay Crisis Team"),
]

MEMBER_JOBS = [
    "Community psychiatric nurse",
    "Support worker",
    "Social worker",
    "Occupational therapist",
    "Clinical psychologist",
    "Peer support worker",
    "Consultant psychiatrist",
    "Pharmacist",
]

HOME_TEAM = "Ashby Crisis Resolution Team"
OTHER_TEAM = "Kestrel Bay Crisis Team"


def build_demo(build: Build) -> None:
    """The demo programme: four fictional trusts, thirteen teams, the demo accounts."""
    rng = build.rng
    User = get_user_model()
    password_hash = make_password(DEMO_PASSWORD)
    scale = ensure_bundled_scale("crisis-demo")

    personas = {
        p.username: User.objects.create(
            username=p.username,
            first_name=p.first_name,
            last_name=p.last_name,
            email=f"{p.username}@demo.fidelis.invalid",
            job_title=p.job_title,
            password=password_hash,
        )
        for p in PERSONAS
    }
    programme = actions.create_programme(
        name="Crisis Care Improvement Programme 2025–26",
        slug=DEMO_SLUG,
        start_date=DEMO_START,
        length_months=12,
        scale=scale,
        lead=personas["lead"],
        description="A 12-month fidelity-based service improvement programme for thirteen "
        "crisis resolution and home treatment teams in four NHS trusts.",
    )

    teams: dict[str, Team] = {}
    organisations: dict[str, Organisation] = {}
    for org_name, ods, team_specs in ORGANISATIONS:
        organisation = actions.create_organisation(programme=programme, name=org_name, ods_code=ods)
        organisations[org_name] = organisation
        for team_name, area, staff in team_specs:
            teams[team_name] = actions.create_team(
                organisation=organisation,
                name=team_name,
                area_served=area,
                staff_count=staff,
                rng=rng,
            )

    names = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    taken = iter(names)

    def staff(job_title: str):
        first, last = next(taken)
        username = f"{first}.{last}".lower()
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            job_title=job_title,
            email=f"{username}@demo.fidelis.invalid",
        )
        user.set_unusable_password()
        return user

    memberships: list[Membership] = []

    def member(user, role, team=None, organisation=None):
        memberships.append(
            Membership(
                user=user, programme=programme, role=role, team=team, organisation=organisation
            )
        )

    # The demo personas.
    home, other = teams[HOME_TEAM], teams[OTHER_TEAM]
    for team_name in (HOME_TEAM, "Corran Home Treatment Team", "Marlpit Crisis Team"):
        member(personas["facilitator"], Role.FACILITATOR, team=teams[team_name])
    member(personas["reviewer"], Role.REVIEWER)
    member(personas["expert"], Role.EXPERT_REVIEWER)
    member(personas["manager"], Role.TEAM_MANAGER, team=home)
    member(personas["member"], Role.TEAM_MEMBER, team=home)
    member(personas["sponsor"], Role.SPONSOR, organisation=home.organisation)
    member(personas["evaluator"], Role.EVALUATOR)
    member(personas["other"], Role.TEAM_MEMBER, team=other)

    # Everyone else: fictional staff with no password (they cannot sign in).
    others = []
    facilitators = [staff("Improvement facilitator") for _ in range(3)]
    reviewers = [
        staff("Consultant psychiatrist, reviewer"),
        staff("Researcher, reviewer"),
        staff("Expert-by-experience reviewer"),
        staff("Senior nurse, reviewer"),
        # A second researcher, so panels share the researcher's seat.
        staff("Health services researcher, reviewer"),
    ]
    sponsors = {
        name: staff("Associate director, acute services")
        for name in organisations
        if name != home.organisation.name
    }
    others.extend(facilitators + reviewers + list(sponsors.values()))
    team_staff = {}
    for team in teams.values():
        people = []
        if team != home:
            people.append(("manager", staff("Team manager")))
        for _ in range(rng.randint(2, 4)):
            people.append(
                (
                    "member",
                    staff(rng.choice(MEMBER_JOBS)),
                )
            )
        team_staff[team.name] = people
        others.extend(user for _, user in people)
    User.objects.bulk_create(others)

    for index, team in enumerate(
        t
        for t in teams.values()
        if t.name not in (HOME_TEAM, "Corran Home Treatment Team", "Marlpit Crisis Team")
    ):
        member(facilitators[index % len(facilitators)], Role.FACILITATOR, team=team)
    for index, user in enumerate(reviewers):
        member(user, Role.EXPERT_REVIEWER if index == 2 else Role.REVIEWER)
    for org_name, user in sponsors.items():
        member(user, Role.SPONSOR, organisation=organisations[org_name])
    for team_name, people in team_staff.items():
        for kind, user in people:
            member(
                user,
                Role.TEAM_MANAGER if kind == "manager" else Role.TEAM_MEMBER,
                team=teams[team_name],
            )
    Membership.objects.bulk_create(memberships)

    build.programme = programme
    build.personas = personas
    build.people["reviewers"] = reviewers
    build.people["lead"] = [personas["lead"]]


def persona_lines() -> list[str]:
    width = max(len(p.username) for p in PERSONAS)
    return [f"  {p.username.ljust(width)}  {p.description}" for p in PERSONAS]


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


def build_seed(build: Build) -> None:
    """A synthetic programme of `build.options["teams"]` teams and the people in it."""
    teams = build.options["teams"]
    seed = build.options["seed"]
    slug = build.options["slug"]
    rng = build.rng
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

    build.programme = programme
    build.people.update(
        lead=[users[0]],
        clinicians=clinicians,
        researchers=researchers,
        experts=experts,
    )
    build.teams = team_rows
    for name, count in rows.items():
        build.rows[name] += count


def remove(programme: Programme) -> None:
    """Delete the programme (after later apps removed their parts) and the accounts that
    belonged only to it."""
    User = get_user_model()
    user_ids = set(programme.memberships.values_list("user_id", flat=True))
    programme.delete()
    User.objects.filter(pk__in=user_ids, is_superuser=False).exclude(
        memberships__isnull=False
    ).delete()
