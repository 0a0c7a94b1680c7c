"""A team's engagement with the programme as green, amber or red, with every reason in
words: never a black box.

Each rule looks at one fact about the team and says either that it is fine, that it is a
concern, or nothing (when it does not apply yet, such as a plan before the first review is
finalised). The level counts the concerns: none is green, one is amber, two or more red.
The rules and their thresholds are written out in docs/guide/engagement.md; tests cover
each of them at its threshold.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

#: How long after a review timepoint's month starts before its review should be finalised.
REVIEW_GRACE = datetime.timedelta(weeks=8)
#: How long after a review is finalised before a signed-off plan is expected.
PLAN_GRACE = datetime.timedelta(weeks=8)
#: The window for "recent": action updates and facilitation contacts.
RECENT = datetime.timedelta(weeks=4)
#: The service improvement group meets at least every two months.
GROUP_EVERY = datetime.timedelta(weeks=9)

GREEN, AMBER, RED = "green", "amber", "red"
LEVEL_WORDS = {GREEN: "Engaged", AMBER: "Needs a look", RED: "Drifting"}


@dataclass(frozen=True)
class Facts:
    """What the rules read about one team, gathered by the caller.

    `due_review`: the label and start of the latest review timepoint whose month has
    started, and whether the team's review at it is finalised (None: none has started).
    `last_finalised`: the day the team's latest review was finalised (None: never).
    `plan_signed_off`: whether a plan in progress is signed off.
    `open_actions`: how many actions of its plan in progress are still to do.
    `last_action_update`: the day an action of its plan was last changed or updated.
    `last_contact`: the day of the latest facilitation contact; `recent_contacts` the
    number of contacts in the last RECENT; `month_contacts` those since the first of this
    month (for the home page, not a rule).
    `has_plan`: whether the team has a plan in progress; `last_group_meeting` the day its
    service improvement group last met (up to today).
    `last_event`: the title and day of the programme's latest learning event the team was
    invited to whose attendance was taken, and whether anyone from the team came.
    """

    today: datetime.date
    due_review: tuple[str, datetime.date, bool] | None = None
    last_finalised: datetime.date | None = None
    plan_signed_off: bool = False
    open_actions: int = 0
    last_action_update: datetime.date | None = None
    last_contact: datetime.date | None = None
    recent_contacts: int = 0
    month_contacts: int = 0
    has_plan: bool = False
    last_group_meeting: datetime.date | None = None
    last_event: tuple[str, datetime.date, bool] | None = None


@dataclass(frozen=True)
class Reason:
    ok: bool
    text: str


@dataclass(frozen=True)
class Indicator:
    level: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def words(self) -> str:
        return LEVEL_WORDS[self.level]

    @property
    def concerns(self) -> list[Reason]:
        return [r for r in self.reasons if not r.ok]


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def review_rule(facts: Facts) -> Reason | None:
    if facts.due_review is None:
        return None
    label, starts, finalised = facts.due_review
    if finalised:
        return Reason(True, f"The {label.lower()} review is finalised.")
    if facts.today < starts + REVIEW_GRACE:
        return None  # still within its weeks
    return Reason(False, f"The {label.lower()} review, due from {_day(starts)}, is not finalised.")


def plan_rule(facts: Facts) -> Reason | None:
    if facts.plan_signed_off:
        return Reason(True, "The service improvement plan is signed off.")
    if facts.last_finalised is None or facts.today < facts.last_finalised + PLAN_GRACE:
        return None  # no review to plan from yet, or still time to write the plan
    weeks = (facts.today - facts.last_finalised).days // 7
    return Reason(False, f"No signed-off plan {weeks} weeks after the last review was finalised.")


def actions_rule(facts: Facts) -> Reason | None:
    if facts.open_actions == 0:
        return None
    last = facts.last_action_update
    if last is not None and facts.today - last < RECENT:
        return Reason(True, f"Plan actions were last updated on {_day(last)}.")
    since = f", last on {_day(last)}" if last else ""
    return Reason(
        False,
        f"{facts.open_actions} open plan action{'s' if facts.open_actions != 1 else ''}, "
        f"none updated in the last 4 weeks{since}.",
    )


def contact_rule(facts: Facts) -> Reason:
    if facts.recent_contacts:
        n = facts.recent_contacts
        return Reason(True, f"{n} facilitation contact{'s' if n != 1 else ''} in the last 4 weeks.")
    if facts.last_contact is None:
        return Reason(False, "No facilitation contact logged yet.")
    return Reason(
        False,
        f"No facilitation contact in the last 4 weeks (the last on {_day(facts.last_contact)}).",
    )


def group_rule(facts: Facts) -> Reason | None:
    if not facts.has_plan:
        return None  # the group meets about a plan
    last = facts.last_group_meeting
    if last is not None and facts.today - last < GROUP_EVERY:
        return Reason(True, f"The service improvement group last met on {_day(last)}.")
    if last is None:
        return Reason(False, "The service improvement group has no meeting recorded.")
    weeks = (facts.today - last).days // 7
    return Reason(
        False, f"The service improvement group has not met for {weeks} weeks (since {_day(last)})."
    )


def event_rule(facts: Facts) -> Reason | None:
    if facts.last_event is None:
        return None
    title, day, came = facts.last_event
    if came:
        return Reason(True, f"Someone from the team came to {title} on {_day(day)}.")
    return Reason(False, f"Nobody from the team came to {title} on {_day(day)}.")


RULES = (review_rule, plan_rule, actions_rule, group_rule, contact_rule, event_rule)


def indicator(facts: Facts) -> Indicator:
    """The team's level and the reasons behind it, concerns first."""
    reasons = [r for r in (rule(facts) for rule in RULES) if r is not None]
    concerns = sum(1 for r in reasons if not r.ok)
    level = GREEN if concerns == 0 else AMBER if concerns == 1 else RED
    return Indicator(level, sorted(reasons, key=lambda r: r.ok))
