"""Many teams' plans at a glance, for the lead, a facilitator or a sponsor: where each
team's plan stands and what needs help (awaiting sign-off, overdue or blocked actions, no
update for weeks, no plan at all). Paged by team, so it reads the same at 10 teams or
1,000."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from fidelis.improvement.models import OPEN_STATUSES, Action, ActionStatus, Plan, PlanStatus

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


def teams_needing_attention(teams, today: datetime.date, quiet: datetime.datetime):
    """The teams with no plan in progress, or whose plan awaits sign-off, was sent back,
    has gone quiet, or has an overdue or blocked action. Two subqueries that do not depend
    on the team, so the database reads each once rather than once per team; a plan's
    actions are looked up through its goals and the first one found is enough."""
    in_progress = Plan.objects.exclude(status=PlanStatus.CLOSED)
    overdue_or_blocked = Action.objects.filter(
        Q(status__in=sorted(OPEN_STATUSES), due_on__lt=today) | Q(status=ActionStatus.BLOCKED),
        goal__plan=OuterRef("pk"),
    )
    flagged = in_progress.filter(
        Q(status=PlanStatus.AWAITING_SIGN_OFF)
        | (Q(status=PlanStatus.DRAFT) & ~Q(returned_comment=""))
        | Q(status=PlanStatus.SIGNED_OFF, updated_at__lt=quiet)
        | Exists(overdue_or_blocked)
    )
    return teams.filter(
        Q(pk__in=flagged.values("team_id")) | ~Q(pk__in=in_progress.values("team_id"))
    )


def rows_for(teams: list, today: datetime.date, quiet: datetime.datetime) -> list[Row]:
    """One row per team of a page (a list of teams), with its plan in progress. `quiet`
    is the moment before which a signed-off plan's last change means it has gone quiet
    (`actions.quiet_before`)."""
    open_actions = Q(goals__actions__status__in=sorted(OPEN_STATUSES))
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
                stalled=plan.status == PlanStatus.SIGNED_OFF and plan.updated_at < quiet,
            )
        )
    return rows


def summary(teams, quiet: datetime.datetime) -> dict[str, int]:
    """Counts over every team in scope (three queries whatever the number of teams)."""
    plans = Plan.objects.filter(team__in=teams).exclude(status=PlanStatus.CLOSED)
    by_status = dict(plans.order_by().values_list("status").annotate(n=Count("pk")))
    stalled = plans.filter(status=PlanStatus.SIGNED_OFF, updated_at__lt=quiet).count()
    n_teams = teams.count()
    return {
        "teams": n_teams,
        "no_plan": n_teams - sum(by_status.values()),
        "draft": by_status.get(PlanStatus.DRAFT, 0),
        "awaiting": by_status.get(PlanStatus.AWAITING_SIGN_OFF, 0),
        "signed_off": by_status.get(PlanStatus.SIGNED_OFF, 0),
        "stalled": stalled,
    }
