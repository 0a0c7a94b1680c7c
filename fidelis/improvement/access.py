"""Who may see and change service improvement plans. Every plan view decides access here.

Rules, in words:
- A team's plans are open to the programme lead, the team's facilitators, managers and
  members, and the senior sponsors of its organisation. Reviewers and evaluators do not
  see plans (the plans name the people who own each action). Everyone who may see a plan
  may open the team's page, so plans show the team by name.
- The team's managers and facilitators (and the programme lead) start a plan from a
  finalised review, draft its goals and actions, and submit it for sign-off; a closed plan
  no longer changes.
- The senior sponsors of the team's organisation sign a submitted plan off or send it
  back with a comment.
- An action's owner records progress on it, as do the team's managers and facilitators.
- Everyone sees the actions they own, in every team, on "My actions".

Denied is 404 for a plan or action the user may not know exists, 403 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fidelis.improvement.models import Action, Goal, GroupMember, Plan, PlanStatus
from fidelis.programmes import access as programme_access
from fidelis.programmes.models import Membership, Role, Team
from fidelis.reviews.models import Review, Status

#: Team roles that draft and run the plan.
PLAN_EDITORS = frozenset({Role.TEAM_MANAGER, Role.FACILITATOR})
#: Team roles that read the plan.
PLAN_READERS = frozenset({Role.TEAM_MANAGER, Role.FACILITATOR, Role.TEAM_MEMBER})


def _plan_q(user) -> Q:
    """The plans the user may read, as a filter on plans."""
    s = programme_access.scopes(user)
    return (
        Q(team__organisation__programme_id__in=s.programmes_with(Role.LEAD))
        | Q(team_id__in=s.teams_with(*PLAN_READERS))
        | Q(team__organisation_id__in=s.organisations_with(Role.SPONSOR))
    )


def plans_visible_to(user, queryset=None):
    queryset = Plan.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(_plan_q(user))


def can_view_plans(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    s = programme_access.scopes(user)
    return bool(
        Role.LEAD in s.roles_in_programme(team.organisation.programme_id)
        or s.roles_in_team(team.pk) & PLAN_READERS
        or Role.SPONSOR in s.roles_in_organisation(team.organisation_id)
    )


def can_edit_plans(user, team: Team) -> bool:
    """Start a plan, draft goals and actions, submit for sign-off."""
    if not user.is_authenticated:
        return False
    if programme_access.is_lead(user, team.organisation.programme):
        return True
    return bool(programme_access.scopes(user).roles_in_team(team.pk) & PLAN_EDITORS)


def can_edit_plan(user, plan: Plan) -> bool:
    return plan.status != PlanStatus.CLOSED and can_edit_plans(user, plan.team)


def can_submit(user, plan: Plan) -> bool:
    return plan.status == PlanStatus.DRAFT and can_edit_plans(user, plan.team)


def is_sponsor_of(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return Role.SPONSOR in programme_access.scopes(user).roles_in_organisation(team.organisation_id)


def can_sign_off(user, plan: Plan) -> bool:
    return plan.status == PlanStatus.AWAITING_SIGN_OFF and is_sponsor_of(user, plan.team)


def can_update_action(user, action: Action) -> bool:
    """Record progress: the owner, or the team's managers and facilitators."""
    plan = action.goal.plan
    if plan.status == PlanStatus.CLOSED or not user.is_authenticated:
        return False
    return action.owner_id == user.pk or can_edit_plans(user, plan.team)


def owners_for(team: Team):
    """The people who may own an action in the team's plan: everyone with a role in the
    team (its manager, members and facilitators), by name."""
    return (
        get_user_model()
        .objects.filter(pk__in=Membership.objects.filter(team=team).values("user_id"))
        .order_by("first_name", "last_name", "username")
    )


def plans_of(team: Team) -> list[Plan]:
    """The team's plans, newest first (for a page that has already checked the team)."""
    return list(Plan.objects.filter(team=team).select_related("review__timepoint"))


def plan_in_progress(team: Team) -> Plan | None:
    return Plan.objects.filter(team=team).exclude(status=PlanStatus.CLOSED).first()


def latest_review(team: Team) -> Review | None:
    """The team's latest finalised review: where a new plan starts."""
    return (
        Review.objects.filter(team=team, status=Status.FINALISED)
        .select_related("timepoint", "scale")
        .order_by("-visit_date", "-pk")
        .first()
    )


def group_of(team: Team) -> list[GroupMember]:
    return list(GroupMember.objects.filter(team=team).select_related("user"))


def group_member_for_edit(user, team: Team, member_id: int) -> GroupMember:
    if not can_edit_plans(user, team):
        raise PermissionDenied("The team's manager and facilitator keep the group's list.")
    member = GroupMember.objects.filter(team=team, pk=member_id).first()
    if member is None:
        raise Http404("No such group member")
    return member


def goals_to_carry(team: Team) -> list[Goal]:
    """The goals of the team's latest closed plan, those not fully achieved first."""
    last = Plan.objects.filter(team=team, status=PlanStatus.CLOSED).order_by("-starts_on").first()
    if last is None:
        return []
    return sorted(last.goals.all(), key=lambda g: (g.outcome == "achieved", g.order, g.pk))


def actions_owned_by(user):
    """The actions the user owns, in plans that are not closed."""
    return Action.objects.filter(owner=user).exclude(goal__plan__status=PlanStatus.CLOSED)


# One object, or 404/403 ---------------------------------------------------------------------


def team_for_plans(user, programme_slug: str, team_slug: str) -> Team:
    team = (
        Team.objects.select_related("organisation__programme__scale")
        .filter(organisation__programme__slug=programme_slug, slug=team_slug)
        .first()
    )
    if team is None or not can_view_plans(user, team):
        raise Http404("No such team")
    return team


def team_for_planning(user, programme_slug: str, team_slug: str) -> Team:
    team = team_for_plans(user, programme_slug, team_slug)
    if not can_edit_plans(user, team):
        raise PermissionDenied(
            "The team's manager and facilitator write the plan; you can read it here."
        )
    return team


def _plan(pk: int) -> Plan | None:
    return (
        Plan.objects.select_related("team__organisation__programme__scale", "review__timepoint")
        .filter(pk=pk)
        .first()
    )


def plan_for_view(user, pk: int) -> Plan:
    plan = _plan(pk)
    if plan is None or not can_view_plans(user, plan.team):
        raise Http404("No such plan")
    return plan


def plan_for_edit(user, pk: int) -> Plan:
    plan = plan_for_view(user, pk)
    if not can_edit_plan(user, plan):
        raise PermissionDenied(
            "This plan is closed."
            if plan.status == PlanStatus.CLOSED
            else "The team's manager and facilitator change the plan; you can read it here."
        )
    return plan


def plan_for_sign_off(user, pk: int) -> Plan:
    plan = plan_for_view(user, pk)
    if not is_sponsor_of(user, plan.team):
        raise PermissionDenied("The senior sponsor of the team's organisation signs plans off.")
    return plan


def goal_for_edit(user, pk: int) -> Goal:
    goal = Goal.objects.select_related("plan").filter(pk=pk).first()
    if goal is None:
        raise Http404("No such goal")
    plan_for_edit(user, goal.plan_id)
    return Goal.objects.select_related(
        "plan__team__organisation__programme__scale", "plan__review"
    ).get(pk=pk)


def action_for_view(user, pk: int) -> Action:
    action = (
        Action.objects.select_related(
            "goal__plan__team__organisation__programme", "owner", "goal__plan__review"
        )
        .filter(pk=pk)
        .first()
    )
    if action is None or not (
        action.owner_id == user.pk or can_view_plans(user, action.goal.plan.team)
    ):
        raise Http404("No such action")
    return action


def action_for_update(user, pk: int) -> Action:
    action = action_for_view(user, pk)
    if not can_update_action(user, action):
        raise PermissionDenied(
            "The action's owner and the team's manager and facilitator record progress on it."
        )
    return action


def action_for_edit(user, pk: int) -> Action:
    action = action_for_view(user, pk)
    if not can_edit_plan(user, action.goal.plan):
        raise PermissionDenied("The team's manager and facilitator change the plan's actions.")
    return action


# The overview of many teams' plans ----------------------------------------------------------


@dataclass(frozen=True)
class OverviewScope:
    teams: object  # a Team QuerySet
    description: str


def overview_scope(user, programme) -> OverviewScope | None:
    """The teams whose plans the user follows on the overview: every team for the lead,
    a facilitator's own teams, a sponsor's organisation's teams; None for everyone else."""
    if not programme_access.can_view_programme(user, programme):
        return None
    teams = Team.objects.filter(organisation__programme=programme)
    if programme_access.is_lead(user, programme):
        return OverviewScope(teams=teams, description="every team in the programme")
    s = programme_access.scopes(user)
    facilitated = s.teams_with(Role.FACILITATOR)
    sponsored = s.organisations_with(Role.SPONSOR)
    if not facilitated and not sponsored:
        return None
    described = []
    if facilitated:
        described.append("the teams you facilitate")
    if sponsored:
        described.append("your organisation's teams")
    return OverviewScope(
        teams=teams.filter(Q(pk__in=facilitated) | Q(organisation_id__in=sponsored)),
        description=" and ".join(described),
    )


def programme_for_overview(user, slug: str):
    programme = programme_access.programme_for_view(user, slug)
    scope = overview_scope(user, programme)
    if scope is None:
        raise PermissionDenied(
            "The plans overview is for the programme lead, facilitators and senior sponsors. "
            "A team's own plan is on its team page, for the people in the team."
        )
    return programme, scope


def can_change_plan_settings(user, programme) -> bool:
    return programme_access.is_lead(user, programme)


def programme_for_plan_settings(user, slug: str):
    programme = programme_access.programme_for_view(user, slug)
    if not can_change_plan_settings(user, programme):
        raise PermissionDenied("The programme lead sets how plans warn and when they stall.")
    return programme
