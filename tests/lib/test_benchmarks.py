import numpy as np
import pytest

from fidelis.lib.benchmarks import (
    LOWEST_QUARTER,
    MIDDLE_HALF,
    TOP_QUARTER,
    Distribution,
    criteria_changes,
    distribution,
    place,
    quantile,
    supportive_summary,
)

# Motor Trend cars, miles per gallon (R's `mtcars$mpg`): summary() gives
# Min 10.40, 1st Qu. 15.43 (15.425), Median 19.20, 3rd Qu. 22.80, Max 33.90.
MTCARS_MPG = [
    21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2,
    10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26.0, 30.4,
    15.8, 19.7, 15.0, 21.4,
]  # fmt: skip


def test_quartiles_match_rs_published_summary_of_mtcars():
    spread = distribution(MTCARS_MPG)
    assert spread.n == 32
    assert spread.minimum == pytest.approx(10.4)
    assert spread.q1 == pytest.approx(15.425)
    assert spread.median == pytest.approx(19.2)
    assert spread.q3 == pytest.approx(22.8)
    assert spread.maximum == pytest.approx(33.9)


def test_quartiles_of_one_to_ten_are_the_textbook_type_7_values():
    spread = distribution(range(1, 11))
    assert (spread.q1, spread.median, spread.q3) == (3.25, 5.5, 7.75)


@pytest.mark.parametrize("seed", range(5))
def test_quantiles_agree_with_numpy(seed):
    values = np.random.default_rng(seed).integers(28, 140, size=37).tolist()
    ordered = sorted(values)
    for p in (0, 0.1, 0.25, 0.5, 0.75, 0.9, 1):
        assert quantile(ordered, p) == pytest.approx(np.percentile(values, p * 100))


def test_missing_values_are_left_out_and_none_left_means_no_distribution():
    assert distribution([None, 3, None, 5]).median == 4
    assert distribution([None]) is None
    with pytest.raises(ValueError):
        quantile([], 0.5)


def test_a_distribution_survives_storage():
    spread = distribution([1, 2, 3, 4])
    assert Distribution.from_dict(spread.to_dict()) == spread


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2.0, LOWEST_QUARTER), (3.25, MIDDLE_HALF), (5.5, MIDDLE_HALF), (7.75, MIDDLE_HALF),
     (8.0, TOP_QUARTER), (None, None)],
)  # fmt: skip
def test_a_value_is_placed_by_the_quartiles(value, expected):
    assert place(value, distribution(range(1, 11))) == expected


def test_criteria_newly_met_and_lost_between_reviews():
    before = {"a": "met", "b": "not_met", "c": "partial", "d": "met"}
    after = {"a": "met", "b": "met", "c": "met", "d": "not_met"}
    assert criteria_changes(before, after) == (("b", "c"), ("d",))


def test_the_summary_leads_with_what_goes_well_and_never_ranks():
    sentences = supportive_summary(
        sections_above_median=3, n_sections=4, items_up=6, items_down=1,
        since="baseline", items_top_quarter=2,
    )  # fmt: skip
    assert sentences[0] == "Above the programme median in 3 of 4 sections."
    assert "6 items moved up since baseline." in sentences
    assert "2 items in the top quarter of the programme." in sentences
    assert not any("rank" in s or "worst" in s or "bottom" in s for s in sentences)
    none_above = supportive_summary(
        sections_above_median=0, n_sections=4, items_up=None, items_down=None,
        since=None, items_top_quarter=0,
    )  # fmt: skip
    assert none_above[0].startswith("Each section has room to grow")
