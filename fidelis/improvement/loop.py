"""The loop back to the next review: once the team's next review is finalised, each goal
shows its items' scores before and after and the criteria now met, and the group records
how far the goal got before the plan closes."""

from __future__ import annotations

from dataclasses import dataclass

from fidelis.improvement.models import Goal, GoalItem, Outcome, Plan
from fidelis.lib.benchmarks import criteria_changes
from fidelis.reviews.models import Review, Status
from fidelis.reviews.scores import item_results


@dataclass
class ItemChange:
    number: int
    title: str
    before: int | None
    after: int | None
    target: int | None
    newly_met: tuple[str, ...]
    lost: tuple[str, ...]
    aimed: tuple[str, ...]  # the criteria the goal meant to meet
    aimed_met: tuple[str, ...]  # of those, the ones met now

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def reached_target(self) -> bool:
        return self.target is not None and self.after is not None and self.after >= self.target


@dataclass
class GoalChange:
    goal: Goal
    items: list[ItemChange]

    @property
    def suggested_outcome(self) -> str:
        """What the scores suggest; the group decides."""
        if self.items and all(i.reached_target for i in self.items):
            return Outcome.ACHIEVED
        if any((i.change or 0) > 0 or i.aimed_met for i in self.items):
            return Outcome.PARTLY
        return Outcome.NOT_ACHIEVED


@dataclass
class Loop:
    review: Review  # the next review
    goals: list[GoalChange]

    @property
    def all_recorded(self) -> bool:
        return all(g.goal.outcome for g in self.goals)


def next_review(plan: Plan) -> Review | None:
    """The team's first finalised review after the one the plan started from, on the same
    scale version (items are compared by number)."""
    return (
        Review.objects.filter(
            team_id=plan.team_id,
            status=Status.FINALISED,
            scale_id=plan.review.scale_id,
            visit_date__gt=plan.review.visit_date,
        )
        .select_related("timepoint", "scale")
        .order_by("visit_date", "pk")
        .first()
    )


def loop_for(plan: Plan) -> Loop | None:
    after_review = next_review(plan)
    if after_review is None:
        return None
    goals = list(plan.goals.all())
    links: dict[int, list[GoalItem]] = {}
    for link in GoalItem.objects.filter(goal__plan=plan).select_related("item"):
        links.setdefault(link.goal_id, []).append(link)
    numbers = {link.item.number for found in links.values() for link in found}
    before = item_results(plan.review, numbers)
    after = item_results(after_review, numbers)
    changes = []
    for goal in goals:
        items = []
        for link in sorted(links.get(goal.pk, []), key=lambda lk: lk.item.number):
            was, now = before.get(link.item.number), after.get(link.item.number)
            newly, lost = criteria_changes(was.statuses if was else {}, now.statuses if now else {})
            aimed = tuple(link.criteria)
            items.append(
                ItemChange(
                    number=link.item.number,
                    title=link.item.title,
                    before=was.score if was else None,
                    after=now.score if now else None,
                    target=goal.target_score,
                    newly_met=newly,
                    lost=lost,
                    aimed=aimed,
                    aimed_met=tuple(c for c in aimed if now and now.statuses.get(c) == "met"),
                )
            )
        changes.append(GoalChange(goal=goal, items=items))
    return Loop(review=after_review, goals=changes)
