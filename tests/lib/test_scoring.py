"""Scoring items and scales: every rule kind, the next-step sentences, bands and totals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fidelis.lib.scalefile import (
    DEFAULT_BANDS,
    Criterion,
    Item,
    Level,
    Partial,
    RoutineData,
    Rule,
    Scale,
    Section,
    Source,
)
from fidelis.lib.scoring import (
    CriterionDecision,
    band_for,
    describe_rule,
    effective_statuses,
    score_item,
    score_scale,
    suggest_from_routine_data,
)

LETTERS = "abcdefghij"
LEVELS = tuple(Level(v, f"Level {v}") for v in range(1, 6))
SOURCES = (Source("CN", "Case notes"), Source("MG", "Manager"), Source("ST", "Staff"))


def criterion(letter: str, **kwargs) -> Criterion:
    return Criterion(letter, f"Criterion {letter}.", kwargs.pop("sources", ("CN",)), **kwargs)


def count_item(thresholds: dict[int, float], n: int, *, number: int = 1, **special) -> Item:
    """An item with ``n`` plain criteria; ``special`` replaces criteria by letter."""
    criteria = tuple(special.get(letter, criterion(letter)) for letter in LETTERS[:n])
    return Item(number, f"Item {number}", "Why it matters.", criteria, Rule("count", thresholds))


def decide(**statuses: str | None) -> dict[str, CriterionDecision]:
    return {letter: CriterionDecision(status) for letter, status in statuses.items()}


def met_first(item: Item, k: int) -> dict[str, CriterionDecision]:
    return {
        c.letter: CriterionDecision("met" if i < k else "not_met")
        for i, c in enumerate(item.criteria)
    }


SPEC_EXAMPLE = count_item({5: 7, 4: 6, 3: 4, 2: 3, 1: 0}, 7)


def scale_of(items: list[Item], per_section: int | None = None, bands=DEFAULT_BANDS) -> Scale:
    per_section = per_section or len(items)
    sections = tuple(
        Section(s + 1, f"Section {s + 1}", tuple(items[i : i + per_section]))
        for s, i in enumerate(range(0, len(items), per_section))
    )
    return Scale("t", "Test", "1", "Test only", LEVELS, SOURCES, sections, bands=bands)


# -- count rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(("met", "score"), [(0, 1), (2, 1), (3, 2), (4, 3), (5, 3), (6, 4), (7, 5)])
def test_a_count_rule_with_a_skipped_count_scores_as_in_the_specification(met, score):
    result = score_item(SPEC_EXAMPLE, met_first(SPEC_EXAMPLE, met))
    assert result.score == score
    assert result.count == met
    assert result.max_count == 7


def test_an_item_is_not_scored_until_every_criterion_is_decided():
    decisions = met_first(SPEC_EXAMPLE, 6)
    decisions["g"] = CriterionDecision(None)
    del decisions["f"]
    result = score_item(SPEC_EXAMPLE, decisions)
    assert result.score is None
    assert result.undecided == ("f", "g")
    assert result.count == 5
    assert (
        result.next_step == "Criteria f and g still need a decision before this item can be scored."
    )


def test_a_rule_that_leaves_out_a_level_never_gives_it():
    item = count_item({5: 4, 4: 3, 1: 0}, 4)
    assert [score_item(item, met_first(item, k)).score for k in range(5)] == [1, 1, 1, 4, 5]


def test_a_met_stricter_criterion_makes_the_weaker_one_count_as_met():
    item = count_item({5: 3, 4: 2, 1: 0}, 3, c=criterion("c", stricter_than="b"))
    decisions = decide(a="met", b="not_met", c="met")
    assert effective_statuses(item, decisions) == {"a": "met", "b": "met", "c": "met"}
    assert score_item(item, decisions).score == 5
    # The weaker criterion need not even be decided.
    assert score_item(item, decide(a="not_met", c="met")).score == 4


def test_stricter_criteria_chain():
    item = count_item(
        {5: 3, 1: 0}, 3, b=criterion("b", stricter_than="a"), c=criterion("c", stricter_than="b")
    )
    assert score_item(item, decide(a="not_met", b="not_met", c="met")).score == 5


def test_a_partly_met_criterion_counts_its_credit():
    item = count_item(
        {5: 3, 4: 2.5, 3: 2, 1: 0},
        3,
        c=criterion("c", partial=Partial("Partly.")),
        b=criterion("b", partial=Partial("Partly.", 0.25)),
    )
    result = score_item(item, decide(a="met", b="met", c="partial"))
    assert (result.count, result.score, result.partial) == (2.5, 4, ("c",))
    assert score_item(item, decide(a="met", b="partial", c="partial")).count == 1.75


def test_partial_is_not_met_for_a_criterion_that_cannot_be_partly_met():
    item = count_item({5: 2, 1: 0}, 2)
    assert effective_statuses(item, decide(a="met", b="partial")) == {"a": "met", "b": "not_met"}
    assert score_item(item, decide(a="met", b="partial")).count == 1


def test_an_all_sources_criterion_needs_every_listed_source():
    item = count_item({5: 1, 1: 0}, 1, a=criterion("a", sources=("CN", "MG"), all_sources=True))
    some = {"a": CriterionDecision("met", frozenset({"CN"}))}
    every = {"a": CriterionDecision("met", {"CN", "MG", "ST"})}
    assert score_item(item, some).score == 1
    assert score_item(item, every).score == 5
    assert score_item(item, {"a": CriterionDecision("partial", {"CN", "MG"})}).score == 1


def test_decisions_for_letters_the_item_does_not_have_are_refused():
    with pytest.raises(ValueError, match="has no criterion z"):
        score_item(SPEC_EXAMPLE, decide(z="met"))
    with pytest.raises(ValueError, match="unknown criterion status"):
        CriterionDecision("yes")


# -- anchor rules -----------------------------------------------------------------------------

ANCHORED = Item(
    2,
    "Talking help",
    "Why.",
    (),
    Rule("anchors", anchors={1: "None.", 2: "Some.", 3: "Half.", 4: "Most people.", 5: "All."}),
)


def test_an_anchor_rule_takes_the_chosen_level():
    result = score_item(ANCHORED, anchor_level=3)
    assert result.score == 3
    assert result.next_step == "To reach 4: Most people."
    assert score_item(ANCHORED, anchor_level=5).next_step is None


def test_an_anchor_item_without_a_level_is_not_scored():
    result = score_item(ANCHORED)
    assert result.score is None
    assert result.next_step == "Choose the level whose description fits this team best."


def test_an_anchor_level_outside_the_scale_is_refused():
    with pytest.raises(ValueError, match="not a level"):
        score_item(ANCHORED, anchor_level=6)
    with pytest.raises(ValueError, match="counting criteria"):
        score_item(SPEC_EXAMPLE, met_first(SPEC_EXAMPLE, 7), anchor_level=5)


# -- next steps -------------------------------------------------------------------------------


def test_next_step_says_one_more_criterion_met():
    result = score_item(SPEC_EXAMPLE, met_first(SPEC_EXAMPLE, 6))
    assert result.next_step == "One more criterion met would raise this item from 4 to 5."


def test_next_step_counts_several_criteria_when_the_rule_skips_a_count():
    result = score_item(SPEC_EXAMPLE, met_first(SPEC_EXAMPLE, 4))
    assert result.next_step == "Two more criteria met would raise this item from 3 to 4."


def test_next_step_prefers_fully_meeting_a_partly_met_criterion():
    item = count_item({5: 4, 4: 3, 3: 2, 2: 1, 1: 0}, 4, c=criterion("c", partial=Partial("Some.")))
    result = score_item(item, decide(a="met", b="met", c="partial", d="not_met"))
    assert result.score == 3
    assert (
        result.next_step
        == "Fully meeting criterion c (now partly met) would raise this item from 3 to 4."
    )


def test_next_step_skips_levels_the_rule_leaves_out():
    item = count_item({5: 4, 3: 2, 1: 0}, 4)
    assert (
        score_item(item, met_first(item, 2)).next_step
        == "Two more criteria met would raise this item from 3 to 5."
    )


def test_next_step_is_none_at_the_top_score():
    assert score_item(SPEC_EXAMPLE, met_first(SPEC_EXAMPLE, 7)).next_step is None


def test_next_step_combines_new_criteria_and_upgrades_when_both_are_needed():
    item = count_item({5: 2, 1: 0}, 2, b=criterion("b", partial=Partial("Some.")))
    result = score_item(item, decide(a="not_met", b="partial"))
    assert result.next_step == (
        "One more criterion met and fully meeting criterion b (now partly met) would raise this "
        "item from 1 to 5."
    )


# -- describing rules -------------------------------------------------------------------------


def test_describe_rule_reads_the_specification_example_in_plain_english():
    assert describe_rule(SPEC_EXAMPLE) == [
        "All 7 criteria met: score 5",
        "6 met: score 4",
        "4 or 5 met: score 3",
        "3 met: score 2",
        "2 or fewer met: score 1",
    ]


def test_describe_rule_mentions_partial_all_sources_stricter_and_routine_data():
    item = count_item(
        {5: 3, 4: 2, 1: 0},
        3,
        a=criterion("a", partial=Partial("Some.")),
        b=criterion("b", sources=("CN", "MG"), all_sources=True),
        c=criterion(
            "c",
            stricter_than="b",
            routine_data=RoutineData("Share of referrals seen within 4 hours", "percent", ">=", 90),
        ),
    )
    lines = describe_rule(item)
    assert "Criterion a can be partly met. A partly met criterion counts as half." in lines
    assert "Criterion b counts only when every listed source agrees." in lines
    assert (
        "Criterion c is a stricter form of criterion b: when c is met, b counts as met too."
        in lines
    )
    assert (
        "Routine data can suggest criterion c: Share of referrals seen within 4 hours at least 90% "
        "(reviewers confirm it)." in lines
    )
    assert lines[0] == "All 3 criteria met: score 5"


def test_describe_rule_says_which_scores_a_rule_never_gives():
    assert "This item never scores 2 or 3." in describe_rule(count_item({5: 2, 4: 1, 1: 0}, 2))


def test_describe_rule_lists_every_anchor():
    assert describe_rule(ANCHORED) == [
        "Reviewers choose the score whose description fits best.",
        "Score 5: All.",
        "Score 4: Most people.",
        "Score 3: Half.",
        "Score 2: Some.",
        "Score 1: None.",
    ]


# -- routine data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [(">=", 90, True), (">=", 89.9, False), (">", 90, False), ("<=", 90, True), ("<", 90, False)],
)
def test_routine_data_suggests_whether_a_criterion_is_met(comparison, value, expected):
    crit = criterion("a", routine_data=RoutineData("Share seen", "percent", comparison, 90))
    assert suggest_from_routine_data(crit, value) is expected


def test_routine_data_suggests_nothing_for_a_criterion_without_it():
    assert suggest_from_routine_data(criterion("a"), 100) is None


# -- whole scales -----------------------------------------------------------------------------


def test_a_39_item_scale_runs_from_39_to_195():
    items = [count_item({5: 1, 1: 0}, 1, number=n) for n in range(1, 40)]
    result = score_scale(scale_of(items), dict.fromkeys(range(1, 40), 3))
    assert (result.min_total, result.max_total) == (39, 195)
    assert (result.total, result.mean, result.n_scored, result.complete) == (117, 3.0, 39, True)


@pytest.mark.parametrize(
    ("scores", "band"),
    [
        ([3, 3, 3, 3], "moderate"),  # mean exactly 3.0
        ([4, 4, 4, 4], "moderate"),  # 4.0 is not above 4
        ([2, 3, 3, 3], "low"),  # 2.75
        ([4, 4, 4, 5], "high"),  # 4.25
        ([1, 1, 1, 1], "low"),
        ([5, 5, 5, 5], "high"),
    ],
)
def test_bands_follow_the_mean_at_the_boundaries(scores, band):
    items = [count_item({5: 1, 1: 0}, 1, number=n) for n in range(1, 5)]
    result = score_scale(scale_of(items), dict(zip(range(1, 5), scores, strict=True)))
    assert result.band is not None and result.band.key == band


def test_a_mean_just_above_four_is_high_fidelity():
    scale = scale_of([count_item({5: 1, 1: 0}, 1)])
    assert band_for(scale, 4.01).key == "high"
    assert band_for(scale, 4.0).key == "moderate"
    assert band_for(scale, 3.0).key == "moderate"
    assert band_for(scale, 2.99).key == "low"


def test_an_incomplete_review_has_partial_totals_and_section_means():
    items = [count_item({5: 1, 1: 0}, 1, number=n) for n in range(1, 5)]
    result = score_scale(scale_of(items, per_section=2), {1: 5, 2: None, 3: 2})
    assert (result.total, result.n_scored, result.n_items, result.complete) == (7, 2, 4, False)
    assert result.mean == 3.5
    assert result.section_means == {1: 5.0, 2: 2.0}
    empty = score_scale(scale_of(items), {})
    assert (empty.mean, empty.band, empty.section_means) == (None, None, {1: None})


def test_score_scale_refuses_unknown_items_and_scores_outside_the_levels():
    scale = scale_of([count_item({5: 1, 1: 0}, 1)])
    with pytest.raises(ValueError, match="no item 2"):
        score_scale(scale, {2: 3})
    with pytest.raises(ValueError, match="not a level"):
        score_scale(scale, {1: 6})


# -- properties -------------------------------------------------------------------------------

STATUS = st.sampled_from(["met", "partial", "not_met"])
BETTER = {"not_met": ["partial", "met"], "partial": ["met"], "met": []}


@st.composite
def items_and_decisions(draw):
    n = draw(st.integers(1, 8))
    criteria = []
    for i, letter in enumerate(LETTERS[:n]):
        all_sources = draw(st.booleans())
        partial = (
            None
            if all_sources or not draw(st.booleans())
            else Partial("Some.", draw(st.sampled_from([0.25, 0.5, 0.75])))
        )
        stricter = draw(st.sampled_from([None, *LETTERS[:i]])) if i else None
        criteria.append(
            Criterion(
                letter,
                "Text.",
                ("CN", "MG"),
                partial,
                all_sources=all_sources,
                stricter_than=stricter,
            )
        )
    levels = sorted(draw(st.sets(st.integers(2, 5), max_size=min(4, n))))
    minimums = sorted(draw(st.sets(st.integers(1, n), min_size=len(levels), max_size=len(levels))))
    thresholds = {1: 0, **dict(zip(levels, minimums, strict=True))}
    item = Item(1, "Item", "Why.", tuple(criteria), Rule("count", thresholds))
    decisions = {
        letter: CriterionDecision(
            draw(STATUS), frozenset(draw(st.sets(st.sampled_from(["CN", "MG"]))))
        )
        for letter in LETTERS[:n]
    }
    return item, decisions


@settings(max_examples=300, deadline=None)
@given(data=st.data(), case=items_and_decisions())
def test_meeting_more_criteria_never_lowers_an_item_score(data, case):
    item, decisions = case
    before = score_item(item, decisions).score
    improvable = [letter for letter, d in decisions.items() if BETTER[d.status]]
    if not improvable:
        return
    letter = data.draw(st.sampled_from(improvable))
    better = data.draw(st.sampled_from(BETTER[decisions[letter].status]))
    improved = {**decisions, letter: CriterionDecision(better, decisions[letter].sources)}
    after = score_item(item, improved).score
    assert before is not None and after is not None
    assert after >= before


@settings(max_examples=300, deadline=None)
@given(case=items_and_decisions())
def test_scores_always_lie_within_the_scale_levels(case):
    item, decisions = case
    result = score_item(item, decisions)
    assert result.score in (item.rule.thresholds or {})
    assert result.score in {level.value for level in LEVELS}
    assert 0 <= result.count <= result.max_count
