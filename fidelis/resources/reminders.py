"""What each person has to do or know soon, gathered from the plans, the reviews and the
facilitation: the in-app notifications and the email digest are both made from this list.

Each reminder has a key naming the thing and its date (an action and its due date, a
review and its visit), so it is notified once, and again only if the date moves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from fidelis.improvement.access import actions_owned_by
from fidelis.improvement.models import ActionStatus, Plan, PlanStatus
from fidelis.programmes import access as programme_access
from fidelis.programmes.models import Role
from fidelis.resources import library
from fidelis.resources.models import Resource
from fidelis.resources.models import Status as ResourceStatus
from fidelis.reviews.models import PanelMember, Review, Status
from fidelis.support.access import upcoming_events_for, upcoming_meetings_for

#: How far ahead each kind of reminder looks.
ACTIONS_AHEAD = datetime.timedelta(days=7)
VISITS_AHEAD = datetime.timedelta(days=14)
MEETINGS_AHEAD = datetime.timedelta(days=7)
EVENTS_AHEAD = datetime.timedelta(days=14)

#: The digest's headings, in order, for each kind of reminder.
HEADINGS = {
    "action_overdue": "Overdue actions",
    "action_due": "Actions due this week",
    "rating": "Ratings waiting for you",
    "visit": "Review visits coming",
    "sign_off": "Plans awaiting your sign-off",
    "meeting": "Meetings",
    "event": "Learning events",
    "library": "The resource library",
}
#: How long the person who shared a resource is told it was approved.
APPROVED_NEWS = datetime.timedelta(days=14)


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str
    text: str
    href: str
    detail: str = ""


def _week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _day(value: datetime.date) -> str:
    return f"{value:%A %-d %B}"


def _actions(user, today) -> list[Reminder]:
    found = (
        actions_owned_by(user)
        .filter(
            status__in=[ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS],
            due_on__lte=today + ACTIONS_AHEAD,
        )
        .select_related("goal__plan__team")
        .order_by("due_on", "pk")
    )
    result = []
    for action in found:
        overdue = action.due_on < today
        result.append(
            Reminder(
                # An overdue action is noted again each week it stays overdue.
                key=(
                    f"action-overdue:{action.pk}:{action.due_on}:{_week(today)}"
                    if overdue
                    else f"action-due:{action.pk}:{action.due_on}"
                ),
                kind="action_overdue" if overdue else "action_due",
                text=f"{'Overdue' if overdue else 'Due'}: {action.title}",
                href=action.get_absolute_url(),
                detail=f"{action.goal.plan.team.name}, due {_day(action.due_on)}. "
                + ("Record progress or agree a new date." if overdue else "Record progress."),
            )
        )
    return result


def _visit(review, detail: str) -> Reminder:
    """A review visit coming, for someone on the panel or the reviewed team's manager."""
    return Reminder(
        key=f"visit:{review.pk}:{review.visit_date}",
        kind="visit",
        text=f"Review visit on {_day(review.visit_date)}: {review.team.name}, "
        f"{review.timepoint.label} review",
        href=review.get_absolute_url(),
        detail=detail,
    )


def _reviews(user, today) -> list[Reminder]:
    result = []
    places = (
        PanelMember.objects.filter(user=user)
        .exclude(review__status=Status.FINALISED)
        .select_related("review__team", "review__timepoint")
        .annotate(rated=Count("ratings", filter=Q(ratings__score__isnull=False)))
        .order_by("review__visit_date", "pk")
    )
    for place in places:
        review = place.review
        name = f"{review.team.name}, {review.timepoint.label} review"
        if review.status == Status.RATING and place.submitted_at is None:
            result.append(
                Reminder(
                    key=f"rating:{review.pk}",
                    kind="rating",
                    text=f"Rate and submit: {name}",
                    href=reverse("rate_index", args=[review.pk]),
                    detail=f"You have rated {place.rated} items so far.",
                )
            )
        elif review.status in (Status.PLANNED, Status.PREPARATION) and (
            today <= review.visit_date <= today + VISITS_AHEAD
        ):
            result.append(_visit(review, "You are on the panel."))
    managed = programme_access.scopes(user).teams_with(Role.TEAM_MANAGER)
    if managed:
        for review in (
            Review.objects.filter(
                team_id__in=managed,
                status__in=[Status.PLANNED, Status.PREPARATION],
                visit_date__range=(today, today + VISITS_AHEAD),
            )
            .exclude(panel__user=user)
            .select_related("team", "timepoint")
            .order_by("visit_date", "pk")
        ):
            result.append(_visit(review, "Your team is reviewed: check the preparation list."))
    return result


def _sign_off(user) -> list[Reminder]:
    organisations = programme_access.scopes(user).organisations_with(Role.SPONSOR)
    if not organisations:
        return []
    return [
        Reminder(
            key=f"sign-off:{plan.pk}:{plan.submitted_at:%Y-%m-%d}",
            kind="sign_off",
            text=f"Sign off the plan: {plan.team.name}",
            href=reverse("plan_sign_off", args=[plan.pk]),
            detail=f"Submitted {plan.submitted_at:%-d %B %Y}.",
        )
        for plan in Plan.objects.filter(
            team__organisation_id__in=organisations,
            status=PlanStatus.AWAITING_SIGN_OFF,
            submitted_at__isnull=False,
        )
        .select_related("team")
        .order_by("submitted_at", "pk")
    ]


def _meetings_and_events(user, today) -> list[Reminder]:
    result = [
        Reminder(
            key=f"meeting:{meeting.pk}:{meeting.held_on}",
            kind="meeting",
            text=f"{meeting.get_kind_display()} on {_day(meeting.held_on)}: {meeting.team.name}",
            href=meeting.get_absolute_url(),
        )
        for meeting in upcoming_meetings_for(user, today).filter(
            held_on__lte=today + MEETINGS_AHEAD
        )
    ]
    for event in upcoming_events_for(user, today).filter(starts_at__date__lte=today + EVENTS_AHEAD):
        result.append(
            Reminder(
                key=f"event:{event.pk}:{timezone.localtime(event.starts_at):%Y-%m-%d}",
                kind="event",
                text=f"{event.title}, {timezone.localtime(event.starts_at):%A %-d %B at %H:%M}",
                href=event.get_absolute_url(),
                detail="You are registered." + (f" {event.place}." if event.place else ""),
            )
        )
    return result


def _library(user, today) -> list[Reminder]:
    """For the lead, shared resources awaiting approval; for the person who shared one, the
    lead's decision."""
    result = []
    for resource in library.awaiting(programme_access.scopes(user).programmes_with(Role.LEAD)):
        result.append(
            Reminder(
                key=f"approve:{resource.pk}",
                kind="library",
                text=f"Approve or decline: {resource.title}",
                href=reverse("resource_decide", args=[resource.pk]),
                detail=f"Shared by {resource.shared_by.name}.",
            )
        )
    since = timezone.make_aware(datetime.datetime.combine(today - APPROVED_NEWS, datetime.time()))
    for resource in Resource.objects.filter(
        added_by=user, shared_by__isnull=False, decided_at__gte=since
    ).order_by("decided_at", "pk"):
        declined = resource.status == ResourceStatus.DECLINED
        if resource.status == ResourceStatus.PENDING:
            continue  # changed since the decision: asked again
        result.append(
            Reminder(
                key=f"{'declined' if declined else 'approved'}:{resource.pk}:"
                f"{resource.decided_at:%Y%m%d%H%M%S}",
                kind="library",
                text=f"{'Not approved' if declined else 'Approved'}: {resource.title}",
                href=resource.get_absolute_url(),
                detail="Read the lead's reason; changing it asks again."
                if declined
                else "Every team in the programme can see it now.",
            )
        )
    return result


def reminders_for(user, today: datetime.date) -> list[Reminder]:
    """Everything the person has to do or know soon, in the digest's order."""
    found = [
        *_actions(user, today),
        *_reviews(user, today),
        *_sign_off(user),
        *_meetings_and_events(user, today),
        *_library(user, today),
    ]
    order = list(HEADINGS)
    return sorted(found, key=lambda r: order.index(r.kind))


def grouped(reminders: list[Reminder]) -> list[tuple[str, list[Reminder]]]:
    """The reminders under the digest's headings, in order, leaving out empty ones."""
    return [
        (heading, [r for r in reminders if r.kind == kind])
        for kind, heading in HEADINGS.items()
        if any(r.kind == kind for r in reminders)
    ]
