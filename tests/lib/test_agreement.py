"""Tests for fidelis.lib.agreement against published reference values.

References:

* Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
  reliability. Psychological Bulletin 86(2), 420-428. Table 2 data and Table 4 estimates.
* Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
  Communication, University of Pennsylvania. Section C example (4 observers, 12 units).
* Confidence intervals for the Shrout & Fleiss data as printed by R's psych::ICC (the paper
  reports only some of them).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Hashable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fidelis.lib.agreement import (
    ICC_FORMS,
    AgreementInputError,
    Rating,
    icc,
    icc_confidence_intervals,
    interpret_alpha,
    interpret_icc,
    krippendorff_alpha,
    pairwise_agreement,
    ratings_matrix,
    read_long_csv,
    summarise,
)

DATA = Path(__file__).parent / "data"

# Shrout & Fleiss (1979) Table 2: 6 targets (rows) rated by 4 judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
SHROUT_FLEISS_ICC = {
    "ICC1": 0.17,
    "ICC2": 0.29,
    "ICC3": 0.71,
    "ICC1k": 0.44,
    "ICC2k": 0.62,
    "ICC3k": 0.91,
}
# psych::ICC(SHROUT_FLEISS), alpha = .05, lower and upper bounds to two decimals.
SHROUT_FLEISS_CI = {
    "ICC1": (-0.13, 0.72),
    "ICC2": (0.02, 0.76),
    "ICC3": (0.34, 0.95),
    "ICC1k": (-0.88, 0.91),
    "ICC2k": (0.07, 0.93),
    "ICC3k": (0.68, 0.99),
}

# Krippendorff (2011) reliability data: one row per observer (A-D), one column per unit (1-12).
_ = None
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
KRIPPENDORFF_2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849}


def long_ratings(matrix: list[list[float | None]]) -> list[Rating]:
    """Long-format ratings from a units x raters matrix (units U1.., raters R1..)."""
    return [
        Rating(f"U{i}", f"R{j}", score)
        for i, row in enumerate(matrix, start=1)
        for j, score in enumerate(row, start=1)
    ]


def transpose(rows: list[list[float | None]]) -> list[list[float | None]]:
    """Swap rows and columns (observers x units <-> units x observers)."""
    return [list(column) for column in zip(*rows, strict=True)]


def same(a: float | None, b: float | None) -> bool:
    """Equal up to floating-point noise, with None equal only to None."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# --------------------------------------------------------------------------------------------
# ICC
# --------------------------------------------------------------------------------------------


def test_icc_reproduces_shrout_and_fleiss_table_4() -> None:
    result = icc(SHROUT_FLEISS)
    assert list(result) == list(ICC_FORMS)
    assert {form: round(value, 2) for form, value in result.items()} == SHROUT_FLEISS_ICC


def test_icc_confidence_intervals_match_psych_for_shrout_and_fleiss_data() -> None:
    intervals = icc_confidence_intervals(SHROUT_FLEISS)
    assert list(intervals) == list(ICC_FORMS)
    for form, (lower, upper) in SHROUT_FLEISS_CI.items():
        got = intervals[form]
        assert got is not None
        assert (round(got[0], 2), round(got[1], 2)) == (lower, upper), form


def test_icc_confidence_intervals_contain_the_point_estimate() -> None:
    estimates = icc(SHROUT_FLEISS)
    for form, interval in icc_confidence_intervals(SHROUT_FLEISS).items():
        assert interval is not None
        assert interval[0] < estimates[form] < interval[1]


def test_icc_uses_only_units_rated_by_every_rater() -> None:
    with_gaps = [*SHROUT_FLEISS, [None, 3, 3, 3], [5, None, None, 1]]
    assert icc(with_gaps) == icc(SHROUT_FLEISS)


def test_icc_treats_nan_like_none() -> None:
    assert icc([[1.0, float("nan")], [2, 3], [4, 4]]) == icc([[1, None], [2, 3], [4, 4]])


def test_icc_is_none_for_every_form_with_a_single_rater() -> None:
    assert icc([[1], [2], [3]]) == dict.fromkeys(ICC_FORMS)


def test_icc_is_none_for_every_form_with_a_single_complete_unit() -> None:
    assert icc([[1, 2], [3, None]]) == dict.fromkeys(ICC_FORMS)


def test_icc_is_none_when_every_score_is_the_same() -> None:
    assert icc([[3, 3], [3, 3], [3, 3]]) == dict.fromkeys(ICC_FORMS)


def test_icc_is_one_for_perfect_agreement_and_intervals_are_then_undefined() -> None:
    matrix = [[1, 1, 1], [2, 2, 2], [4, 4, 4]]
    assert icc(matrix) == dict.fromkeys(ICC_FORMS, 1.0)
    assert icc_confidence_intervals(matrix) == dict.fromkeys(ICC_FORMS)


def test_icc_consistency_forms_ignore_a_constant_rater_offset_but_agreement_forms_do_not() -> None:
    # Rater 2 always scores one point higher: perfectly consistent, not in absolute agreement.
    result = icc([[1, 2], [2, 3], [4, 5], [3, 4]])
    assert result["ICC3"] == pytest.approx(1.0)
    assert result["ICC2"] is not None and result["ICC2"] < 1.0
    assert result["ICC1"] is not None and result["ICC1"] < 1.0


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "expected"), KRIPPENDORFF_2011_ALPHA.items())
def test_alpha_reproduces_krippendorff_2011_example_with_missing_values(
    level: str, expected: float
) -> None:
    # Published to three decimals, so compare at that precision (stricter than two).
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("level", KRIPPENDORFF_2011_ALPHA)
def test_alpha_is_the_same_from_a_unit_mapping_as_from_reliability_data(level: str) -> None:
    units = dict(enumerate(transpose(KRIPPENDORFF_2011)))
    assert krippendorff_alpha(units, level) == krippendorff_alpha(KRIPPENDORFF_2011, level)


@pytest.mark.parametrize(("level", "expected"), [("nominal", 0.691358), ("interval", 0.810845)])
def test_alpha_matches_the_krippendorff_package_on_its_three_coder_example(
    level: str, expected: float
) -> None:
    # Cross-check against the test suite of the `krippendorff` PyPI package (fast-krippendorff).
    nan = float("nan")
    data = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=5e-7)


@pytest.mark.parametrize("level", KRIPPENDORFF_2011_ALPHA)
def test_alpha_on_a_hand_computed_two_value_example_is_four_ninths(level: str) -> None:
    # Units (1,1), (2,2), (1,2): o11 = o22 = 2, o12 = o21 = 1, n1 = n2 = 3, n = 6, so
    # alpha = 1 - (n - 1) * 2 / (2 * n1 * n2) = 1 - 10/18. With two values every metric is a
    # rescaling of the nominal one, so all levels agree.
    units = {"a": [1, 1], "b": [2, 2], "c": [1, 2]}
    assert krippendorff_alpha(units, level) == pytest.approx(4 / 9)


def test_alpha_drops_units_with_a_single_value() -> None:
    units = {"a": [1, 1], "b": [2, 2], "c": [1, 2]}
    with_singletons = {**units, "d": [5], "e": [None, 3], "f": []}
    assert krippendorff_alpha(with_singletons, "interval") == krippendorff_alpha(units, "interval")


def test_ordinal_alpha_ignores_the_numeric_spacing_of_the_scale_points() -> None:
    units = {"a": [1, 1], "b": [2, 3], "c": [3, 3], "d": [1, 2]}
    stretched = {unit: [{1: 1, 2: 20, 3: 300}[v] for v in values] for unit, values in units.items()}
    assert krippendorff_alpha(stretched, "ordinal") == pytest.approx(
        krippendorff_alpha(units, "ordinal")
    )
    assert krippendorff_alpha(stretched, "interval") != pytest.approx(
        krippendorff_alpha(units, "interval")
    )


def test_alpha_accepts_text_labels_at_the_nominal_level() -> None:
    units = {"a": ["yes", "yes"], "b": ["no", "no"], "c": ["yes", "no"]}
    assert krippendorff_alpha(units, "nominal") == pytest.approx(4 / 9)


def test_alpha_is_none_without_pairable_values() -> None:
    assert krippendorff_alpha({"a": [1], "b": [2, None]}) is None
    assert krippendorff_alpha([]) is None


def test_alpha_is_none_when_every_value_is_the_same() -> None:
    assert krippendorff_alpha({"a": [3, 3], "b": [3, 3, 3]}, "interval") is None


def test_alpha_rejects_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha({"a": [1, 2]}, "ratio")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Pairwise agreement
# --------------------------------------------------------------------------------------------


def test_pairwise_agreement_counts_every_rater_pair_within_a_unit() -> None:
    ratings = [
        # Unit A: pairs (1,1) exact; (1,2) and (1,2) adjacent.
        ("A", "R1", 1),
        ("A", "R2", 1),
        ("A", "R3", 2),
        # Unit B: pair (3,5) neither.
        ("B", "R1", 3),
        ("B", "R2", 5),
        # Unit C: one score and one missing, so no pair.
        ("C", "R1", 4),
        ("C", "R2", None),
    ]
    assert pairwise_agreement(ratings) == (1 / 4, 3 / 4)


def test_pairwise_agreement_is_not_fooled_by_floating_point_representation() -> None:
    assert pairwise_agreement([("A", "R1", 2.1), ("A", "R2", 1.1)]) == (0.0, 1.0)


def test_pairwise_agreement_is_none_without_pairs() -> None:
    assert pairwise_agreement([("A", "R1", 1), ("B", "R1", 2), ("B", "R2", None)]) == (None, None)
    assert pairwise_agreement([]) == (None, None)


def test_pairwise_agreement_rejects_a_rater_scoring_a_unit_twice() -> None:
    with pytest.raises(AgreementInputError, match="rater 'R1' rated unit 'A' twice"):
        pairwise_agreement([("A", "R1", 1), ("A", "R1", 2)])


# --------------------------------------------------------------------------------------------
# Interpretation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (-0.2, "poor"),
        (0.49, "poor"),
        (0.5, "moderate"),
        (0.74, "moderate"),
        (0.75, "good"),
        (0.9, "good"),
        (0.91, "excellent"),
        (None, "not estimable"),
    ],
)
def test_interpret_icc_uses_koo_and_li_bands(value: float | None, label: str) -> None:
    assert interpret_icc(value) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0.95, "reliable"),
        (0.8, "reliable"),
        (0.799, "tentative"),
        (0.667, "tentative"),
        (0.666, "unreliable"),
        (-0.1, "unreliable"),
        (None, "not estimable"),
    ],
)
def test_interpret_alpha_uses_krippendorffs_thresholds(value: float | None, label: str) -> None:
    assert interpret_alpha(value) == label


# --------------------------------------------------------------------------------------------
# summarise
# --------------------------------------------------------------------------------------------


def test_summarise_has_exactly_the_documented_json_shape() -> None:
    summary = summarise(long_ratings(SHROUT_FLEISS))
    assert list(summary) == [
        "n_units",
        "n_raters",
        "icc",
        "alpha",
        "exact_agreement",
        "adjacent_agreement",
    ]
    assert list(summary["icc"]) == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    assert list(summary["alpha"]) == ["nominal", "ordinal", "interval"]
    assert json.loads(json.dumps(summary)) == summary


def test_summarise_rounds_to_four_decimals() -> None:
    summary = summarise(long_ratings(SHROUT_FLEISS))
    assert summary["n_units"] == 6
    assert summary["n_raters"] == 4
    assert summary["icc"] == {
        "ICC1": 0.1657,
        "ICC2": 0.2898,
        "ICC3": 0.7148,
        "ICC1k": 0.4428,
        "ICC2k": 0.6201,
        "ICC3k": 0.9093,
    }
    for value in [*summary["alpha"].values(), summary["exact_agreement"]]:
        assert value == round(value, 4)


def test_summarise_counts_only_units_and_raters_with_a_score() -> None:
    ratings = [
        ("U1", "R1", 1),
        ("U1", "R2", 2),
        ("U2", "R1", 2),
        ("U2", "R2", None),
        ("U3", "R3", None),  # neither U3 nor R3 has a score
    ]
    summary = summarise(ratings)
    assert (summary["n_units"], summary["n_raters"]) == (2, 2)
    assert summary["exact_agreement"] == 0.0
    assert summary["adjacent_agreement"] == 1.0


def test_summarise_of_a_single_rater_gives_nulls_not_a_crash() -> None:
    summary = summarise([("U1", "R1", 1), ("U2", "R1", 2), ("U3", "R1", 3)])
    assert (summary["n_units"], summary["n_raters"]) == (3, 1)
    assert summary["icc"] == dict.fromkeys(ICC_FORMS)
    assert summary["alpha"] == {"nominal": None, "ordinal": None, "interval": None}
    assert summary["exact_agreement"] is None
    assert summary["adjacent_agreement"] is None
    assert '"ICC1": null' in json.dumps(summary)


def test_summarise_of_a_single_unit_gives_nulls_for_icc_but_still_counts_pairs() -> None:
    summary = summarise([("U1", "R1", 2), ("U1", "R2", 3), ("U1", "R3", 2)])
    assert (summary["n_units"], summary["n_raters"]) == (1, 3)
    assert summary["icc"] == dict.fromkeys(ICC_FORMS)
    assert summary["exact_agreement"] == pytest.approx(1 / 3, abs=5e-5)
    assert summary["adjacent_agreement"] == 1.0


def test_summarise_of_no_ratings_gives_zero_counts_and_nulls() -> None:
    summary = summarise([])
    assert (summary["n_units"], summary["n_raters"]) == (0, 0)
    assert summary["icc"] == dict.fromkeys(ICC_FORMS)
    assert summary["exact_agreement"] is None


@pytest.mark.parametrize(
    ("score", "message"),
    [("abc", "score 'abc' is not a number"), (math.inf, "score inf is not a finite number")],
)
def test_summarise_rejects_scores_that_are_not_finite_numbers(score: object, message: str) -> None:
    with pytest.raises(AgreementInputError) as caught:
        summarise([("U1", "R1", 1), ("U1", "R2", score)])
    assert str(caught.value) == message


def test_summarise_of_the_krippendorff_example_reproduces_published_alphas() -> None:
    summary = summarise(read_long_csv((DATA / "krippendorff_2011.csv").read_text()))
    assert (summary["n_units"], summary["n_raters"]) == (12, 4)
    for level, expected in KRIPPENDORFF_2011_ALPHA.items():
        assert summary["alpha"][level] == pytest.approx(expected, abs=5e-4)


def test_summarise_of_the_shrout_and_fleiss_csv_reproduces_the_published_iccs() -> None:
    with (DATA / "shrout_fleiss.csv").open() as handle:
        summary = summarise(read_long_csv(handle))
    assert (summary["n_units"], summary["n_raters"]) == (6, 4)
    assert {form: round(value, 2) for form, value in summary["icc"].items()} == SHROUT_FLEISS_ICC


# --------------------------------------------------------------------------------------------
# CSV reading
# --------------------------------------------------------------------------------------------


def test_read_long_csv_accepts_any_column_order_case_spacing_and_extra_columns() -> None:
    text = " Score ,NOTES,Rater,unit\n3,fine,R1,U1\n,absent,R2,U1\n4.5,,R1, U2 \n"
    assert read_long_csv(text) == [
        Rating("U1", "R1", 3.0),
        Rating("U1", "R2", None),
        Rating("U2", "R1", 4.5),
    ]


def test_read_long_csv_treats_a_missing_trailing_score_cell_as_a_missing_rating() -> None:
    assert read_long_csv("unit,rater,score\nU1,R1,2\nU1,R2\n") == [
        Rating("U1", "R1", 2.0),
        Rating("U1", "R2", None),
    ]


def test_read_long_csv_skips_blank_lines_and_a_byte_order_mark() -> None:
    text = "\n\ufeffunit,rater,score\n\nU1,R1,1\n,,\nU1,R2,2\n"
    assert [r.score for r in read_long_csv(text)] == [1.0, 2.0]


def test_read_long_csv_reads_bytes_and_open_files() -> None:
    text = "unit,rater,score\nU1,R1,1\n"
    assert read_long_csv(text.encode("utf-8-sig")) == read_long_csv(io.StringIO(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: file is empty; expected a header row with columns unit, rater, score"),
        ("\n\n", "line 1: file is empty; expected a header row with columns unit, rater, score"),
        ("unit,score\nU1,3\n", "line 1: missing column 'rater' (found: unit, score)"),
        (
            "\nUnit,Reviewer\nU1,R1\n",
            "line 2: missing columns 'rater', 'score' (found: Unit, Reviewer)",
        ),
        ("unit,rater,score,Unit\n", "line 1: duplicate column 'unit'"),
        ("unit,rater,score\n", "line 1: no ratings found below the header"),
        (
            "unit,rater,score\nU1,R1,\nU1,R2,\n",
            "line 1: no ratings found: every one of the 2 rows has a blank score",
        ),
        (
            "unit,rater,score\nU1,R1,1\nU1,R2,2\nU2,R1,1\nU2\n",
            "line 5: expected 3 fields, found 1",
        ),
        ("unit,rater,score\nU1,R1,3,5\n", "line 2: expected 3 fields, found 4"),
        (
            "unit,rater,score\nU1,R1,1\nU1,R2,2\nU2,R1,1\nU2,R2,2\nU3,R1,2\nU3,R2,abc\n",
            "line 7: score 'abc' is not a number",
        ),
        ("unit,rater,score\nU1,R1,inf\n", "line 2: score 'inf' is not a finite number"),
        ("unit,rater,score\n,R1,1\n", "line 2: unit is blank"),
        ("unit,rater,score\nU1, ,1\n", "line 2: rater is blank"),
        (
            "unit,rater,score\nU1,R2,1\nU1,R1,2\nU1,R2,\n",
            "line 4: rater 'R2' rated unit 'U1' twice (first on line 2)",
        ),
        (
            'unit,rater,score\nU1,R1,1\n"U\n2",R1,2\nU2,R1,abc\n',
            "line 5: score 'abc' is not a number",
        ),
    ],
)
def test_read_long_csv_reports_each_problem_with_its_line_number(text: str, message: str) -> None:
    with pytest.raises(AgreementInputError) as caught:
        read_long_csv(text)
    assert str(caught.value) == message


def test_agreement_input_error_keeps_the_line_number_separately() -> None:
    with pytest.raises(AgreementInputError) as caught:
        read_long_csv("unit,rater,score\nU1,R1,x\n")
    assert caught.value.line == 2
    assert caught.value.message == "score 'x' is not a number"
    assert isinstance(caught.value, ValueError)


def test_reference_csv_files_hold_the_published_data() -> None:
    _, _, matrix = ratings_matrix(read_long_csv((DATA / "shrout_fleiss.csv").read_text()))
    assert matrix.tolist() == SHROUT_FLEISS
    units, raters, matrix = ratings_matrix(
        read_long_csv((DATA / "krippendorff_2011.csv").read_text())
    )
    assert units == [str(u) for u in range(1, 13)]
    # Observer C's first score is on unit 2, so columns come out in first-seen order A, B, D, C.
    columns = [raters.index(name) for name in "ABCD"]
    expected = np.array(transpose(KRIPPENDORFF_2011), dtype=float)
    np.testing.assert_array_equal(matrix[:, columns], expected)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

scores = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@st.composite
def rated_matrices(draw: st.DrawFn) -> tuple[list[list[int | None]], list[int]]:
    """A units x raters matrix of 1-5 scores (some missing) and a permutation of its raters."""
    n_units = draw(st.integers(min_value=1, max_value=8))
    n_raters = draw(st.integers(min_value=1, max_value=5))
    matrix = draw(
        st.lists(
            st.lists(scores, min_size=n_raters, max_size=n_raters),
            min_size=n_units,
            max_size=n_units,
        )
    )
    order = draw(st.permutations(range(n_raters)))
    return matrix, order


def relabelled(
    matrix: list[list[int | None]], order: list[int]
) -> list[tuple[Hashable, Hashable, int | None]]:
    """Long ratings with raters renamed and reordered according to ``order``."""
    return [
        (f"unit {i}", f"reviewer {order[j]}", row[order[j]])
        for i, row in enumerate(matrix)
        for j in reversed(range(len(row)))
    ]


@given(rated_matrices())
def test_alpha_and_icc_are_unchanged_when_raters_are_relabelled_and_reordered(
    case: tuple[list[list[int | None]], list[int]],
) -> None:
    matrix, order = case
    permuted = [[row[j] for j in order] for row in matrix]
    for form, value in icc(matrix).items():
        assert same(value, icc(permuted)[form])
    observers = transpose(matrix)
    for level in KRIPPENDORFF_2011_ALPHA:
        assert same(
            krippendorff_alpha(observers, level), krippendorff_alpha(transpose(permuted), level)
        )
    # Through the long format too; rounding to 4 decimals can flip the last digit on
    # floating-point noise, hence the tolerance.
    original, renamed = summarise(long_ratings(matrix)), summarise(relabelled(matrix, order))
    assert (renamed["n_units"], renamed["n_raters"]) == (original["n_units"], original["n_raters"])
    for group in ("icc", "alpha"):
        for key, value in original[group].items():
            other = renamed[group][key]
            assert (value is None) == (other is None)
            assert value is None or other == pytest.approx(value, abs=1.5e-4)
    assert renamed["exact_agreement"] == original["exact_agreement"]
    assert renamed["adjacent_agreement"] == original["adjacent_agreement"]


@given(
    st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=10).filter(
        lambda truths: len(set(truths)) > 1
    ),
    st.integers(min_value=2, max_value=5),
)
def test_perfect_agreement_gives_alpha_one_at_every_level(truths: list[int], n_raters: int) -> None:
    observers = [list(truths) for _ in range(n_raters)]
    for level in KRIPPENDORFF_2011_ALPHA:
        assert krippendorff_alpha(observers, level) == pytest.approx(1.0)
    assert icc(transpose(observers)) == pytest.approx(dict.fromkeys(ICC_FORMS, 1.0))
