"""Writes to facilitation: contacts (with their follow-ups, which become plan actions),
and the programme's agreed dose."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fidelis.improvement import actions as plan_actions
from fidelis.improvement.models import Action, Goal, PlanStatus
from fidelis.support import access
from fidelis.support.models import (
    Contact,
    Event,
    EventFile,
    Meeting,
    MeetingKind,
    Mode,
    Participant,
    Registration,
    SupportSettings,
)
from fidelis.uploads import check_upload, clean_name
from fidelis.validators import check_text

#: The longest contact that can be logged, in minutes (a whole day).
MAX_MINUTES = 24 * 60
NOTES_LIMIT = 5_000
#: The form fields of a follow-up, by the plan action's field they fill.
FOLLOW_UP_FIELDS = {
    "title": "follow_up",
    "goal": "follow_up_goal",
    "owner": "follow_up_owner",
    "due_on": "follow_up_due",
    "hours": "follow_up_hours",
}


def settings_for(programme) -> SupportSettings:
    """The programme's dose (the defaults, unsaved, when the lead has not set one)."""
    found = SupportSettings.objects.filter(programme=programme).first()
    return found or SupportSettings(programme=programme)


def save_settings(*, programme, weekly_sessions, session_hours) -> SupportSettings:
    problems = {}
    if weekly_sessions is None or not Decimal("0.5") <= weekly_sessions <= Decimal("10"):
        problems["weekly_sessions"] = "Give the sessions a week as a number from 0.5 to 10."
    if session_hours is None or not Decimal("0.5") <= session_hours <= Decimal("8"):
        problems["session_hours"] = "Give a session's length in hours, from 0.5 to 8."
    if problems:
        raise ValidationError(problems)
    found, _ = SupportSettings.objects.update_or_create(
        programme=programme,
        defaults={"weekly_sessions": weekly_sessions, "session_hours": session_hours},
    )
    return found


def _check_contact(team, *, happened_on, mode, minutes, took_part, goals, items, notes, today):
    check_text(limits={"notes": NOTES_LIMIT}, notes=notes)
    problems: dict[str, str] = {}
    if happened_on is None:
        problems["happened_on"] = "Give the date of the contact."
    elif happened_on > today:
        problems["happened_on"] = (
            "A contact is logged once it has happened: give today's date or an earlier one."
        )
    if mode not in Mode.values:
        problems["mode"] = "Choose how the contact happened: a visit, phone, video call or email."
    if minutes is None:
        problems["minutes"] = "Give the time the contact took, in minutes."
    elif not 1 <= minutes <= MAX_MINUTES:
        problems["minutes"] = f"Give the minutes as a whole number from 1 to {MAX_MINUTES:,}."
    if any(key not in Participant.values for key in took_part):
        problems["took_part"] = "Choose who took part from the list."
    plan_goals = {
        g.pk for g in Goal.objects.filter(plan__team=team).exclude(plan__status=PlanStatus.CLOSED)
    }
    if any(goal.pk not in plan_goals for goal in goals):
        problems["goals"] = "Choose goals of the team's plan in progress."
    scale_id = team.organisation.programme.scale_id
    if any(item.scale_id != scale_id for item in items):
        problems["items"] = "Choose items of the programme's scale."
    if problems:
        raise ValidationError(problems)


def _plan_action(team, follow_up: dict, by) -> Action:
    """A follow-up (of a contact or a meeting) as an action of the team's plan, or a
    ValidationError whose messages name the follow-up's form fields."""
    goal = follow_up.get("goal")
    if goal is None:
        problems = {
            "follow_up_goal": "Choose the plan goal the follow-up serves: it becomes one "
            "of the goal's actions."
        }
        missing = {
            "title": "Say what the follow-up is, in a few words.",
            "owner": "Every action needs a named owner: choose who will do it.",
            "due_on": "Give the date the action is due.",
            "hours": "Estimate the staff hours the action will take (0 if none).",
        }
        for name, message in missing.items():
            if follow_up.get(name) in (None, ""):
                problems[FOLLOW_UP_FIELDS[name]] = message
        raise ValidationError(problems)
    if goal.plan.team_id != team.pk:
        raise ValidationError({"follow_up_goal": "Choose a goal of this team's plan."})
    try:
        return plan_actions.save_action(
            goal=goal,
            title=follow_up.get("title") or "",
            owner=follow_up.get("owner"),
            due_on=follow_up.get("due_on"),
            hours=follow_up.get("hours"),
            by=by,
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                FOLLOW_UP_FIELDS.get(name, "follow_up"): messages
                for name, messages in error.message_dict.items()
            }
        ) from error


def _follow_up(contact: Contact, follow_up: dict, by) -> Action:
    action = _plan_action(contact.team, follow_up, by)
    contact.follow_ups.add(action)
    return action


def has_follow_up(follow_up: dict | None) -> bool:
    return bool(follow_up) and any(value not in (None, "") for value in follow_up.values())


@transaction.atomic
def save_contact(
    *,
    team,
    by,
    contact: Contact | None = None,
    happened_on: datetime.date | None,
    mode: str,
    minutes: int | None,
    took_part: list[str],
    goals: list[Goal],
    items: list,
    notes: str = "",
    follow_up: dict | None = None,
    today: datetime.date | None = None,
) -> Contact:
    """Log a contact with the team (or change one), and turn its follow-up, if any, into
    an action of the team's plan owned by a named person: all of it, or nothing."""
    today = today or timezone.localdate()
    _check_contact(
        team,
        happened_on=happened_on,
        mode=mode,
        minutes=minutes,
        took_part=took_part,
        goals=goals,
        items=items,
        notes=notes,
        today=today,
    )
    if contact is None:
        contact = Contact(team=team, facilitator=by)
    contact.happened_on = happened_on
    contact.mode = mode
    contact.minutes = minutes
    contact.took_part = [key for key in Participant.values if key in set(took_part)]
    contact.notes = (notes or "").strip()
    contact.updated_at = timezone.now()
    contact.save()
    contact.goals.set(goals)
    contact.items.set(items)
    if has_follow_up(follow_up):
        _follow_up(contact, follow_up, by)
    return contact


@transaction.atomic
def add_follow_up(*, contact: Contact, follow_up: dict, by) -> Action:
    """Turn one more follow-up of a logged contact into a plan action."""
    return _follow_up(contact, follow_up, by)


def remove_contact(*, contact: Contact) -> None:
    """Remove a contact logged in error (its follow-ups stay in the plan as actions)."""
    contact.delete()


# Meetings ------------------------------------------------------------------------------------

#: How far ahead a meeting may be planned.
PLAN_AHEAD = datetime.timedelta(days=366)
MINUTES_LIMIT = 10_000


def _check_meeting(
    team, *, kind, goal, held_on, attendees, others, agenda, decisions, priorities, today
):
    check_text(
        limits={"others": 2_000, "agenda": MINUTES_LIMIT, "decisions": MINUTES_LIMIT},
        others=others,
        agenda=agenda,
        decisions=decisions,
    )
    problems: dict[str, str] = {}
    if kind not in MeetingKind.values:
        problems["kind"] = "Choose the kind of meeting."
    if held_on is None:
        problems["held_on"] = "Give the date of the meeting."
    elif held_on > today + PLAN_AHEAD:
        problems["held_on"] = "Give a date within the next year."
    elif decisions.strip() and held_on > today:
        problems["decisions"] = "Record the decisions once the meeting has been held."
    if kind == MeetingKind.WORKING_GROUP:
        if goal is None:
            problems["goal"] = "Choose the goal whose working group met."
        elif goal.plan.team_id != team.pk or goal.plan.status == PlanStatus.CLOSED:
            problems["goal"] = "Choose a goal of the team's plan in progress."
    allowed = set(access.attendees_for(team).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in attendees):
        problems["attendees"] = "Choose people of the team or its organisation's sponsors."
    if priorities and kind != MeetingKind.SCOPING:
        problems["priorities"] = "Priorities are chosen at a scoping day."
    scale_id = team.organisation.programme.scale_id
    if any(item.scale_id != scale_id for item in priorities):
        problems["priorities"] = "Choose items of the programme's scale."
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_meeting(
    *,
    team,
    by,
    meeting: Meeting | None = None,
    kind: str,
    goal: Goal | None = None,
    held_on: datetime.date | None,
    attendees: list,
    others: str = "",
    agenda: str = "",
    decisions: str = "",
    priorities: list | None = None,
    follow_up: dict | None = None,
    today: datetime.date | None = None,
) -> Meeting:
    """Record a meeting of the team (or change one), and turn an action agreed in it, if
    any, into an action of the team's plan: all of it, or nothing."""
    today = today or timezone.localdate()
    priorities = priorities or []
    _check_meeting(
        team,
        kind=kind,
        goal=goal,
        held_on=held_on,
        attendees=attendees,
        others=others or "",
        agenda=agenda or "",
        decisions=decisions or "",
        priorities=priorities,
        today=today,
    )
    if meeting is None:
        meeting = Meeting(team=team, created_by=by)
    meeting.kind = kind
    meeting.goal = goal if kind == MeetingKind.WORKING_GROUP else None
    meeting.held_on = held_on
    meeting.others = (others or "").strip()
    meeting.agenda = (agenda or "").strip()
    meeting.decisions = (decisions or "").strip()
    meeting.updated_at = timezone.now()
    meeting.save()
    meeting.attendees.set(attendees)
    meeting.priorities.set(priorities if kind == MeetingKind.SCOPING else [])
    if has_follow_up(follow_up):
        meeting.actions.add(_plan_action(team, follow_up, by))
    return meeting


@transaction.atomic
def add_meeting_action(*, meeting: Meeting, follow_up: dict, by) -> Action:
    """Put one more action agreed in a meeting into the team's plan."""
    action = _plan_action(meeting.team, follow_up, by)
    meeting.actions.add(action)
    return action


def remove_meeting(*, meeting: Meeting) -> None:
    """Remove a meeting recorded in error (its actions stay in the plan)."""
    meeting.delete()


# Learning events ---------------------------------------------------------------------------


def _check_event(
    programme,
    event,
    *,
    title,
    starts_at,
    ends_at,
    place,
    online_link,
    agenda,
    notes,
    invited_roles,
    organisations,
    capacity,
    topics,
):
    check_text(
        limits={"title": 200, "place": 300, "agenda": MINUTES_LIMIT, "notes": MINUTES_LIMIT},
        title=title,
        place=place,
        agenda=agenda,
        notes=notes,
    )
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "Give the event a title."
    if starts_at is None:
        problems["starts_at"] = "Give the date and time the event starts."
    if ends_at is None:
        problems["ends_at"] = "Give the date and time the event ends."
    elif starts_at is not None and ends_at <= starts_at:
        problems["ends_at"] = "The event must end after it starts."
    if not (place or "").strip() and not (online_link or "").strip():
        problems["place"] = "Give a place, an online link or both."
    if not invited_roles:
        problems["invited_roles"] = "Choose who is invited."
    elif any(role not in access.INVITABLE for role in invited_roles):
        problems["invited_roles"] = "Choose who is invited from the list."
    if any(o.programme_id != programme.pk for o in organisations):
        problems["organisations"] = "Choose organisations of the programme."
    if any(item.scale_id != programme.scale_id for item in topics):
        problems["topics"] = "Choose items of the programme's scale."
    if capacity is not None:
        taken = event.registrations.filter(registered=True).count() if event else 0
        if capacity < 1:
            problems["capacity"] = "Give the number of places as a whole number, 1 or more."
        elif capacity < taken:
            problems["capacity"] = (
                f"{taken} people have registered already: give at least {taken} places."
            )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_event(
    *,
    programme,
    by,
    event: Event | None = None,
    title: str,
    starts_at,
    ends_at,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
    notes: str = "",
    invited_roles: list[str],
    organisations: list,
    capacity: int | None = None,
    topics: list,
) -> Event:
    """Plan a learning event (or change one)."""
    _check_event(
        programme,
        event,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        agenda=agenda,
        notes=notes,
        invited_roles=invited_roles,
        organisations=organisations,
        capacity=capacity,
        topics=topics,
    )
    if event is None:
        event = Event(programme=programme, created_by=by)
    event.title = title.strip()
    event.starts_at = starts_at
    event.ends_at = ends_at
    event.place = (place or "").strip()
    event.online_link = (online_link or "").strip()
    event.agenda = (agenda or "").strip()
    event.notes = (notes or "").strip()
    event.invited_roles = [role for role in access.INVITABLE if role in set(invited_roles)]
    event.capacity = capacity
    event.save()
    event.organisations.set(organisations)
    event.topics.set(topics)
    return event


def _locked(event: Event) -> Event:
    """The event, locked until the transaction ends: registrations count against its cap
    one at a time."""
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def register(*, event: Event, user, now=None) -> Registration:
    """Take a place at the event (registering again changes nothing)."""
    now = now or timezone.now()
    event = _locked(event)
    if not access.is_invited(user, event):
        raise ValidationError("You are not invited to this event.")
    found = Registration.objects.filter(event=event, user=user).first()
    if found is not None and found.registered:
        return found
    if event.starts_at <= now:
        raise ValidationError("Registration has closed: the event has started.")
    taken = event.registrations.filter(registered=True).count()
    if event.capacity is not None and taken >= event.capacity:
        raise ValidationError(
            f"The event is full: all {event.capacity} places are taken. Ask the programme "
            "lead whether a place may come free."
        )
    if found is not None:
        found.registered, found.registered_at = True, now
        found.save(update_fields=["registered", "registered_at"])
        return found
    return Registration.objects.create(event=event, user=user, registered_at=now)


@transaction.atomic
def cancel_registration(*, event: Event, user, now=None) -> None:
    now = now or timezone.now()
    if event.starts_at <= now:
        raise ValidationError("The event has started: your place can no longer be given up.")
    Registration.objects.filter(event=event, user=user).delete()


@transaction.atomic
def take_attendance(*, event: Event, came: set[int], now=None) -> int:
    """Record who of the registered came (the rest did not); returns how many came."""
    now = now or timezone.now()
    if timezone.localdate(event.starts_at) > timezone.localdate(now):
        raise ValidationError("Attendance is taken on the day of the event, or after it.")
    registrations = list(Registration.objects.filter(event=event))
    unknown = came - {r.user_id for r in registrations}
    if unknown:
        raise ValidationError("Attendance is taken for the people registered.")
    for registration in registrations:
        registration.attended = registration.user_id in came
    Registration.objects.bulk_update(registrations, ["attended"])
    return len(came)


@transaction.atomic
def add_attendee(*, event: Event, who: str, now=None) -> Registration:
    """Record someone who came without registering, by username or email address: they
    must be invited."""
    now = now or timezone.now()
    if timezone.localdate(event.starts_at) > timezone.localdate(now):
        raise ValidationError({"who": "Attendance is taken on the day of the event, or after it."})
    who = (who or "").strip()
    if not who:
        raise ValidationError({"who": "Give the person's username or email address."})
    person = get_user_model().objects.filter(Q(username__iexact=who) | Q(email__iexact=who)).first()
    if person is None or not access.is_invited(person, event):
        raise ValidationError(
            {"who": f"{who} is not invited to this event: only invitees' attendance is taken."}
        )
    found, _ = Registration.objects.get_or_create(
        event=event, user=person, defaults={"registered": False, "registered_at": now}
    )
    found.attended = True
    found.save(update_fields=["attended"])
    return found


@transaction.atomic
def add_event_file(*, event: Event, upload, by) -> EventFile:
    """Keep a file for everyone the event invited, once it passes the size and type
    limits (nothing is stored otherwise)."""
    check_upload(upload)
    found = EventFile(event=event, name=clean_name(upload.name), size=upload.size, uploaded_by=by)
    found.file.save(upload.name, upload, save=False)
    found.save()
    return found


def remove_event_file(*, found: EventFile) -> None:
    found.file.delete(save=False)
    found.delete()


@transaction.atomic
def cancel_event(*, event: Event) -> None:
    """Call an event off: it goes, with its registrations and files."""
    for found in EventFile.objects.filter(event=event):
        found.file.delete(save=False)
    event.delete()
