"""Facilitation's part of the demo and of `fidelis seed`: a year of contacts between each
demo team and its facilitator (about one a week, mostly visits), with Ashby's linked to
its plan's goals and one follow-up that became a plan action; Marlpit drifting, with no
contact for seven weeks. The seed adds two contacts a month for six months per team."""

from __future__ import annotations

import datetime

from django.utils import timezone

from fidelis.bulk import Build, delete
from fidelis.improvement.models import Action, Goal, PlanStatus
from fidelis.programmes.models import Membership, Role, Team
from fidelis.scales.models import Item
from fidelis.support.models import (
    Contact,
    Event,
    EventFile,
    Meeting,
    MeetingKind,
    Mode,
    Participant,
    Registration,
)

VISIT_NOTES = [
    "Went through the working group's progress on the goals and what is blocking them.",
    "Joined the morning handover, then talked through the audit results with the staff.",
    "Helped the working group draft its checklist and agree who pilots it.",
    "Sat in on the service improvement group; two actions moved on, one needs the sponsor.",
]
CALL_NOTES = [
    "Talked through the staffing gaps that are slowing the plan, and who could cover.",
    "Checked the audit dates and the agenda for the next group meeting.",
    "Shared what another team did on the same item, and offered an introduction.",
    "Agreed with the team manager what to bring to the next visit.",
]
DRIFTING = "Marlpit Crisis Team"
#: The items Ashby chose at its scoping day.
SCOPING_PRIORITIES = (6, 12, 14)
#: Weeks since Marlpit's last contact, in the demo.
DRIFT_WEEKS = 7


def _evening(day: datetime.date) -> datetime.datetime:
    """When a contact of that day was logged: at the end of it (or now, for today's)."""
    evening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 30)))
    return min(evening, timezone.now())


def _facilitators(teams) -> dict[int, int]:
    return dict(
        Membership.objects.filter(team__in=teams, role=Role.FACILITATOR)
        .order_by("pk")
        .values_list("team_id", "user_id")
    )


def build_demo(build: Build) -> None:
    rng = build.rng
    programme = build.programme
    teams = list(Team.objects.in_programme(programme))
    facilitator = _facilitators(teams)
    today = datetime.date.today()
    start = programme.start_date
    rows = []
    for team in teams:
        last = today - datetime.timedelta(weeks=DRIFT_WEEKS) if team.name == DRIFTING else today
        day = start + datetime.timedelta(days=rng.randint(0, 6))
        while day <= last:
            mode = rng.choices(
                [Mode.VISIT, Mode.PHONE, Mode.VIDEO, Mode.EMAIL], weights=[6, 2, 2, 1]
            )[0]
            minutes = {
                Mode.VISIT: rng.choice([90, 120, 120, 150, 180]),
                Mode.PHONE: rng.choice([20, 30, 45]),
                Mode.VIDEO: rng.choice([45, 60, 60, 90]),
                Mode.EMAIL: 15,
            }[mode]
            took_part = [Participant.MANAGER]
            if mode == Mode.VISIT:
                took_part += rng.sample(
                    [Participant.STAFF, Participant.WORKING_GROUP, Participant.CLINICAL_LEAD], 2
                )
            rows.append(
                Contact(
                    team=team,
                    facilitator_id=facilitator.get(team.pk),
                    happened_on=day,
                    mode=mode,
                    minutes=minutes,
                    took_part=[k for k in Participant.values if k in took_part],
                    notes=rng.choice(VISIT_NOTES if mode == Mode.VISIT else CALL_NOTES),
                    created_at=_evening(day),
                    updated_at=_evening(day),
                )
            )
            day += datetime.timedelta(days=rng.choice([5, 7, 7, 7, 9, 14]))
    Contact.objects.bulk_create(rows)
    build.rows["facilitation contacts"] += len(rows)
    _link_ashby(build, teams)
    _meetings(build, teams, today)
    _events(build, teams, today)


def _link_ashby(build: Build, teams) -> None:
    """Ashby's recent visits discussed its plan's goals; the latest one's follow-up is
    one of the plan's actions."""
    ashby = next((t for t in teams if t.name == "Ashby Crisis Resolution Team"), None)
    if ashby is None:
        return
    goals = list(Goal.objects.filter(plan__team=ashby).exclude(plan__status=PlanStatus.CLOSED))
    visits = list(Contact.objects.filter(team=ashby, mode=Mode.VISIT).order_by("-happened_on")[:6])
    if not goals or not visits:
        return
    for index, visit in enumerate(visits):
        visit.goals.set([goals[index % len(goals)]])
    action = (
        Action.objects.filter(goal__in=goals, created_by=build.personas.get("manager"))
        .order_by("-created_at", "-pk")
        .first()
    )
    if action is not None:
        visits[0].follow_ups.add(action)


GROUP_DECISIONS = [
    "Agreed the audit tool and who runs the first round; the results come to the next meeting.",
    "Reviewed each goal's actions. Two are on track; the rota change needs the sponsor.",
    "Heard the working groups' updates and moved one due date, with the reason recorded.",
    "Looked at the latest measures together and agreed what to ask the next learning event.",
]


def _meetings(build: Build, teams, today: datetime.date) -> None:
    """Every team's service improvement group every seven weeks from the programme's
    start, except Marlpit's, which has not met for four months; a scoping day for each
    team in its first fortnight; Ashby's next group meeting, with Mo and Maya down to
    come, and a working group meeting whose action went into the plan."""
    personas = build.personas
    start = build.programme.start_date
    people = {}
    for team_id, user_id in Membership.objects.filter(team__in=teams).values_list(
        "team_id", "user_id"
    ):
        people.setdefault(team_id, []).append(user_id)
    meetings, attendance = [], []
    for team in teams:
        last = today - datetime.timedelta(weeks=17) if team.name == DRIFTING else today
        day = start + datetime.timedelta(days=build.rng.randint(7, 14))
        meetings.append(
            Meeting(
                team=team,
                kind=MeetingKind.SCOPING,
                held_on=day,
                agenda="The baseline review together; choosing where to start.",
                decisions="Chose the items to work on first, and who sits on the group.",
                created_at=_evening(day),
                updated_at=_evening(day),
            )
        )
        day += datetime.timedelta(weeks=3)
        while day <= last:
            meetings.append(
                Meeting(
                    team=team,
                    kind=MeetingKind.GROUP,
                    held_on=day,
                    agenda="Each goal's progress; the latest measures; anything blocked.",
                    decisions=build.rng.choice(GROUP_DECISIONS),
                    created_at=_evening(day),
                    updated_at=_evening(day),
                )
            )
            day += datetime.timedelta(weeks=7)
    Meeting.objects.bulk_create(meetings)
    for meeting in meetings:
        for user_id in people.get(meeting.team_id, [])[:4]:
            attendance.append(Meeting.attendees.through(meeting_id=meeting.pk, user_id=user_id))
    Meeting.attendees.through.objects.bulk_create(attendance)
    build.rows["meetings"] += len(meetings)
    ashby = next((t for t in teams if t.name == "Ashby Crisis Resolution Team"), None)
    if ashby is None:
        return
    scoping = next(m for m in meetings if m.team_id == ashby.pk and m.kind == MeetingKind.SCOPING)
    scoping.priorities.set(
        Item.objects.filter(scale_id=build.programme.scale_id, number__in=SCOPING_PRIORITIES)
    )
    upcoming = Meeting.objects.create(
        team=ashby,
        kind=MeetingKind.GROUP,
        held_on=today + datetime.timedelta(days=12),
        agenda="The 12-month review's report; the goals to carry into the next plan.",
    )
    upcoming.attendees.set(
        [
            u
            for u in (personas.get("manager"), personas.get("member"), personas.get("facilitator"))
            if u
        ]
    )
    goal = Goal.objects.filter(plan__team=ashby).exclude(plan__status=PlanStatus.CLOSED).first()
    action = Action.objects.filter(goal=goal).order_by("pk").first() if goal is not None else None
    if action is not None:
        held = min(today, action.created_at.date())
        group = Meeting.objects.create(
            team=ashby,
            kind=MeetingKind.WORKING_GROUP,
            goal=goal,
            held_on=held,
            agenda="How to start on the goal.",
            decisions=f"Agreed the first step: {action.title.lower()}.",
            created_at=_evening(held),
            updated_at=_evening(held),
        )
        group.actions.add(action)
        group.attendees.set([u for u in (personas.get("member"),) if u])
        build.rows["meetings"] += 1
    # The group's latest meeting agreed two of the plan's other actions.
    latest = (
        Meeting.objects.filter(team=ashby, kind=MeetingKind.GROUP, held_on__lte=today)
        .order_by("-held_on")
        .first()
    )
    if latest is not None and goal is not None:
        agreed = list(
            Action.objects.filter(goal__plan=goal.plan).exclude(pk=getattr(action, "pk", None))[:2]
        )
        latest.actions.add(*agreed)
        if agreed:
            latest.decisions = "Agreed " + " and ".join(a.title.lower() for a in agreed) + "."
            latest.save(update_fields=["decisions"])
    build.rows["meetings"] += 1


EVENT_ROLES = [Role.TEAM_MANAGER, Role.TEAM_MEMBER, Role.FACILITATOR, Role.SPONSOR]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _events(build: Build, teams, today: datetime.date) -> None:
    """Two learning events: one eight weeks ago, with its attendance taken (nobody from
    Marlpit came) and its notes shared; one in five weeks, with Mo registered."""
    programme = build.programme
    items = {i.number: i for i in Item.objects.filter(scale_id=programme.scale_id)}
    past_day = today - datetime.timedelta(weeks=8)
    past = Event.objects.create(
        programme=programme,
        title="Learning exchange: home treatment that lasts",
        starts_at=_at(past_day, 10),
        ends_at=_at(past_day, 15, 30),
        place="Riverside Conference Centre, Northfield",
        agenda="Morning: three teams on what changed after their 6-month review. "
        "Afternoon: tables by topic, then each team's next step.",
        invited_roles=EVENT_ROLES,
        capacity=60,
        notes="Teams shared how they moved to seeing people at home within four hours, and "
        "how a daily huddle kept caseloads in view.\nThe tables asked for more time to plan "
        "together next time, and for the sponsors to stay for the afternoon.",
        created_by=build.personas.get("lead"),
        created_at=_at(past_day - datetime.timedelta(weeks=6), 9),
    )
    past.topics.set([items[n] for n in (6, 21, 27) if n in items])
    coming_day = today + datetime.timedelta(weeks=5)
    coming = Event.objects.create(
        programme=programme,
        title="Learning exchange: families and crisis plans",
        starts_at=_at(coming_day, 10),
        ends_at=_at(coming_day, 15, 30),
        place="Harbour Hall, Kestrel Bay",
        online_link="https://meet.example.org/fidelis-exchange",
        agenda="Crisis plans written with families: what worked, and what got in the way.",
        invited_roles=EVENT_ROLES,
        capacity=60,
        created_by=build.personas.get("lead"),
    )
    coming.topics.set([items[n] for n in (12, 13) if n in items])
    staff = {}
    for team_id, user_id in Membership.objects.filter(
        team__in=teams, role__in=[Role.TEAM_MANAGER, Role.TEAM_MEMBER]
    ).values_list("team_id", "user_id"):
        staff.setdefault(team_id, []).append(user_id)
    rows, seen = [], set()
    for team in teams:
        if team.name == DRIFTING:
            continue
        for user_id in staff.get(team.pk, [])[:2]:
            if user_id not in seen:
                seen.add(user_id)
                rows.append(
                    Registration(
                        event=past,
                        user_id=user_id,
                        registered_at=past.created_at,
                        attended=True,
                    )
                )
    member = build.personas.get("member")
    if member is not None:
        rows.append(Registration(event=coming, user=member))
    Registration.objects.bulk_create(rows)
    build.rows["learning events"] += 2
    build.rows["registrations"] += len(rows)


def build_seed(build: Build) -> None:
    """Two contacts a month for the last six months for every team with a facilitator."""
    rng = build.rng
    teams = list(Team.objects.in_programme(build.programme).only("pk"))
    facilitator = _facilitators(teams)
    today = datetime.date.today()
    rows = []
    for team in teams:
        if team.pk not in facilitator:
            continue
        for k in range(12):
            rows.append(
                Contact(
                    team_id=team.pk,
                    facilitator_id=facilitator[team.pk],
                    happened_on=today - datetime.timedelta(days=15 * k + rng.randint(0, 10)),
                    mode=Mode.VISIT if k % 3 else Mode.PHONE,
                    minutes=120 if k % 3 else 30,
                    took_part=[Participant.MANAGER, Participant.STAFF],
                )
            )
    Contact.objects.bulk_create(rows, batch_size=5000)
    build.rows["facilitation contacts"] += len(rows)
    meetings = [
        Meeting(
            team_id=team.pk,
            kind=MeetingKind.GROUP,
            held_on=today - datetime.timedelta(weeks=7 * k + build.rng.randint(0, 2)),
            decisions="Reviewed each goal's actions.",
        )
        for team in teams
        for k in range(3)
    ]
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    build.rows["meetings"] += len(meetings)
    past_day = today - datetime.timedelta(weeks=6)
    event = Event.objects.create(
        programme=build.programme,
        title="Learning exchange",
        starts_at=_at(past_day, 10),
        ends_at=_at(past_day, 15),
        place="The programme's venue",
        invited_roles=EVENT_ROLES,
    )
    managers = Membership.objects.filter(
        programme=build.programme, role=Role.TEAM_MANAGER
    ).values_list("user_id", flat=True)
    registrations = [
        Registration(event=event, user_id=user_id, attended=index % 3 != 0)
        for index, user_id in enumerate(sorted(set(managers)))
    ]
    Registration.objects.bulk_create(registrations, batch_size=5000)
    build.rows["registrations"] += len(registrations)


def remove(programme) -> None:
    contacts = Contact.objects.filter(team__organisation__programme=programme)
    meetings = Meeting.objects.filter(team__organisation__programme=programme)
    events = Event.objects.filter(programme=programme)
    for found in EventFile.objects.filter(event__in=events):
        found.file.delete(save=False)
    delete(
        EventFile.objects.filter(event__in=events),
        Registration.objects.filter(event__in=events),
        Event.topics.through.objects.filter(event__in=events),
        Event.organisations.through.objects.filter(event__in=events),
        events,
        Meeting.attendees.through.objects.filter(meeting__in=meetings),
        Meeting.priorities.through.objects.filter(meeting__in=meetings),
        Meeting.actions.through.objects.filter(meeting__in=meetings),
        meetings,
        Contact.goals.through.objects.filter(contact__in=contacts),
        Contact.items.through.objects.filter(contact__in=contacts),
        Contact.follow_ups.through.objects.filter(contact__in=contacts),
        contacts,
    )
