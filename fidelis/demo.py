"""The deterministic demo programme: what a newcomer explores and what the tests use.

`build_demo()` always builds the same programme (random.Random(42)): four NHS trusts,
thirteen crisis teams, the people who work with them and the demo accounts, all
fictional. Demo accounts share the password `demo` and exist only when the demo is built.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from fidelis.programmes import actions
from fidelis.programmes.models import Membership, Organisation, Programme, Role, Team
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


def remove_demo() -> None:
    """Delete the demo programme and every account it made."""
    User = get_user_model()
    programme = Programme.objects.filter(slug=DEMO_SLUG).first()
    if programme is not None:
        from fidelis.reviews.models import Review
        from fidelis.reviews.synthetic import delete_reviews

        # Table by table: the ORM's delete would write a history record for every rating.
        delete_reviews(Review.objects.filter(team__organisation__programme=programme))
        user_ids = set(programme.memberships.values_list("user_id", flat=True))
        programme.delete()
        User.objects.filter(pk__in=user_ids, is_superuser=False).exclude(
            memberships__isnull=False
        ).delete()
    User.objects.filter(username__in=[p.username for p in PERSONAS]).delete()


@transaction.atomic
def build_demo(*, reset: bool = True) -> Programme:
    """Build the demo programme (replacing an earlier one when `reset`)."""
    if reset:
        remove_demo()
    elif Programme.objects.filter(slug=DEMO_SLUG).exists():
        return Programme.objects.get(slug=DEMO_SLUG)
    rng = random.Random(42)
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

    from fidelis.reviews.demo import build_demo_reviews

    build_demo_reviews(programme=programme, rng=rng, personas=personas, reviewers=reviewers)
    return programme


def persona_lines() -> list[str]:
    width = max(len(p.username) for p in PERSONAS)
    return [f"  {p.username.ljust(width)}  {p.description}" for p in PERSONAS]
