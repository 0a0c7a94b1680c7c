"""The facts the engagement rules read (fidelis.lib.engagement), gathered for many teams
of one programme in a fixed number of queries, however many teams there are."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q, Value
from django.utils import timezone

from fidelis.improvement.models import OPEN_STATUSES, Action, Plan, PlanStatus
from fidelis.lib.engagement import RECENT, Facts, Indicator, indicator
from fidelis.programmes.models import Membership, Role, Team
from fidelis.reviews.models import Review, Status
from fidelis.support.models import Contact, Event, Meeting, MeetingKind


def due_timepoint(programme, today: datetime.date):
    """The latest review timepoint whose month has started (None before the first)."""
    started = [t for t in programme.timepoints.all() if t.due_date <= today]
    return max(started, key=lambda t: (t.due_date, t.order)) if started else None


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def facts_for(programme, team_ids: list[int], today: datetime.date) -> dict[int, Facts]:
    """{team id: Facts} for the programme's teams given."""
    timepoint = due_timepoint(programme, today)
    reviews = {
        team_id: (last, at_due)
        for team_id, last, at_due in Review.objects.filter(
            team_id__in=team_ids, status=Status.FINALISED
        )
        .order_by()
        .values("team_id")
        .annotate(
            last=Max("finalised_at"),
            at_due=Count("pk", filter=Q(timepoint=timepoint)) if timepoint else Value(0),
        )
        .values_list("team_id", "last", "at_due")
    }
    plans = dict(
        Plan.objects.filter(team_id__in=team_ids)
        .exclude(status=PlanStatus.CLOSED)
        .values_list("team_id", "status")
    )
    actions = {
        row["goal__plan__team_id"]: row
        for row in Action.objects.filter(goal__plan__team_id__in=team_ids)
        .exclude(goal__plan__status=PlanStatus.CLOSED)
        .order_by()
        .values("goal__plan__team_id")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            last=Max("updated_at"),
        )
    }
    since = today - RECENT
    contacts = {
        row["team_id"]: row
        for row in Contact.objects.filter(team_id__in=team_ids, happened_on__lte=today)
        .order_by()
        .values("team_id")
        .annotate(last=Max("happened_on"), recent=Count("pk", filter=Q(happened_on__gt=since)))
    }
    group_met = dict(
        Meeting.objects.filter(team_id__in=team_ids, kind=MeetingKind.GROUP, held_on__lte=today)
        .order_by()
        .values("team_id")
        .annotate(last=Max("held_on"))
        .values_list("team_id", "last")
    )
    last_event = _last_event(programme, team_ids, today)
    found = {}
    for team_id in team_ids:
        action = actions.get(team_id, {})
        contact = contacts.get(team_id, {})
        review = reviews.get(team_id, (None, 0))
        found[team_id] = Facts(
            today=today,
            due_review=(timepoint.label, timepoint.due_date, bool(review[1]))
            if timepoint
            else None,
            last_finalised=local_day(review[0]),
            plan_signed_off=plans.get(team_id) == PlanStatus.SIGNED_OFF,
            open_actions=action.get("open", 0),
            last_action_update=local_day(action.get("last")),
            last_contact=contact.get("last"),
            recent_contacts=contact.get("recent", 0),
            has_plan=team_id in plans,
            last_group_meeting=group_met.get(team_id),
            last_event=last_event.get(team_id),
        )
    return found


#: Team roles whose coming to an event counts for their team.
EVENT_ROLES = (Role.TEAM_MANAGER, Role.TEAM_MEMBER)


def _last_event(programme, team_ids: list[int], today: datetime.date) -> dict[int, tuple]:
    """{team id: (title, day, anyone from the team came)} for the programme's latest event
    that has ended, invited the teams' staff and had its attendance taken."""
    event = (
        Event.objects.filter(
            programme=programme,
            ends_at__date__lte=today,
            registrations__attended__isnull=False,
        )
        .order_by("-starts_at", "-pk")
        .first()
    )
    if event is None or not set(event.invited_roles) & set(EVENT_ROLES):
        return {}
    invited = set(team_ids)
    organisations = set(event.organisations.values_list("pk", flat=True))
    if organisations:
        invited = set(
            Team.objects.filter(pk__in=team_ids, organisation_id__in=organisations).values_list(
                "pk", flat=True
            )
        )
    came = set(
        Membership.objects.filter(
            team_id__in=invited,
            role__in=EVENT_ROLES,
            user__event_registrations__event=event,
            user__event_registrations__attended=True,
        ).values_list("team_id", flat=True)
    )
    day = timezone.localdate(event.starts_at)
    return {team_id: (event.title, day, team_id in came) for team_id in invited}


def indicators_for(programme, team_ids: list[int], today: datetime.date) -> dict[int, Indicator]:
    return {
        team_id: indicator(facts)
        for team_id, facts in facts_for(programme, team_ids, today).items()
    }
