"""The plans' part of the home page: actions due, plans to sign off, plans gone quiet."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fidelis.improvement import access
from fidelis.improvement.actions import quiet_before, settings_for
from fidelis.improvement.models import Plan, PlanStatus
from fidelis.pages import HomePage, Link
from fidelis.programmes.models import Role
from fidelis.reviews.models import Review, Status

#: How soon an action counts as "due soon".
DUE_SOON = datetime.timedelta(days=14)
#: How many actions a section lists before summing up the rest.
ACTION_LIMIT = 5


def next_steps(page: HomePage) -> None:
    owned = list(
        access.actions_owned_by(page.user)
        .filter(
            Q(due_on__lte=page.today + DUE_SOON, status__in=["not_started", "in_progress"])
            | Q(status="blocked")
        )
        .select_related("goal__plan__team__organisation")
        .order_by("due_on", "pk")
    )
    offered: set[int] = set()
    for section in page.sections:
        programme = section.programme
        mine = [a for a in owned if a.goal.plan.team.organisation.programme_id == programme.pk]
        for action in mine[:ACTION_LIMIT]:
            overdue = action.due_on < page.today
            word = "Blocked" if action.status == "blocked" else "Overdue" if overdue else "Due soon"
            section.next_steps.append(
                Link(
                    f"{word}: {action.title}",
                    action.get_absolute_url(),
                    f"{action.goal.plan.team.name}, due {action.due_on:%-d %B %Y}. "
                    + (
                        "Record progress, or ask the team manager to move the due date."
                        if overdue
                        else "Record progress when you have some."
                    ),
                )
            )
        owned = [a for a in owned if a not in mine]
        if len(mine) > ACTION_LIMIT:
            section.next_steps.append(
                Link(f"{len(mine) - ACTION_LIMIT} more actions due", reverse("my_actions"))
            )
        if section.role == Role.SPONSOR:
            for membership in section.memberships:
                for plan in Plan.objects.filter(
                    team__organisation_id=membership.organisation_id,
                    status=PlanStatus.AWAITING_SIGN_OFF,
                ).select_related("team"):
                    section.next_steps.append(
                        Link(
                            f"Sign off the plan: {plan.team.name}",
                            reverse("plan_sign_off", args=[plan.pk]),
                            f"Submitted {plan.submitted_at:%-d %B %Y}.",
                        )
                    )
        if section.role in (Role.FACILITATOR, Role.TEAM_MANAGER, Role.SPONSOR):
            _quiet_plans(section, page.today)
        if section.role in (Role.FACILITATOR, Role.TEAM_MANAGER):
            _plans_to_close(section)
        for membership in section.memberships:
            team = membership.team
            if team is not None and access.can_view_plans(page.user, team):
                section.links.append(
                    Link(
                        f"Plan: {team.name}"
                        if section.role == Role.FACILITATOR
                        else "Your team's service improvement plan",
                        reverse("team_plan", args=[programme.slug, team.slug]),
                    )
                )
        if section.role in (Role.LEAD, Role.FACILITATOR, Role.SPONSOR) and (
            programme.pk not in offered
        ):
            offered.add(programme.pk)
            section.links.append(
                Link(
                    "Plans: which teams need help", reverse("plans_overview", args=[programme.slug])
                )
            )
        if any(m.team_id for m in section.memberships):
            section.links.append(Link("Your actions in every plan", reverse("my_actions")))


def _plans_to_close(section) -> None:
    """Plans whose team has had its next review: the group records the outcomes. (The
    teams' later reviews are read in one query, not one per plan.)"""
    teams = [m.team_id for m in section.memberships if m.team_id]
    plans = list(
        Plan.objects.filter(team_id__in=teams, status=PlanStatus.SIGNED_OFF).select_related(
            "team", "review"
        )
    )
    if not plans:
        return
    later = {}
    for review in (
        Review.objects.filter(team_id__in={p.team_id for p in plans}, status=Status.FINALISED)
        .select_related("timepoint")
        .order_by("visit_date", "pk")
    ):
        later.setdefault(review.team_id, []).append(review)
    for plan in plans:
        after = next(
            (
                r
                for r in later.get(plan.team_id, [])
                if r.scale_id == plan.review.scale_id and r.visit_date > plan.review.visit_date
            ),
            None,
        )
        if after is not None:
            section.next_steps.append(
                Link(
                    f"Record how far each goal got: {plan.team.name}'s plan",
                    plan.get_absolute_url() + "#loop",
                    f"The {after.timepoint.label} review is finalised; then close the plan "
                    "and start the next.",
                )
            )


def _quiet_plans(section, today) -> None:
    """Signed-off plans with no update for the programme's stalled period."""
    quiet = quiet_before(settings_for(section.programme), today)
    teams = [m.team_id for m in section.memberships if m.team_id]
    organisations = [m.organisation_id for m in section.memberships if m.organisation_id]
    plans = Plan.objects.filter(status=PlanStatus.SIGNED_OFF, updated_at__lt=quiet)
    if teams:
        plans = plans.filter(team_id__in=teams)
    elif organisations:
        plans = plans.filter(team__organisation_id__in=organisations)
    else:
        return
    for plan in plans.select_related("team"):
        changed = timezone.localdate(plan.updated_at)
        section.next_steps.append(
            Link(
                f"No update for {(today - changed).days // 7} weeks: {plan.team.name}'s plan",
                plan.get_absolute_url(),
                f"Last changed {changed:%-d %B %Y}.",
            )
        )
