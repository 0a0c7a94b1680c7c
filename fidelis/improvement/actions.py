"""Writes in a plan's life: starting it, goals, actions, progress, sign-off.

Every refusal is a ValidationError naming the field it concerns (a form shows it beside
that field) and nothing is saved. After sign-off a change to a goal, its target or an
action's due date needs a reason; it is kept as the change's reason in the history.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fidelis.improvement.loop import next_review
from fidelis.improvement.models import (
    NEEDS_REASON,
    Action,
    ActionStatus,
    ActionUpdate,
    Goal,
    GoalItem,
    GroupMember,
    GroupRole,
    Outcome,
    Plan,
    PlanSettings,
    PlanStatus,
)
from fidelis.programmes.models import Membership, add_months
from fidelis.reviews.models import Status
from fidelis.reviews.scores import item_scores
from fidelis.validators import check_text

TEXT_LIMITS = {
    "title": 200,
    "success": 2_000,
    "measure": 2_000,
    "reports_to": 200,
    "status_reason": 2_000,
    "note": 5_000,
    "reason": 2_000,
    "comment": 2_000,
    "name": 120,
    "outcome_note": 2_000,
}
MAX_HOURS = Decimal("2000")


def settings_for(programme) -> PlanSettings:
    """The programme's plan settings (the defaults, unsaved, until the lead changes them)."""
    found = PlanSettings.objects.filter(programme=programme).first()
    return found or PlanSettings(programme=programme)


def quiet_before(settings: PlanSettings, today: datetime.date) -> datetime.datetime:
    """A signed-off plan last changed before this moment has gone quiet: the start of the
    day, in the programme's time zone, that the programme's stalled period began. One
    moment compared with a column, so that a query over every plan reads no dates."""
    day = today - datetime.timedelta(weeks=settings.stalled_after_weeks)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _touch(plan: Plan) -> None:
    plan.updated_at = timezone.now()
    Plan.objects.filter(pk=plan.pk).update(updated_at=plan.updated_at)


def _with_reason(instance, reason: str) -> None:
    """Keep the reason for a change with the change in the history."""
    instance._change_reason = reason.strip() or None


def _require_reason(plan: Plan, reason: str, what: str) -> None:
    if plan.is_signed_off and not (reason or "").strip():
        raise ValidationError(
            {"reason": f"The plan is signed off: say why {what} changes, for the plan's history."}
        )


def save_settings(*, programme, monthly_hours_warning, stalled_after_weeks) -> PlanSettings:
    if monthly_hours_warning is None or monthly_hours_warning <= 0:
        raise ValidationError({"monthly_hours_warning": "Give a number of hours above 0."})
    if stalled_after_weeks is None or not 1 <= stalled_after_weeks <= 52:
        raise ValidationError({"stalled_after_weeks": "Give a number of weeks from 1 to 52."})
    found, _ = PlanSettings.objects.update_or_create(
        programme=programme,
        defaults={
            "monthly_hours_warning": monthly_hours_warning,
            "stalled_after_weeks": stalled_after_weeks,
        },
    )
    return found


# Starting -----------------------------------------------------------------------------------


@transaction.atomic
def start_plan(
    *, team, review, chosen: list[dict], by, starts_on=None, ends_on=None, carried=()
) -> Plan:
    """Start a plan from a finalised review. `chosen` is a list of {"item": Item,
    "criteria": [letters], "target": score} for the items the group chose; each becomes a
    goal to name and fill in. `carried` are goals of the team's earlier plans carried into
    this one, with their items, success statement and measure."""
    if review.team_id != team.pk or review.status != Status.FINALISED:
        raise ValidationError("A plan starts from one of the team's finalised reviews.")
    if Plan.objects.filter(team=team).exclude(status=PlanStatus.CLOSED).exists():
        raise ValidationError(
            "The team already has a plan in progress. Close it after the next review before "
            "starting another."
        )
    if not chosen and not carried:
        raise ValidationError({"items": "Choose at least one item for the plan to work on."})
    if any(goal.plan.team_id != team.pk for goal in carried):
        raise ValidationError("Only the team's own goals are carried into its plan.")
    starts_on = starts_on or max(review.visit_date, datetime.date.today())
    ends_on = ends_on or add_months(starts_on, 12)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The plan must end after it starts."})
    plan = Plan.objects.create(
        team=team, review=review, starts_on=starts_on, ends_on=ends_on, created_by=by
    )
    for order, choice in enumerate(chosen):
        item = choice["item"]
        goal = Goal.objects.create(
            plan=plan,
            order=order,
            title=f"Raise item {item.number}: {item.title}"[:200],
            target_score=choice.get("target"),
        )
        GoalItem.objects.create(goal=goal, item=item, criteria=list(choice.get("criteria", [])))
    taken = {choice["item"].pk for choice in chosen}
    scores = item_scores(review)
    for order, earlier in enumerate(carried, start=len(chosen)):
        links = [
            link
            for link in earlier.items.select_related("item")
            if link.item_id not in taken and link.item.scale_id == review.scale_id
        ]
        if not links:
            continue
        now = max((scores.get(link.item.number) or 0 for link in links), default=0)
        target = earlier.target_score
        if target is not None and target <= now:
            target = min(now + 1, review.scale.definition.max_level)
        goal = Goal.objects.create(
            plan=plan,
            order=order,
            title=earlier.title,
            target_score=target,
            success=earlier.success,
            measure=earlier.measure,
            carried_from=earlier,
        )
        for link in links:
            GoalItem.objects.create(goal=goal, item_id=link.item_id, criteria=link.criteria)
    return plan


# Goals --------------------------------------------------------------------------------------


@transaction.atomic
def save_goal(
    *,
    plan: Plan,
    goal: Goal | None = None,
    title: str,
    items: list,
    criteria: dict[int, list[str]] | None = None,
    target_score: int | None,
    success: str = "",
    measure: str = "",
    lead=None,
    members=(),
    meets: str = "",
    reports_to: str = "",
    reason: str = "",
    by,
) -> Goal:
    """Add a goal to the plan or change one. `items` are the scale's Item rows it works
    on; `criteria` the letters to meet, by item number: for every linked item when given
    (an item missing from it has none), or None to keep each linked item's criteria."""
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed; start the next plan to change goals.")
    check_text(
        limits=TEXT_LIMITS,
        title=title,
        success=success,
        measure=measure,
        reports_to=reports_to,
        reason=reason,
    )
    if not (title or "").strip():
        raise ValidationError({"title": "Give the goal a short name."})
    if not items:
        raise ValidationError({"items": "Link the goal to at least one fidelity item."})
    scale = plan.team.organisation.programme.scale
    if any(item.scale_id != scale.pk for item in items):
        raise ValidationError({"items": "Choose items of the programme's fidelity scale."})
    definition = scale.definition
    if target_score is not None and not (
        definition.min_level <= target_score <= definition.max_level
    ):
        raise ValidationError(
            {
                "target_score": f"A target score is from {definition.min_level} to "
                f"{definition.max_level}."
            }
        )
    today_scores = item_scores(plan.review)
    if target_score is not None:
        lowest = min(
            (today_scores[i.number] for i in items if today_scores.get(i.number) is not None),
            default=None,
        )
        if lowest is not None and target_score <= lowest:
            raise ValidationError(
                {
                    "target_score": f"The linked items scored {lowest} at the review the plan "
                    "starts from: set a target above it."
                }
            )
    for item in items:
        known = {c.letter for c in item.definition.criteria}
        unknown = sorted(set((criteria or {}).get(item.number, [])) - known)
        if unknown:
            raise ValidationError(
                {"criteria": f"Item {item.number} has no criterion {', '.join(unknown)}."}
            )
    if goal is not None:
        changed = (
            goal.title != title.strip()
            or goal.target_score != target_score
            or goal.success != success.strip()
            or set(goal.items.values_list("item_id", flat=True)) != {i.pk for i in items}
        )
        if changed:
            _require_reason(plan, reason, "the goal")
    else:
        _require_reason(plan, reason, "the plan's goals")
        goal = Goal(plan=plan, order=plan.goals.count())
    goal.title = title.strip()
    goal.target_score = target_score
    goal.success = success.strip()
    goal.measure = measure.strip()
    goal.lead = lead
    goal.meets = meets
    goal.reports_to = reports_to.strip()
    _with_reason(goal, reason)
    goal.save()
    goal.members.set(members)
    goal.items.exclude(item__in=items).delete()
    for item in items:
        link, _ = GoalItem.objects.get_or_create(goal=goal, item=item)
        wanted = sorted(set(link.criteria if criteria is None else criteria.get(item.number, [])))
        if link.criteria != wanted:
            link.criteria = wanted
            link.save(update_fields=["criteria"])
    _touch(plan)
    return goal


@transaction.atomic
def remove_goal(*, goal: Goal, by) -> None:
    """Take a goal out of a draft plan (after sign-off a goal stays, with its history; its
    actions can be dropped with a reason instead)."""
    plan = goal.plan
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            "Goals are removed only while the plan is a draft. Drop the goal's actions with "
            "a reason instead."
        )
    _with_reason(goal, "Removed from the draft")
    goal.delete()
    _touch(plan)


# Actions ------------------------------------------------------------------------------------


def _check_action(plan, *, title, owner, due_on, hours, status, status_reason) -> None:
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "Say what the action is, in a few words."
    if owner is None:
        problems["owner"] = "Every action needs a named owner: choose who will do it."
    elif not Membership.objects.filter(user=owner, team=plan.team).exists():
        problems["owner"] = "Choose someone with a role in the team."
    if due_on is None:
        problems["due_on"] = "Give the date the action is due."
    elif not plan.starts_on <= due_on <= plan.ends_on:
        problems["due_on"] = f"The due date must fall within the plan's period, {plan.period}."
    if hours is None:
        problems["hours"] = "Estimate the staff hours the action will take (0 if none)."
    elif hours < 0 or hours > MAX_HOURS:
        problems["hours"] = f"Give a number of hours from 0 to {MAX_HOURS:,.0f}."
    if status in NEEDS_REASON and not (status_reason or "").strip():
        problems["status_reason"] = (
            f"Say why the action is {ActionStatus(status).label.lower()}, so others can help."
        )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_action(
    *,
    goal: Goal,
    action: Action | None = None,
    title: str,
    owner,
    due_on,
    hours,
    status: str = ActionStatus.NOT_STARTED,
    status_reason: str = "",
    reason: str = "",
    by,
) -> Action:
    """Add an action to a goal or change one."""
    plan = goal.plan
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed; start the next plan to add actions.")
    check_text(limits=TEXT_LIMITS, title=title, status_reason=status_reason, reason=reason)
    _check_action(
        plan,
        title=title,
        owner=owner,
        due_on=due_on,
        hours=hours,
        status=status,
        status_reason=status_reason,
    )
    if action is not None and action.due_on != due_on:
        _require_reason(plan, reason, "the due date")
    if action is None:
        action = Action(goal=goal, created_by=by)
    action.title = title.strip()
    action.owner = owner
    action.due_on = due_on
    action.hours = hours
    action.status = status
    action.status_reason = status_reason.strip() if status in NEEDS_REASON else ""
    action.updated_at = timezone.now()
    _with_reason(action, reason)
    action.save()
    _touch(plan)
    return action


@transaction.atomic
def record_progress(
    *, action: Action, note: str, status: str, status_reason: str = "", by
) -> ActionUpdate:
    """A dated progress update on an action, which may move its status on."""
    if action.goal.plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed.")
    check_text(limits=TEXT_LIMITS, note=note, status_reason=status_reason)
    problems = {}
    if not (note or "").strip():
        problems["note"] = "Say what has happened since the last update."
    if status not in ActionStatus.values:
        problems["status"] = "Choose the action's status."
    elif status in NEEDS_REASON and not (status_reason or "").strip():
        problems["status_reason"] = (
            f"Say why the action is {ActionStatus(status).label.lower()}, so others can help."
        )
    if problems:
        raise ValidationError(problems)
    update = ActionUpdate.objects.create(
        action=action, written_by=by, note=note.strip(), status=status
    )
    action.status = status
    action.status_reason = status_reason.strip() if status in NEEDS_REASON else ""
    action.updated_at = update.written_at
    _with_reason(action, "Progress update")
    action.save(update_fields=["status", "status_reason", "updated_at"])
    _touch(action.goal.plan)
    return update


# Sign-off -----------------------------------------------------------------------------------


@transaction.atomic
def submit(*, plan: Plan, by) -> Plan:
    """Send the draft to the senior sponsor: every goal needs an item and an owned action."""
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("Only a draft plan is submitted for sign-off.")
    goals = list(plan.goals.prefetch_related("items", "actions"))
    if not goals:
        raise ValidationError("Add at least one goal before submitting the plan.")
    empty = [g.title for g in goals if not g.actions.all()]
    if empty:
        raise ValidationError(
            "Every goal needs at least one action with an owner before sign-off: "
            + "; ".join(empty)
            + "."
        )
    plan.status = PlanStatus.AWAITING_SIGN_OFF
    plan.submitted_at = timezone.now()
    _with_reason(plan, "Submitted for sign-off")
    plan.save(update_fields=["status", "submitted_at"])
    _touch(plan)
    return plan


@transaction.atomic
def sign_off(*, plan: Plan, by, comment: str = "") -> Plan:
    if plan.status != PlanStatus.AWAITING_SIGN_OFF:
        raise ValidationError("Only a plan awaiting sign-off is signed off.")
    check_text(limits=TEXT_LIMITS, comment=comment)
    plan.sign_off_comment = (comment or "").strip()
    plan.status = PlanStatus.SIGNED_OFF
    plan.signed_off_by = by
    plan.signed_off_at = timezone.now()
    plan.returned_comment = ""
    _with_reason(
        plan, f"Signed off: {plan.sign_off_comment}" if plan.sign_off_comment else "Signed off"
    )
    plan.save(
        update_fields=[
            "status",
            "signed_off_by",
            "signed_off_at",
            "returned_comment",
            "sign_off_comment",
        ]
    )
    _touch(plan)
    return plan


@transaction.atomic
def send_back(*, plan: Plan, comment: str, by) -> Plan:
    if plan.status != PlanStatus.AWAITING_SIGN_OFF:
        raise ValidationError("Only a plan awaiting sign-off is sent back.")
    check_text(limits=TEXT_LIMITS, comment=comment)
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say what the plan needs before it can be signed off."})
    plan.status = PlanStatus.DRAFT
    plan.returned_comment = comment.strip()
    plan.returned_by = by
    plan.returned_at = timezone.now()
    _with_reason(plan, f"Sent back: {comment.strip()}")
    plan.save(update_fields=["status", "returned_comment", "returned_by", "returned_at"])
    _touch(plan)
    return plan


# The loop to the next review -----------------------------------------------------------------


@transaction.atomic
def record_outcome(*, goal: Goal, outcome: str, note: str = "", by) -> Goal:
    """How far the goal got, recorded by the group once the next review is finalised."""
    plan = goal.plan
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed.")
    if next_review(plan) is None:
        raise ValidationError(
            "A goal's outcome is recorded once the team's next review is finalised."
        )
    check_text(limits=TEXT_LIMITS, outcome_note=note)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose achieved, partly achieved or not achieved."})
    goal.outcome = outcome
    goal.outcome_note = (note or "").strip()
    _with_reason(goal, f"Outcome: {Outcome(outcome).label}")
    goal.save(update_fields=["outcome", "outcome_note"])
    _touch(plan)
    return goal


@transaction.atomic
def close_plan(*, plan: Plan, by) -> Plan:
    """Close the plan once every goal's outcome is recorded; the next plan can start."""
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is already closed.")
    if next_review(plan) is None:
        raise ValidationError("A plan closes once the team's next review is finalised.")
    missing = [g.title for g in plan.goals.all() if not g.outcome]
    if missing:
        raise ValidationError(
            "Record how far each goal got before closing the plan: " + "; ".join(missing) + "."
        )
    plan.status = PlanStatus.CLOSED
    _with_reason(plan, "Closed after the next review")
    plan.save(update_fields=["status"])
    _touch(plan)
    return plan


# The group ----------------------------------------------------------------------------------


def add_group_member(*, team, role: str, user=None, name: str = "") -> GroupMember:
    check_text(limits=TEXT_LIMITS, name=name)
    if user is None and not (name or "").strip():
        raise ValidationError(
            {
                "user": "Choose a person, or type the name of someone without "
                "an account (such as a service user representative)."
            }
        )
    if user is not None and not Membership.objects.filter(user=user, team=team).exists():
        raise ValidationError({"user": "Choose someone with a role in the team."})
    if user is not None and GroupMember.objects.filter(team=team, user=user).exists():
        raise ValidationError({"user": "They are already in the group."})
    if role not in GroupRole.values:
        raise ValidationError({"role": "Choose the person's role in the group."})
    return GroupMember.objects.create(
        team=team, user=user, name="" if user else name.strip(), role=role
    )


def remove_group_member(*, member: GroupMember) -> None:
    member.delete()
