"""The scale file format: validation with file:line messages, and the round trip."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fidelis.lib.scalefile import (
    DEFAULT_BANDS,
    Criterion,
    Item,
    Partial,
    Rule,
    Scale,
    ScaleFileError,
    Section,
    dump_scale,
    load_scale_file,
    parse_scale,
)

BUNDLED = (
    Path(__file__).resolve().parents[2] / "fidelis" / "scales" / "bundled" / "crisis-demo.yaml"
)

HEADER = """\
format: fidelis-scale/1
slug: tiny
name: Tiny test scale
version: "1.0"
licence: Test only.
levels:
  - {value: 1, label: Not in place}
  - {value: 2, label: Starting}
  - {value: 3, label: Partly}
  - {value: 4, label: Mostly}
  - {value: 5, label: Fully}
sources:
  - {code: CN, name: Case notes}
  - {code: PW, name: Paperwork}
  - {code: MG, name: Manager}
"""

VALID = (
    HEADER
    + """\
sections:
  - number: 1
    title: Access
    items:
      - number: 1
        title: Open all hours
        purpose: Crises happen at night.
        criteria:
          - {letter: a, text: Takes referrals at night., sources: [PW, MG]}
          - letter: b
            text: Half of urgent referrals seen within 4 hours.
            sources: [CN]
            routine_data:
              measure: Percentage of urgent referrals seen within 4 hours
              unit: percent
              comparison: ">="
              threshold: 50
          - letter: c
            text: Nine in ten urgent referrals seen within 4 hours.
            sources: [CN]
            stricter_than: b
          - letter: d
            text: Staff, paperwork and manager agree on the night rota.
            sources: [PW, MG]
            all_sources: true
          - letter: e
            text: Referrers are told the outcome.
            sources: [CN, MG]
            partial: {text: Sometimes told., credit: 0.5}
        rule:
          kind: count
          thresholds: {5: 5, 4: 4, 3: 3, 2: 2, 1: 0}
  - number: 2
    title: Care
    items:
      - number: 2
        title: Talking help
        purpose: People need more than medicines.
        rule:
          kind: anchors
          anchors:
            1: None offered.
            2: Informal only.
            3: Offered to some.
            4: Offered to most.
            5: Offered to everyone.
"""
)


def problems_of(text: str, filename: str = "scale.yaml") -> list[str]:
    with pytest.raises(ScaleFileError) as caught:
        parse_scale(text, filename)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of ``fragment``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in text")


def test_it_reads_a_valid_file_into_dataclasses():
    scale = parse_scale(VALID)
    assert scale.slug == "tiny"
    assert scale.version == "1.0"
    assert scale.level_values == (1, 2, 3, 4, 5)
    assert scale.bands == DEFAULT_BANDS
    assert [i.number for i in scale.items] == [1, 2]
    item = scale.item(1)
    assert item.criterion("c").stricter_than == "b"
    assert item.criterion("d").all_sources is True
    assert item.criterion("e").partial == Partial("Sometimes told.", 0.5)
    assert item.criterion("b").routine_data is not None
    assert item.rule == Rule("count", thresholds={5: 5, 4: 4, 3: 3, 2: 2, 1: 0})
    assert scale.item(2).rule.kind == "anchors"
    assert scale.section_of(2).title == "Care"


def test_it_defaults_partial_credit_to_a_half():
    text = VALID.replace("partial: {text: Sometimes told., credit: 0.5}", "partial: {text: Some.}")
    assert parse_scale(text).item(1).criterion("e").partial == Partial("Some.", 0.5)


def test_it_reports_several_problems_each_with_file_line_and_message():
    text = (
        VALID.replace(
            "sources: [CN, MG]\n            partial", "sources: [CN, XX]\n            partial"
        )
        .replace(
            "thresholds: {5: 5, 4: 4, 3: 3, 2: 2, 1: 0}",
            "thresholds: {5: 6, 4: 4, 3: 3, 2: 2, 1: 0}",
        )
        .replace("      - number: 2\n", "      - number: 1\n")
        .replace("          - letter: b\n", "          - letter: a\n")
    )
    text = text.replace("        criteria:\n", "        critera:\n", 1)
    problems = problems_of(text)
    # The typo hides the criteria, so restore it for the remaining checks.
    assert (
        f"scale.yaml:{line_of(text, 'critera:')}: item 1: unknown key 'critera'; "
        "did you mean 'criteria'?" in problems
    )

    text = text.replace("critera:", "criteria:")
    problems = problems_of(text)
    assert (
        f"scale.yaml:{line_of(text, 'XX]')}: item 1: criterion 'e' names unknown evidence source "
        "'XX'; known sources are CN, PW, MG"
    ) in problems
    assert (
        f"scale.yaml:{line_of(text, '- letter: a')}: item 1: criterion letter 'a' is used twice "
        f"(first on line {line_of(text, 'letter: a, text')})"
    ) in problems
    assert any(
        p.startswith(
            f"scale.yaml:{line_of(text, '      - number: 1', 2)}: item number 1 is used twice"
        )
        for p in problems
    )
    assert problems == sorted(problems, key=lambda p: int(p.split(":")[1]))


def test_it_rejects_unknown_source_codes():
    text = VALID.replace("sources: [PW, MG]}", "sources: [PW, QQ]}")
    assert problems_of(text) == [
        f"scale.yaml:{line_of(text, 'QQ')}: item 1: criterion 'a' names unknown evidence source "
        "'QQ'; known sources are CN, PW, MG"
    ]


@pytest.mark.parametrize("code", ["C", "SU", "MGT", "ABCD"])
def test_it_accepts_source_codes_of_one_to_four_capital_letters(code):
    """Codes as a published scale prints them (C, P, M, S, SU, F, O)."""
    scale = parse_scale(re.sub(r"\bMG\b", code, VALID), "scale.yaml")
    assert code in [source.code for source in scale.sources]


@pytest.mark.parametrize("code", ["c", "Su", "ABCDE", "C1"])
def test_it_rejects_other_source_codes(code):
    problems = problems_of(re.sub(r"\bMG\b", code, VALID))
    assert any(
        f"the source code '{code}' must be 1 to 4 capital letters (for example C, SU or CN)" in p
        for p in problems
    )


def test_it_rejects_a_threshold_no_count_can_reach():
    text = VALID.replace("{5: 5, 4: 4,", "{5: 6, 4: 4,")
    (problem,) = problems_of(text)
    assert problem == (
        f"scale.yaml:{line_of(text, 'thresholds')}: item 1: score 5 needs 6 criteria met, but the "
        "item has only 5 criteria, so no count can reach it"
    )


def test_it_rejects_a_score_that_falls_between_possible_counts():
    # Without partial credit on d, no count lies in [4.5, 5): score 4 could never be given.
    text = VALID.replace("{5: 5, 4: 4,", "{5: 5, 4: 4.5,").replace(
        "partial: {text: Sometimes told., credit: 0.5}", "partial: {text: Sometimes., credit: 0.25}"
    )
    (problem,) = problems_of(text)
    assert "score 4 can never be given" in problem


def test_it_rejects_thresholds_that_do_not_rise_with_the_score():
    text = VALID.replace("{5: 5, 4: 4, 3: 3,", "{5: 5, 4: 3, 3: 3,")
    (problem,) = problems_of(text)
    assert problem.endswith(
        "item 1: minimums must rise with the score, but score 4 needs 3 and score 3 already needs 3"
    )


def test_it_rejects_a_lowest_level_whose_minimum_is_not_zero():
    text = VALID.replace("2: 2, 1: 0}", "2: 2, 1: 1}")
    (problem,) = problems_of(text)
    assert "the lowest score in the rule (1) must have minimum 0" in problem


def test_it_accepts_a_rule_that_skips_a_level():
    scale = parse_scale(VALID.replace("{5: 5, 4: 4, 3: 3, 2: 2, 1: 0}", "{5: 5, 4: 4, 3: 3, 1: 0}"))
    assert 2 not in (scale.item(1).rule.thresholds or {})


def test_it_rejects_a_stricter_criterion_pointing_at_a_missing_letter_or_itself():
    missing = VALID.replace("stricter_than: b", "stricter_than: z")
    (problem,) = problems_of(missing)
    assert problem == (
        f"scale.yaml:{line_of(missing, 'stricter_than: z')}: item 1: criterion 'c' is said to be "
        "stricter than criterion 'z', but this item has no criterion 'z' (its letters are "
        "a, b, c, d, e)"
    )
    itself = VALID.replace("stricter_than: b", "stricter_than: c")
    (problem,) = problems_of(itself)
    assert problem.endswith("item 1: criterion 'c' cannot be stricter than itself")


def test_it_rejects_stricter_criteria_that_go_round_in_a_circle():
    text = VALID.replace(
        "            sources: [CN]\n            routine_data:",
        "            sources: [CN]\n            stricter_than: c\n            routine_data:",
    )
    (problem,) = problems_of(text)
    assert "go round in a circle" in problem


@pytest.mark.parametrize(
    ("partial", "expected"),
    [
        ("{text: Some., credit: 1}", "'credit' must be more than 0 and less than 1"),
        ("{text: Some., credit: 0}", "'credit' must be more than 0 and less than 1"),
        ("{credit: 0.5}", "'partial': 'text' is missing"),
        ("{text: Some., credit: half}", "'credit' must be a number, but it is the text 'half'"),
        ("yes please", "should be a set of 'key: value' lines, but it is the text 'yes please'"),
    ],
)
def test_it_rejects_bad_partial_credit(partial, expected):
    text = VALID.replace("{text: Sometimes told., credit: 0.5}", partial)
    (problem,) = problems_of(text)
    assert problem.startswith(f"scale.yaml:{line_of(text, 'partial:')}: item 1: criterion 'e'")
    assert expected in problem


def test_it_rejects_a_criterion_that_is_both_all_sources_and_partial():
    text = VALID.replace(
        "            all_sources: true\n",
        "            all_sources: true\n            partial: {text: Two agree.}\n",
    )
    (problem,) = problems_of(text)
    assert "has both 'all_sources: true' and 'partial'" in problem


def test_it_rejects_anchors_missing_a_level():
    text = VALID.replace("            3: Offered to some.\n", "")
    (problem,) = problems_of(text)
    assert problem == (
        f"scale.yaml:{line_of(text, '1: None offered.')}: item 2: the anchors give no description "
        "for score 3; every level needs one"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("unit: percent", "unit: percentage", "unit 'percentage' is not known; use one of percent"),
        ('comparison: ">="', "comparison: at least", "comparison 'at least' is not known"),
        ("threshold: 50", "threshold: 150", "a percentage threshold must be between 0 and 100"),
        ("threshold: 50", 'threshold: "50"', "must be a number, but it is the text '50'; remove"),
        ("              threshold: 50\n", "", "'routine_data': 'threshold' is missing"),
    ],
)
def test_it_rejects_bad_routine_data(old, new, expected):
    text = VALID.replace(old, new)
    (problem,) = problems_of(text)
    assert "item 1: criterion 'b': 'routine_data'" in problem
    assert expected in problem


def test_it_reports_wrong_types_in_plain_words():
    text = VALID.replace("  - number: 2\n    title: Care", "  - number: two\n    title: Care")
    (problem,) = problems_of(text)
    assert problem == (
        f"scale.yaml:{line_of(text, 'number: two')}: section entry 2: 'number' must be a whole "
        "number, but it is the text 'two'"
    )
    text = VALID.replace('version: "1.0"', "version: 1.0")
    (problem,) = problems_of(text)
    assert (
        problem == "scale.yaml:4: scale: 'version' must be text; write it in quotes, "
        'for example version: "1.0"'
    )


def test_it_reports_missing_required_text():
    text = VALID.replace("        purpose: Crises happen at night.\n", "").replace(
        "title: Talking help", "title: ''"
    )
    empty_title = line_of(text, "title: ''")
    assert problems_of(text) == [
        f"scale.yaml:{line_of(text, '- number: 1', 2)}: item 1: 'purpose' is missing",
        f"scale.yaml:{empty_title}: item 2: 'title' is empty; it needs some text",
    ]


def test_it_rejects_duplicate_section_numbers_and_source_codes():
    text = VALID.replace(
        "  - number: 2\n    title: Care", "  - number: 1\n    title: Care"
    ).replace("{code: MG, name: Manager}", "{code: PW, name: Manager}")
    problems = problems_of(text)
    assert any("section number 1 is used twice" in p for p in problems)
    assert any("the source code 'PW' is used twice (first on line 14)" in p for p in problems)


def test_it_rejects_items_out_of_order():
    text = VALID.replace("      - number: 2\n", "      - number: 3\n")
    (problem,) = problems_of(text)
    assert "item numbers must run 1, 2, 3 ... in order" in problem


def test_it_rejects_levels_that_are_not_consecutive_or_bands_that_do_not_fit():
    text = VALID.replace("{value: 3, label: Partly}", "{value: 6, label: Partly}")
    problems = problems_of(text)
    assert any("levels must be consecutive whole numbers" in p for p in problems)
    bands = VALID.replace(
        "sources:\n",
        "bands:\n  - {key: low, label: Low, min: 2}\n  - {key: top, label: Top, min: 5, "
        "min_inclusive: false}\nsources:\n",
        1,
    )
    problems = problems_of(bands)
    assert any("the lowest band ('low') must start at the lowest level, 1" in p for p in problems)
    assert any("band 'top' can never be reached" in p for p in problems)


def test_it_reports_yaml_syntax_errors_with_their_line():
    text = VALID.replace("        title: Open all hours", "        title: Open: all hours")
    (problem,) = problems_of(text)
    assert problem.startswith(f"scale.yaml:{line_of(text, 'Open: all')}: this is not valid YAML")


def test_it_reports_an_empty_file_and_a_wrong_format():
    assert problems_of("") == ["scale.yaml:1: the file is empty"]
    text = VALID.replace("format: fidelis-scale/1", "format: fidelis-scale/2")
    assert problems_of(text) == [
        "scale.yaml:1: scale: 'format' must be exactly fidelis-scale/1, but it is the text "
        "'fidelis-scale/2'"
    ]


def test_it_rejects_a_key_given_twice():
    text = VALID.replace("slug: tiny\n", "slug: tiny\nslug: small\n")
    assert problems_of(text) == [
        "scale.yaml:3: scale: 'slug' appears twice (first on line 2); keep only one"
    ]


def test_it_rejects_an_unknown_rule_kind_and_keys_of_the_other_kind():
    text = VALID.replace("kind: count", "kind: cont")
    (problem,) = problems_of(text)
    assert problem.endswith("item 1: rule kind 'cont' is not known; use 'count' or 'anchors'")
    text = VALID.replace("kind: anchors", "kind: count")
    problems = problems_of(text)
    assert any("unknown key 'anchors'" in p for p in problems)
    assert any("needs either 'thresholds'" in p for p in problems)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ('mapping: {from_version: "0.9", items: {1: 1, 2: null}}', None),
        ('mapping: {from_version: "0.9", items: {1: 1}}', "every item must be listed"),
        ('mapping: {from_version: "0.9", items: {1: 1, 2: 2, 3: 3}}', "this scale has no item 3"),
        ('mapping: {from_version: "0.9", items: {1: 1, 2: new}}', "item 2 must map to an earlier"),
        ('mapping: {from_version: "1.0", items: {1: 1, 2: 2}}', "is this scale's own version"),
        ("mapping: {items: {1: 1, 2: 2}}", "mapping: 'from_version' is missing"),
    ],
)
def test_it_checks_the_mapping_to_an_earlier_version(mapping, expected):
    text = VALID + mapping + "\n"
    if expected is None:
        assert parse_scale(text).mapping.items == {1: 1, 2: None}
    else:
        (problem,) = problems_of(text)
        assert problem.startswith(f"scale.yaml:{len(text.splitlines())}: mapping")
        assert expected in problem


def test_round_trip_dump_then_parse_gives_an_equal_scale():
    scale = parse_scale(VALID + 'mapping: {from_version: "0.9", items: {1: 1, 2: null}}\n')
    assert parse_scale(dump_scale(scale)) == scale


def test_to_dict_survives_json_and_rebuilds_the_same_scale():
    scale = parse_scale(VALID + 'mapping: {from_version: "0.9", items: {1: 1, 2: null}}\n')
    assert Scale.from_dict(json.loads(json.dumps(scale.to_dict()))) == scale


@pytest.mark.skipif(not BUNDLED.exists(), reason="bundled scale not written yet")
def test_the_bundled_demonstration_scale_is_valid_and_round_trips():
    scale = load_scale_file(BUNDLED)
    assert scale.demonstration
    assert parse_scale(dump_scale(scale)) == scale
    assert Scale.from_dict(json.loads(json.dumps(scale.to_dict()))) == scale


def test_load_scale_file_names_the_file_in_problems(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(VALID.replace("licence: Test only.\n", ""), encoding="utf-8")
    with pytest.raises(ScaleFileError) as caught:
        load_scale_file(path)
    assert str(caught.value) == f"{path}:1: scale: 'licence' is missing"


TINY = parse_scale(VALID)

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300
).filter(lambda t: t.strip())


@settings(max_examples=200, deadline=None)
@given(title=texts, purpose=texts, criterion=texts)
def test_any_text_survives_the_round_trip(title, purpose, criterion):
    item = Item(
        number=1,
        title=title,
        purpose=purpose,
        criteria=(Criterion("a", criterion, ("CN",), partial=Partial(criterion, 0.25)),),
        rule=Rule("count", thresholds={5: 1, 1: 0}),
    )
    scale = Scale(
        slug="t",
        name=title,
        version=purpose,
        licence=criterion,
        levels=TINY.levels,
        sources=TINY.sources,
        sections=(Section(1, title, (item,), description=purpose),),
        description=textwrap.shorten(purpose, 50) if purpose.strip() else None,
    )
    assert parse_scale(dump_scale(scale)) == scale


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_damaged_file_gives_problems_never_a_crash(data):
    lines = VALID.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "garble", "dedent"]))
        if action == "drop":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "garble":
            lines[i] = lines[i].replace(
                data.draw(st.sampled_from(["a", "1", ":", "-", "{", "5", "b", "true"])),
                data.draw(st.sampled_from(["", "x", "2", "null", "[]", "'", "b"])),
                1,
            )
        else:
            lines[i] = lines[i][2:]
        if not lines:
            break
    text = "".join(lines)
    try:
        parse_scale(text, "scale.yaml")
    except ScaleFileError as error:
        assert error.problems
        for problem in error.problems:
            assert 1 <= problem.line <= max(len(lines), 1) + 1
            assert str(problem).startswith(f"scale.yaml:{problem.line}: ")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "scales.md"


def test_the_reference_documents_every_key():
    from fidelis.lib import scalefile

    docs = DOCS.read_text(encoding="utf-8")
    keys = {
        *scalefile._TOP_KEYS,
        *scalefile._SECTION_KEYS,
        *scalefile._ITEM_KEYS,
        *scalefile._CRITERION_KEYS,
        *scalefile._ROUTINE_KEYS,
        *("value", "label", "key", "min", "min_inclusive", "code", "name", "credit", "kind"),
        *("thresholds", "counts", "requires", "anchors", "from_version"),
        *("at_least", "otherwise", "criterion"),
        *scalefile.UNITS,
    }
    missing = sorted(key for key in keys if f"`{key}`" not in docs)
    assert not missing, f"docs/scales.md does not mention {missing}"


def test_the_documented_example_and_error_sample_are_current():
    docs = DOCS.read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert parse_scale(example, "night-access.yaml").slug == "night-access"
    damaged = (
        example.replace('version: "1.0"', "version: 1.0")
        .replace("all_sources: true", "all_source: true")
        .replace("stricter_than: b", "stricter_than: z")
        .replace("sources: [CN, MG]\n            partial", "sources: [CN, XX]\n            partial")
        .replace("credit: 0.5", "credit: 1")
        .replace("{5: 5, 4: 4", "{5: 6, 4: 4")
    )
    sample = docs.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert problems_of(damaged, "night-access.yaml") == sample
