"""The plans' part of the demo programme: Ashby's plan from its 6-month review, signed off
and under way, with goals, working groups and actions in every status (one of them
overdue and owned by the team member); Corran's plan awaiting the sponsor's sign-off;
and Marlpit's plan gone quiet in the facilitator's caseload. Also the remover, which goes
before the reviews' (a plan holds on to the review it started from)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from fidelis.bulk import Build, delete
from fidelis.improvement import actions
from fidelis.improvement.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Goal,
    GoalItem,
    GroupMember,
    GroupRole,
    Meets,
    Plan,
    PlanStatus,
)
from fidelis.improvement.suggest import candidates
from fidelis.programmes.models import Membership, Role, Team, add_months
from fidelis.reviews.models import Review, Status

# What a group might aim at for the demonstration scale's items: (goal, success, measure).
GOAL_TEXTS = {
    6: (
        "A full first assessment for everyone",
        "Every first assessment covers risk, physical health, social needs and the family.",
        "A monthly audit of ten first assessments against the team's checklist.",
    ),
    12: (
        "A written crisis plan shared with every family",
        "Each person's crisis plan is written with them and shared with their family.",
        "A monthly audit of ten case records.",
    ),
    13: (
        "Plans for future crises written together",
        "Everyone leaving the team has a plan for a future crisis that they helped write.",
        "The discharge checklist, audited quarterly.",
    ),
    14: (
        "Physical health checked at every first visit",
        "A physical health check is done or arranged at every first visit.",
        "The first-visit checklist, audited quarterly.",
    ),
    16: (
        "People shape their own care",
        "Each person's care plan records their own words and choices.",
        "A quarterly audit of ten care plans, with a service user reviewer.",
    ),
    20: (
        "Training that fits crisis work",
        "Every staff member has had the crisis-work training in the last two years.",
        "The training record, reviewed at each group meeting.",
    ),
}

#: The action owned by the demo's team member that is a week overdue.
OVERDUE_ACTION = "Try a single point of access with the liaison team"

# The actions under each of Ashby's goals: (action, owner kind, days, hours, status, reason).
ASHBY_ACTIONS = [
    [
        ("Map where the work waits today", "member", 20, "6", ActionStatus.DONE, ""),
        (
            "Agree a rota that covers the evening peak",
            "manager",
            75,
            "10",
            ActionStatus.IN_PROGRESS,
            "",
        ),
        (
            "Try a single point of access with the liaison team",
            "member",
            40,
            "8",
            ActionStatus.IN_PROGRESS,
            "",
        ),
    ],
    [
        (
            "Write a one-page template with the peer workers",
            "staff",
            50,
            "5",
            ActionStatus.DONE,
            "",
        ),
        (
            "Train the team on family meetings",
            "manager",
            110,
            "12",
            ActionStatus.BLOCKED,
            "The training budget is held until the new financial year.",
        ),
        ("Audit ten records a month", "staff", 160, "4", ActionStatus.NOT_STARTED, ""),
    ],
    [
        ("Add the new step to the first-visit checklist", "staff", 30, "2", ActionStatus.DONE, ""),
        (
            "Sessions with the pharmacist for the team",
            "staff",
            90,
            "6",
            ActionStatus.DROPPED,
            "The trust's pharmacy now runs these for every team.",
        ),
    ],
]


def remove(programme) -> None:
    """Delete the programme's plans and groups, a table at a time."""
    plans = Plan.objects.filter(team__organisation__programme=programme)
    delete(
        ActionUpdate.objects.filter(action__goal__plan__in=plans),
        Action.objects.filter(goal__plan__in=plans),
        GoalItem.objects.filter(goal__plan__in=plans),
        Goal.members.through.objects.filter(goal__plan__in=plans),
        Goal.objects.filter(plan__in=plans),
        plans,
        GroupMember.objects.filter(team__organisation__programme=programme),
    )


def _review(team, key: str) -> Review | None:
    return Review.objects.filter(team=team, timepoint__key=key, status=Status.FINALISED).first()


def _start(team, review, n_goals: int, by, starts_on) -> Plan:
    found = candidates(review)[:n_goals]
    items = {i.number: i for i in review.scale.items.all()}
    return actions.start_plan(
        team=team,
        review=review,
        chosen=[
            {"item": items[c.number], "criteria": c.not_met, "target": c.target} for c in found
        ],
        by=by,
        starts_on=starts_on,
    )


def _ashby_first_cycle(ashby, personas) -> list[Goal]:
    """Ashby's plan from its baseline review, carried through to the 6-month review: its
    goals' outcomes recorded and the plan closed. Returns the goal not fully achieved, to
    carry on."""
    review = _review(ashby, "baseline")
    if review is None or _review(ashby, "6m") is None:
        return []
    plan = _start(
        ashby, review, 2, personas["manager"], review.visit_date + datetime.timedelta(days=21)
    )
    for goal in plan.goals.all():
        action = actions.save_action(
            goal=goal,
            title="Agree the new way of working at the team meeting",
            owner=personas["manager"],
            due_on=plan.starts_on + datetime.timedelta(days=60),
            hours=Decimal("4"),
            by=personas["manager"],
        )
        actions.record_progress(
            action=action,
            note="Agreed and started.",
            status=ActionStatus.DONE,
            by=personas["manager"],
        )
    actions.submit(plan=plan, by=personas["manager"])
    actions.sign_off(plan=plan, by=personas["sponsor"])
    first, *rest = plan.goals.all()
    actions.record_outcome(
        goal=first, outcome="achieved", note="Reached its target.", by=personas["manager"]
    )
    for goal in rest:
        actions.record_outcome(
            goal=goal,
            outcome="partly",
            note="Started, not yet part of every shift.",
            by=personas["manager"],
        )
    actions.close_plan(plan=plan, by=personas["manager"])
    _date_first_cycle(plan)
    return list(rest)


def _date_first_cycle(plan: Plan) -> None:
    """The first cycle happened months ago: its sign-off on the day the plan started, and
    each action done a few days before it was due (the charts of the team's measures mark
    both)."""
    signed = timezone.make_aware(datetime.datetime.combine(plan.starts_on, datetime.time(14)))
    Plan.objects.filter(pk=plan.pk).update(
        submitted_at=signed - datetime.timedelta(days=3), signed_off_at=signed
    )
    for action in Action.objects.filter(goal__plan=plan):
        done = timezone.make_aware(
            datetime.datetime.combine(action.due_on - datetime.timedelta(days=5), datetime.time(16))
        )
        Action.objects.filter(pk=action.pk).update(updated_at=done)
        ActionUpdate.objects.filter(action=action).update(written_at=done)


def build_demo(build: Build) -> None:
    programme = build.programme
    personas = build.personas
    teams = {t.name: t for t in Team.objects.in_programme(programme)}
    today = datetime.date.today()

    def people(team, role):
        return [
            m.user for m in Membership.objects.filter(team=team, role=role).select_related("user")
        ]

    # Ashby: its plan from the 6-month review, signed off and under way.
    ashby = teams["Ashby Crisis Resolution Team"]
    staff = [u for u in people(ashby, Role.TEAM_MEMBER) if u != personas["member"]]
    GroupMember.objects.bulk_create(
        [
            GroupMember(team=ashby, user=personas["manager"], role=GroupRole.CHAIR),
            GroupMember(team=ashby, user=personas["facilitator"], role=GroupRole.FACILITATOR),
            GroupMember(team=ashby, user=personas["member"], role=GroupRole.STAFF),
            *[GroupMember(team=ashby, user=u, role=GroupRole.STAFF) for u in staff[:3]],
            GroupMember(team=ashby, name="Jo Bright", role=GroupRole.LIVED_EXPERIENCE),
        ]
    )
    carried = _ashby_first_cycle(ashby, personas)
    review = _review(ashby, "6m")
    if review is None:
        return
    starts = review.visit_date + datetime.timedelta(days=21)
    carried_items = {link.item.number for goal in carried for link in goal.items.all()}
    found = [c for c in candidates(review) if c.number not in carried_items][: len(ASHBY_ACTIONS)]
    items = {i.number: i for i in review.scale.items.all()}
    plan = actions.start_plan(
        team=ashby,
        review=review,
        chosen=[
            {"item": items[c.number], "criteria": c.not_met, "target": c.target} for c in found
        ],
        by=personas["manager"],
        starts_on=starts,
        carried=carried,
    )
    owners = {"member": personas["member"], "manager": personas["manager"]}
    goals = list(plan.goals.all())
    for goal in goals[len(ASHBY_ACTIONS) :]:  # carried on from the first cycle
        actions.save_action(
            goal=goal,
            title="Pick up where the last plan left off",
            owner=personas["manager"],
            due_on=max(today, starts) + datetime.timedelta(days=30),
            hours=Decimal("3"),
            by=personas["manager"],
        )
    for goal, planned in zip(goals[: len(ASHBY_ACTIONS)], ASHBY_ACTIONS, strict=False):
        link = goal.items.select_related("item").first()
        title, success, measure = GOAL_TEXTS.get(
            link.item.number,
            (
                goal.title,
                f"The team meets the criteria of item {link.item.number} it is missing.",
                "Checked at each group meeting.",
            ),
        )
        lead = staff[goal.order % len(staff)] if staff and goal.order else personas["manager"]
        actions.save_goal(
            plan=plan,
            goal=goal,
            title=title,
            items=[link.item for link in goal.items.all()],
            target_score=goal.target_score,
            success=success,
            measure=measure,
            lead=lead,
            members=[personas["member"], *staff[:2]],
            meets=Meets.FORTNIGHTLY,
            reports_to="the service improvement group",
            by=personas["manager"],
        )
        for index, (name, kind, days, hours, status, reason) in enumerate(planned):
            owner = owners.get(kind) or (
                staff[index % len(staff)] if staff else personas["manager"]
            )
            action = actions.save_action(
                goal=goal,
                title=name,
                owner=owner,
                # Finished work fell due after the plan started; the member's single point
                # of access is a week overdue; the rest is due from now on.
                due_on=min(
                    starts + datetime.timedelta(days=days)
                    if status == ActionStatus.DONE
                    else today - datetime.timedelta(days=7)
                    if name == OVERDUE_ACTION
                    else max(today, starts) + datetime.timedelta(days=days // 2),
                    plan.ends_on,
                ),
                hours=Decimal(hours),
                status=status,
                status_reason=reason,
                by=personas["manager"],
            )
            if status != ActionStatus.NOT_STARTED:
                actions.record_progress(
                    action=action,
                    note={
                        ActionStatus.DONE: "Finished and shared at the group meeting.",
                        ActionStatus.IN_PROGRESS: "Under way; first results at the next meeting.",
                        ActionStatus.BLOCKED: "Stuck: raised with the sponsor.",
                        ActionStatus.DROPPED: "No longer needed.",
                    }[status],
                    status=status,
                    status_reason=reason,
                    by=owner,
                )
    actions.submit(plan=plan, by=personas["manager"])
    actions.sign_off(plan=plan, by=personas["sponsor"])
    signed = timezone.make_aware(
        datetime.datetime.combine(starts + datetime.timedelta(days=10), datetime.time(15))
    )
    Plan.objects.filter(pk=plan.pk).update(
        signed_off_at=signed, submitted_at=signed - datetime.timedelta(days=3)
    )

    # Corran: a plan from its 6-month review, waiting for the sponsor's sign-off.
    corran = teams["Corran Home Treatment Team"]
    review = _review(corran, "6m") or _review(corran, "baseline")
    if review is not None:
        workers = people(corran, Role.TEAM_MANAGER) or people(corran, Role.TEAM_MEMBER)
        plan = _start(corran, review, 3, personas["facilitator"], None)
        goals = list(plan.goals.order_by("order").prefetch_related("items__item"))
        # Two goals filled in; the third still lacks a measure and a lead, which the
        # sponsor is told of when deciding.
        for goal in goals[:2]:
            number = goal.items.all()[0].item.number
            Goal.objects.filter(pk=goal.pk).update(
                success=f"The team meets the criteria of item {number} it is missing.",
                measure="Checked against the criteria at each monthly group meeting.",
                lead=workers[0],
            )
        if len(goals) > 2:
            Goal.objects.filter(pk=goals[2].pk).update(
                success="People's own words shape their care plans."
            )
        for goal in plan.goals.all():
            actions.save_action(
                goal=goal,
                title=f"First steps on {goal.title.split(':', 1)[-1].strip().lower()}",
                owner=workers[0],
                due_on=plan.starts_on + datetime.timedelta(days=45),
                hours=Decimal("4"),
                by=personas["facilitator"],
            )
        actions.submit(plan=plan, by=personas["facilitator"])

    # Marlpit: signed off after its 6-month review, then nothing for nine weeks.
    marlpit = teams["Marlpit Crisis Team"]
    review = _review(marlpit, "6m") or _review(marlpit, "baseline")
    if review is not None:
        workers = people(marlpit, Role.TEAM_MEMBER) or people(marlpit, Role.TEAM_MANAGER)
        plan = _start(
            marlpit,
            review,
            2,
            personas["facilitator"],
            review.visit_date + datetime.timedelta(days=14),
        )
        for goal in plan.goals.all():
            actions.save_action(
                goal=goal,
                title="Agree who leads this goal",
                owner=workers[0],
                due_on=plan.starts_on + datetime.timedelta(days=30),
                hours=Decimal("2"),
                by=personas["facilitator"],
            )
        actions.submit(plan=plan, by=personas["facilitator"])
        sponsor = Membership.objects.filter(
            organisation=marlpit.organisation, role=Role.SPONSOR
        ).first()
        actions.sign_off(plan=plan, by=sponsor.user if sponsor else personas["lead"])
        quiet = timezone.now() - datetime.timedelta(weeks=9)
        Plan.objects.filter(pk=plan.pk).update(updated_at=quiet, signed_off_at=quiet)
        # Its actions were written before the sign-off and not touched since.
        Action.objects.filter(goal__plan=plan).update(created_at=quiet, updated_at=quiet)


# `fidelis seed`: a plan for every team with a finalised review ------------------------------

#: Of every ten seeded plans, how many are in each state (the rest are signed off).
SEED_DRAFTS, SEED_AWAITING, SEED_QUIET = 1, 1, 2
SEED_STATUSES = [
    ActionStatus.DONE,
    ActionStatus.IN_PROGRESS,
    ActionStatus.NOT_STARTED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.BLOCKED,
]


def build_seed(build: Build) -> None:
    """Each team's plan from its latest finalised review: three goals on its lowest items,
    two actions each, owned by the team's people, in a spread of states. Written in bulk
    (synthetic rows have no history of their own)."""
    programme, rng = build.programme, build.rng
    now = timezone.now()
    latest: dict[int, Review] = {}
    for review in (
        Review.objects.filter(team__organisation__programme=programme, status=Status.FINALISED)
        .only("pk", "team_id", "visit_date", "scale_id", "agreed_scores")
        .order_by("visit_date", "pk")
    ):
        latest[review.team_id] = review
    if not latest:
        return
    owners: dict[int, list[int]] = {}
    for team_id, user_id in Membership.objects.filter(
        team_id__in=list(latest), role__in=[Role.TEAM_MANAGER, Role.TEAM_MEMBER]
    ).values_list("team_id", "user_id"):
        owners.setdefault(team_id, []).append(user_id)
    items = {i.number: i for i in programme.scale.items.all()}
    max_level = programme.scale.definition.max_level
    plans = []
    for index, (team_id, review) in enumerate(sorted(latest.items())):
        if not owners.get(team_id):
            continue
        kind = index % 10
        status = (
            PlanStatus.DRAFT
            if kind < SEED_DRAFTS
            else PlanStatus.AWAITING_SIGN_OFF
            if kind < SEED_DRAFTS + SEED_AWAITING
            else PlanStatus.SIGNED_OFF
        )
        starts = review.visit_date + datetime.timedelta(days=21)
        quiet = status == PlanStatus.SIGNED_OFF and kind >= 10 - SEED_QUIET
        plans.append(
            Plan(
                team_id=team_id,
                review=review,
                starts_on=starts,
                ends_on=add_months(starts, 12),
                status=status,
                created_at=now,
                updated_at=now - datetime.timedelta(weeks=10 if quiet else rng.randint(0, 3)),
                submitted_at=now if status != PlanStatus.DRAFT else None,
                signed_off_at=now if status == PlanStatus.SIGNED_OFF else None,
            )
        )
    Plan.objects.bulk_create(plans)
    goals, links = [], []
    for plan in plans:
        scores = (plan.review.agreed_scores or {}).get("items", {})
        lowest = sorted(
            (int(n) for n, s in scores.items() if s < max_level and int(n) in items),
            key=lambda n: (scores[str(n)], n),
        )[:3]
        for order, number in enumerate(lowest):
            goal = Goal(
                plan=plan,
                order=order,
                title=f"Raise item {number}: {items[number].title}"[:200],
                target_score=scores[str(number)] + 1,
                success=f"The team meets more of item {number}'s criteria.",
                measure="Checked at each group meeting.",
                meets=Meets.MONTHLY,
            )
            goals.append(goal)
            links.append((goal, items[number]))
    Goal.objects.bulk_create(goals)
    GoalItem.objects.bulk_create([GoalItem(goal=goal, item=item) for goal, item in links])
    work = []
    for n, goal in enumerate(goals):
        people = owners[goal.plan.team_id]
        for step in range(2):
            status = SEED_STATUSES[(n + step) % len(SEED_STATUSES)]
            due = goal.plan.starts_on + datetime.timedelta(days=rng.randint(30, 300))
            work.append(
                Action(
                    goal=goal,
                    title=("Find out where the gaps are" if step == 0 else "Try the change")
                    + f" (item {goal.title.split(':')[0].split()[-1]})",
                    owner_id=people[(n + step) % len(people)],
                    due_on=min(due, goal.plan.ends_on),
                    hours=Decimal(rng.choice(["2", "4", "6", "8", "12"])),
                    status=status,
                    status_reason="Waiting for staff time."
                    if status == ActionStatus.BLOCKED
                    else "",
                    created_at=now,
                    updated_at=now,
                )
            )
    Action.objects.bulk_create(work)
    ActionUpdate.objects.bulk_create(
        [
            ActionUpdate(
                action=action,
                written_by_id=action.owner_id,
                written_at=now - datetime.timedelta(days=rng.randint(1, 40)),
                note="Under way." if action.status != ActionStatus.DONE else "Done.",
                status=action.status,
            )
            for action in work
            if action.status != ActionStatus.NOT_STARTED
        ]
    )
    build.rows.update({"Plan": len(plans), "Goal": len(goals), "Action": len(work)})
