"""A plan as its pages show it: goals with their items and actions, staff time per person
and month with the programme's warning, and where the plan is in its sign-off."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone

from fidelis.improvement import access
from fidelis.improvement.actions import quiet_before, settings_for
from fidelis.improvement.models import (
    ADVISED_GOALS,
    Action,
    ActionStatus,
    Goal,
    GoalItem,
    Plan,
    PlanStatus,
)
from fidelis.lib.plans import Work, hours_by_month, hours_text, month_of, over_threshold
from fidelis.reviews.scores import item_scores


@dataclass
class GoalView:
    goal: Goal
    items: list[dict]  # {"number", "title", "score", "criteria"}
    actions: list[Action]


@dataclass
class Board:
    plan: Plan
    goals: list[GoalView]
    months: list[datetime.date]
    hours: list[tuple[str, list[Decimal], Decimal]]  # (person, hours per month, total)
    warnings: list[str]
    threshold: Decimal
    stalled: bool
    too_many_goals: bool
    today: datetime.date
    overdue: int = 0

    @property
    def gaps(self) -> list[tuple[int, Goal, list[str]]]:
        """Goals (numbered as shown) that do not yet say what success looks like, how
        progress is measured or who leads the working group. A plan may go to sign-off
        without them; the team is reminded and the sponsor told."""
        found = []
        for number, view in enumerate(self.goals, start=1):
            goal = view.goal
            missing = [
                words
                for words, given in (
                    ("what success looks like", goal.success),
                    ("how progress is measured", goal.measure),
                    ("who leads the working group", goal.lead_id),
                )
                if not given
            ]
            if missing:
                found.append((number, goal, missing))
        return found

    @property
    def quiet_weeks(self) -> int:
        """Whole weeks since the plan last changed, by the programme's calendar."""
        return (self.today - timezone.localdate(self.plan.updated_at)).days // 7

    @property
    def total_hours(self) -> Decimal:
        return sum((row[2] for row in self.hours), Decimal(0))

    @property
    def total_hours_text(self) -> str:
        return hours_text(self.total_hours)


def plan_board(plan: Plan, today: datetime.date | None = None) -> Board:
    today = today or datetime.date.today()
    programme = plan.team.organisation.programme
    settings = settings_for(programme)
    goals = list(
        plan.goals.prefetch_related(
            Prefetch("items", queryset=GoalItem.objects.select_related("item")),
            Prefetch("actions", queryset=Action.objects.select_related("owner")),
        )
    )
    scores = item_scores(plan.review)
    views = [
        GoalView(
            goal=goal,
            items=[
                {
                    "number": link.item.number,
                    "title": link.item.title,
                    "score": scores.get(link.item.number),
                    "criteria": link.criteria,
                }
                for link in goal.items.all()
            ],
            actions=list(goal.actions.all()),
        )
        for goal in goals
    ]
    actions = [a for view in views for a in view.actions if a.status != ActionStatus.DROPPED]
    work = [
        Work(
            owner=a.owner_id,
            starts_on=max(plan.starts_on, a.created_at.date()),
            due_on=a.due_on,
            hours=a.hours,
        )
        for a in actions
        if a.status != ActionStatus.DONE or a.due_on >= month_of(today)
    ]
    by_owner = hours_by_month(work)
    months = sorted({m for per in by_owner.values() for m in per})
    names = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=list(by_owner))}
    rows = sorted(
        (
            (
                names.get(owner, "Someone"),
                [per.get(m, Decimal(0)) for m in months],
                sum(per.values(), Decimal(0)),
            )
            for owner, per in by_owner.items()
        ),
        key=lambda row: row[0],
    )
    warnings = [
        f"{names.get(owner, 'Someone')} has {hours_text(hours)} hours planned in "
        f"{month:%B %Y}, more than the programme's "
        f"{hours_text(settings.monthly_hours_warning)} a month: spread the "
        "work or share it, because staff time is what stalls plans most."
        for owner, month, hours in over_threshold(by_owner, settings.monthly_hours_warning)
    ]
    stalled = plan.status == PlanStatus.SIGNED_OFF and plan.updated_at < quiet_before(
        settings, today
    )
    return Board(
        plan=plan,
        goals=views,
        months=months,
        hours=rows,
        warnings=warnings,
        threshold=settings.monthly_hours_warning,
        stalled=stalled,
        too_many_goals=len(goals) > ADVISED_GOALS,
        today=today,
        overdue=sum(1 for a in actions if a.is_overdue(today)),
    )


def next_step(user, plan: Plan) -> str:
    """What the person looking at the plan can do next, in a sentence."""
    if plan.status == PlanStatus.DRAFT:
        if access.can_submit(user, plan):
            if plan.returned_comment:
                return (
                    "The sponsor sent the plan back: change what they asked for, then submit "
                    "it again."
                )
            return (
                "Name each goal, link it to its items, add actions with an owner and hours, "
                "then submit the plan for the sponsor's sign-off."
            )
        return "The team is drafting this plan; it comes to the sponsor when it is submitted."
    if plan.status == PlanStatus.AWAITING_SIGN_OFF:
        if access.can_sign_off(user, plan):
            return "The plan is waiting for your sign-off."
        return "The plan is with the senior sponsor for sign-off."
    if plan.status == PlanStatus.SIGNED_OFF:
        return (
            "Work through the actions and record progress on them; the plan can still change, "
            "with a reason."
        )
    return "This plan is closed."


#: Fields a history entry names when they change, with the words it uses.
HISTORY_FIELDS = {
    "status": "status",
    "title": "name",
    "target_score": "target score",
    "success": "success statement",
    "measure": "measure",
    "due_on": "due date",
    "hours": "hours",
    "owner": "owner",
    "lead": "working group lead",
    "status_reason": "reason for the status",
    "starts_on": "start",
    "ends_on": "end",
}


def _shown(field, value) -> str:
    """A stored value as people read it: a choice's label, a date in words."""
    if value in (None, ""):
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, Decimal):
        return hours_text(value)
    return str(value)


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    kind: str  # "Added", "Changed", "Removed"
    changes: list[str]
    reason: str


def history_entries(plan: Plan) -> list[HistoryEntry]:
    """Every change to the plan, its goals and its actions, newest first, each with what
    changed and the reason given."""
    goal_ids = list(Goal.history.filter(plan_id=plan.pk).values_list("id", flat=True).distinct())
    records = [
        ("The plan", r) for r in plan.history.select_related("history_user").order_by("history_id")
    ]
    records += [
        (f"Goal: {r.title}", r)
        for r in Goal.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("history_id")
    ]
    records += [
        (f"Action: {r.title}", r)
        for r in Action.history.filter(goal_id__in=goal_ids)
        .select_related("history_user")
        .order_by("history_id")
    ]
    entries = []
    for what, record in records:
        changes = []
        if record.history_type == "~" and record.prev_record is not None:
            fields = [f.name for f in record.instance_type._meta.fields if f.name in HISTORY_FIELDS]
            delta = record.diff_against(record.prev_record, included_fields=fields)
            for change in delta.changes:
                if change.field in ("owner", "lead"):
                    changes.append(f"{HISTORY_FIELDS[change.field]} changed")
                    continue
                field = record.instance_type._meta.get_field(change.field)
                old, new = (_shown(field, value) for value in (change.old, change.new))
                changes.append(f"{HISTORY_FIELDS[change.field]}: {old} → {new}")
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user.display_name if record.history_user else "Fidelis",
                what=what,
                kind={"+": "Added", "~": "Changed", "-": "Removed"}[record.history_type],
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
