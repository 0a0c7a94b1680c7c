"""The engagement rules, each at its threshold, and the level they add up to."""

import datetime

from fidelis.lib.engagement import (
    AMBER,
    GREEN,
    GROUP_EVERY,
    PLAN_GRACE,
    RECENT,
    RED,
    REVIEW_GRACE,
    Facts,
    actions_rule,
    contact_rule,
    event_rule,
    group_rule,
    indicator,
    plan_rule,
    review_rule,
)

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


def facts(**kw) -> Facts:
    base = {"today": TODAY, "recent_contacts": 2, "last_contact": TODAY - 3 * DAY}
    base.update(kw)
    return Facts(**base)


def test_a_review_not_yet_due_or_within_its_weeks_says_nothing():
    assert review_rule(facts()) is None
    starts = TODAY - REVIEW_GRACE + DAY
    assert review_rule(facts(due_review=("6 months", starts, False))) is None


def test_a_review_past_its_weeks_and_not_finalised_is_a_concern():
    starts = TODAY - REVIEW_GRACE
    found = review_rule(facts(due_review=("6 months", starts, False)))
    assert not found.ok
    assert found.text == f"The 6 months review, due from {starts.day} April 2026, is not finalised."
    assert review_rule(facts(due_review=("6 months", starts, True))).ok


def test_a_plan_is_expected_8_weeks_after_the_review_is_finalised():
    assert plan_rule(facts()) is None  # no review finalised yet
    assert plan_rule(facts(last_finalised=TODAY - PLAN_GRACE + DAY)) is None
    late = plan_rule(facts(last_finalised=TODAY - PLAN_GRACE))
    assert not late.ok
    assert late.text == "No signed-off plan 8 weeks after the last review was finalised."
    assert plan_rule(facts(last_finalised=TODAY - PLAN_GRACE, plan_signed_off=True)).ok


def test_open_actions_need_an_update_in_the_last_4_weeks():
    assert actions_rule(facts(open_actions=0, last_action_update=None)) is None
    assert actions_rule(facts(open_actions=2, last_action_update=TODAY - RECENT + DAY)).ok
    stale = actions_rule(facts(open_actions=2, last_action_update=TODAY - RECENT))
    assert not stale.ok
    assert stale.text.startswith("2 open plan actions, none updated in the last 4 weeks")
    assert "1 open plan action, none" in actions_rule(facts(open_actions=1)).text


def test_a_team_needs_a_facilitation_contact_in_the_last_4_weeks():
    assert contact_rule(facts()).ok
    assert contact_rule(facts(recent_contacts=1)).text == (
        "1 facilitation contact in the last 4 weeks."
    )
    none = contact_rule(facts(recent_contacts=0, last_contact=TODAY - RECENT))
    assert not none.ok and "the last on 18 May 2026" in none.text
    never = contact_rule(facts(recent_contacts=0, last_contact=None))
    assert never.text == "No facilitation contact logged yet."


def test_the_level_counts_the_concerns_and_lists_them_first():
    assert indicator(facts()).level == GREEN
    one = indicator(facts(recent_contacts=0))
    assert one.level == AMBER and one.words == "Needs a look"
    assert [r.ok for r in one.reasons] == [False]
    two = indicator(
        facts(
            recent_contacts=0,
            open_actions=3,
            last_action_update=TODAY - 60 * DAY,
            plan_signed_off=True,
        )
    )
    assert two.level == RED and two.words == "Drifting"
    assert [r.ok for r in two.reasons] == [False, False, True]
    assert len(two.concerns) == 2


def test_the_group_meets_at_least_every_9_weeks_while_there_is_a_plan():
    assert group_rule(facts()) is None  # no plan: nothing to meet about
    assert group_rule(facts(has_plan=True, last_group_meeting=TODAY - GROUP_EVERY + DAY)).ok
    late = group_rule(facts(has_plan=True, last_group_meeting=TODAY - GROUP_EVERY))
    assert not late.ok
    assert late.text == (
        "The service improvement group has not met for 9 weeks (since 13 April 2026)."
    )
    never = group_rule(facts(has_plan=True))
    assert never.text == "The service improvement group has no meeting recorded."


def test_coming_to_the_latest_event_counts_once_attendance_is_taken():
    assert event_rule(facts()) is None
    day = datetime.date(2026, 5, 20)
    assert event_rule(facts(last_event=("Exchange", day, True))).text == (
        "Someone from the team came to Exchange on 20 May 2026."
    )
    missed = event_rule(facts(last_event=("Exchange", day, False)))
    assert not missed.ok and missed.text == "Nobody from the team came to Exchange on 20 May 2026."
