"""Many teams' plans at a glance, for the lead, a facilitator or a sponsor: where each
team's plan stands and what needs help (awaiting sign-off, overdue or blocked actions, no
update for weeks, no plan at all). Paged by team, so it reads the same at 10 teams or
1,000."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from fidelis.improvement.actions import settings_for
from fidelis.improvement.models import OPEN_STATUSES, ActionStatus, Plan, PlanStatus

FILTERS = {
    "all": "Every team",
    "attention": "Teams that need attention",
}


@dataclass
class Row:
    team: object
    plan: Plan | None
    goals: int = 0
    open_actions: int = 0
    overdue: int = 0
    blocked: int = 0
    stalled: bool = False

    @property
    def needs(self) -> list[str]:
        """What needs attention, in words."""
        found = []
        if self.plan is None:
            found.append("No plan in progress")
            return found
        if self.plan.status == PlanStatus.AWAITING_SIGN_OFF:
            found.append("Awaiting sign-off")
        if self.plan.status == PlanStatus.DRAFT and self.plan.returned_comment:
            found.append("Sent back")
        if self.overdue:
            found.append(f"{self.overdue} overdue")
        if self.blocked:
            found.append(f"{self.blocked} blocked")
        if self.stalled:
            found.append("No update for weeks")
        return found


def _current(today, programme):
    """The filter on a plan in progress that needs attention, and the stalled cut-off."""
    weeks = settings_for(programme).stalled_after_weeks
    since = today - datetime.timedelta(weeks=weeks)
    open_actions = Q(goals__actions__status__in=sorted(OPEN_STATUSES))
    return since, open_actions


def teams_needing_attention(teams, programme, today):
    since, _ = _current(today, programme)
    in_progress = Plan.objects.filter(team=OuterRef("pk")).exclude(status=PlanStatus.CLOSED)
    attention = in_progress.filter(
        Q(status=PlanStatus.AWAITING_SIGN_OFF)
        | (Q(status=PlanStatus.DRAFT) & ~Q(returned_comment=""))
        | Q(status=PlanStatus.SIGNED_OFF, updated_at__date__lt=since)
        | Q(
            goals__actions__status__in=sorted(OPEN_STATUSES),
            goals__actions__due_on__lt=today,
        )
        | Q(goals__actions__status=ActionStatus.BLOCKED)
    )
    return teams.filter(Exists(attention) | ~Exists(in_progress))


def rows_for(teams: list, programme, today) -> list[Row]:
    """One row per team of a page (a list of teams), with its plan in progress."""
    since, open_actions = _current(today, programme)
    plans = {
        plan.team_id: plan
        for plan in Plan.objects.filter(team__in=[t.pk for t in teams])
        .exclude(status=PlanStatus.CLOSED)
        .annotate(
            n_goals=Count("goals", distinct=True),
            n_open=Count("goals__actions", filter=open_actions, distinct=True),
            n_overdue=Count(
                "goals__actions",
                filter=open_actions & Q(goals__actions__due_on__lt=today),
                distinct=True,
            ),
            n_blocked=Count(
                "goals__actions",
                filter=Q(goals__actions__status=ActionStatus.BLOCKED),
                distinct=True,
            ),
        )
    }
    rows = []
    for team in teams:
        plan = plans.get(team.pk)
        if plan is None:
            rows.append(Row(team=team, plan=None))
            continue
        rows.append(
            Row(
                team=team,
                plan=plan,
                goals=plan.n_goals,
                open_actions=plan.n_open,
                overdue=plan.n_overdue,
                blocked=plan.n_blocked,
                stalled=plan.status == PlanStatus.SIGNED_OFF and plan.updated_at.date() < since,
            )
        )
    return rows


def summary(teams, programme, today) -> dict[str, int]:
    """Counts over every team in scope (three queries whatever the number of teams)."""
    since, _ = _current(today, programme)
    plans = Plan.objects.filter(team__in=teams).exclude(status=PlanStatus.CLOSED)
    by_status = dict(plans.order_by().values_list("status").annotate(n=Count("pk")))
    stalled = plans.filter(status=PlanStatus.SIGNED_OFF, updated_at__date__lt=since).count()
    n_teams = teams.count()
    return {
        "teams": n_teams,
        "no_plan": n_teams - sum(by_status.values()),
        "draft": by_status.get(PlanStatus.DRAFT, 0),
        "awaiting": by_status.get(PlanStatus.AWAITING_SIGN_OFF, 0),
        "signed_off": by_status.get(PlanStatus.SIGNED_OFF, 0),
        "stalled": stalled,
    }
