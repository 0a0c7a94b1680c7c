"""The structures a published scale needs, end to end: one-letter evidence codes, evidence
named once per item, a criterion counting labelled parts, a precondition, a score that
needs a named criterion, guidance texts and bands as a scale prints them. The example file
is the one docs/scales.md walks through."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from fidelis.lib.scalefile import ScaleFileError, dump_scale, load_scale_file, parse_scale
from fidelis.lib.scoring import CriterionDecision, describe_rule, score_item
from fidelis.scales.models import FidelityScale

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "structures.yaml"


@pytest.fixture
def scale():
    return load_scale_file(EXAMPLE)


def test_the_example_uses_every_structure(scale):
    assert scale.source_codes == ("C", "P", "M", "S", "SU", "F", "O")
    first, second = scale.items
    # Evidence named once for the item; a criterion overrides only where it must.
    assert first.sources == ("C", "P", "M")
    assert first.criterion("c").sources == ("C", "P", "M")
    assert first.criterion("a").sources == ("P", "M")
    assert second.criterion("b").sources == ("M", "S", "O")
    # Parts counted into one criterion, their labels kept.
    parts = first.criterion("b").parts
    assert parts.at_least == 4
    assert parts.labels == ("i", "ii", "iii", "iv", "v", "vi")
    # A precondition, a score needing a named criterion, and guidance texts.
    assert first.precondition.criterion == "a" and first.precondition.otherwise == 1
    assert first.rule.required_for(4) == ("d",)
    assert first.guidance.startswith("Read five assessments")
    assert first.criterion("a").guidance == "Ask to see the template; a blank copy is enough."
    # Bands as the scale prints them: counts per score, the lowest count starting at 0.
    assert first.rule.counts == {5: (3, 3), 4: (2, 2), 3: (1, 1), 2: (0, 0)}
    assert first.rule.thresholds == {5: 3, 4: 2, 3: 1, 2: 0}


def test_it_writes_and_reads_back_identically(scale):
    text = dump_scale(scale)
    assert parse_scale(text) == scale
    assert "counts: {5: 3, 4: 2, 3: 1, 2: 0}" in text
    assert "requires: {5: [d], 4: [d]}" in text
    # Criteria that take the item's sources do not repeat them.
    assert text.count("sources: [C, P, M]") == 1


def test_it_imports_exports_and_reimports_identically(tmp_path, db):
    call_command("scale", "import", str(EXAMPLE), stdout=io.StringIO())
    stored = FidelityScale.objects.get(slug="structures-example")
    assert stored.definition == load_scale_file(EXAMPLE)
    assert list(stored.items.get(number=1).criteria.values_list("letter", flat=True)) == list(
        "abcd"
    )
    out = tmp_path / "exported.yaml"
    call_command("scale", "export", "structures-example", "--out", str(out), stderr=io.StringIO())
    data = stored.data
    stored.delete()
    call_command("scale", "import", str(out), stdout=io.StringIO())
    assert FidelityScale.objects.get(slug="structures-example").data == data


def test_a_band_that_skips_a_count_is_refused_naming_it():
    text = EXAMPLE.read_text().replace(
        "counts: {5: 3, 4: 2, 3: 1, 1: 0}", "counts: {5: 3, 3: 1, 1: 0}"
    )
    with pytest.raises(ScaleFileError) as refused:
        parse_scale(text, "gap.yaml")
    (problem,) = refused.value.problems
    assert "item 2: no score is given for 2 criteria met" in problem.message
    assert 'for example 4: "4-5"' in problem.message
    # Said explicitly, the same count is accepted: here it joins score 3.
    parse_scale(text.replace("3: 1, 1: 0}", '3: "1-2", 1: 0}'))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "precondition: {criterion: a, otherwise: 1}",
            "precondition: {criterion: z, otherwise: 1}",
            "item 1: 'precondition' names criterion 'z', but this item has no criterion 'z'",
        ),
        (
            "precondition: {criterion: a, otherwise: 1}",
            "precondition: {criterion: a, otherwise: 9}",
            "'otherwise' is the score while the precondition is not met",
        ),
        (
            "at_least: 4\n              parts:\n                - {label: i, text: Mental",
            "at_least: 7\n              parts:\n                - {label: i, text: Mental",
            "'at_least' must be between 1 and the 6 parts listed, but it is 7",
        ),
        (
            "{label: ii, text: Physical health}",
            "{label: i, text: Physical health}",
            "label 'i' is used twice",
        ),
        (
            "requires: {5: [d], 4: [d]}",
            "requires: {5: [a], 4: [d]}",
            "score 5 needs criterion 'a', but the item's counted criteria are b, c, d",
        ),
        (
            "requires: {5: [d], 4: [d]}",
            "requires: {2: [d]}",
            "the lowest score (2) cannot need a criterion",
        ),
        (
            "        sources: [M, S, O]\n",
            "",
            "item 2: criterion 'a': no evidence sources; give 'sources' here, or once for the",
        ),
        (
            "counts: {5: 3, 4: 2, 3: 1, 2: 0}",
            'counts: {5: 3, 4: "1-2", 3: 1, 2: 0}',
            "counts must rise with the score without overlapping",
        ),
    ],
)
def test_each_structure_is_checked(old, new, message):
    text = EXAMPLE.read_text()
    assert old in text
    with pytest.raises(ScaleFileError) as refused:
        parse_scale(text.replace(old, new, 1), "bad.yaml")
    assert any(message in p.message for p in refused.value.problems), refused.value.problems


def decide(**statuses):
    return {
        letter: CriterionDecision(*value) if isinstance(value, tuple) else CriterionDecision(value)
        for letter, value in statuses.items()
    }


def test_a_precondition_not_met_gives_its_score_and_the_rest_wait(scale):
    item = scale.item(1)
    result = score_item(item, decide(a="not_met"))
    assert result.score == 1
    assert "Criterion a is the precondition" in result.next_step
    assert score_item(item, decide()).score is None
    met = score_item(item, decide(a="met"))
    assert met.score is None and met.undecided == ("b", "c", "d")


def test_parts_decide_their_criterion(scale):
    item = scale.item(2)
    four = frozenset({"i", "ii", "iii", "iv"})
    assert score_item(item, decide(a=("met", (), four), b="met", c="met")).score == 5
    # Chosen as met with three parts ticked, it counts as not met.
    three = frozenset({"i", "ii", "iii"})
    assert score_item(item, decide(a=("met", (), three), b="met", c="met")).score == 4


def test_a_score_needing_a_criterion_waits_for_it(scale):
    item = scale.item(1)
    four = frozenset({"i", "ii", "iii", "iv"})
    every = frozenset({"C", "SU"})
    two_without_d = decide(a="met", b=("met", (), four), c="met", d="not_met")
    result = score_item(item, two_without_d)
    assert result.score == 3
    assert (
        result.next_step == "Meeting criterion d (needed for 4) would raise this item from 3 to 4."
    )
    with_d = decide(a="met", b="not_met", c="met", d=("met", every))
    assert score_item(item, with_d).score == 4


def test_the_rule_is_described_in_words(scale):
    lines = describe_rule(scale.item(1))
    assert lines[0].startswith(
        "Criterion a is a precondition: while it is not met the item scores 1"
    )
    assert "Score 4 also needs criterion d met." in lines
    assert "Criterion b is met when at least 4 of its 6 parts are." in lines
