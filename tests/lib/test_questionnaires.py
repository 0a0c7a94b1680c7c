"""Summed questionnaires: the CSQ-8's published range (eight items scored 1 to 4, totals
8 to 32), and returns that cannot count refused with the item named."""

import pytest

from fidelis.lib.questionnaires import CSQ8, Questionnaire, mean_total


def test_the_csq8_totals_run_from_8_to_32():
    assert (CSQ8.lowest_total, CSQ8.highest_total) == (8, 32)
    assert CSQ8.total([1] * 8) == 8
    assert CSQ8.total([4] * 8) == 32
    assert CSQ8.total([3, 4, 3, 3, 2, 4, 3, 4]) == 26
    assert CSQ8.total(["3", "4", "3.0", 3, 2, 4, 3, 4]) == 26


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([3] * 7, "7 answers given, 8 needed"),
        ([3, 3, "", 3, 3, 3, 3, 3], "item 3 is not answered"),
        ([3, 3, 3, 5, 3, 3, 3, 3], "item 4: 5 is not a whole number from 1 to 4"),
        ([3, 3, 3, 3, 0, 3, 3, 3], "item 5: 0 is not a whole number from 1 to 4"),
        ([3, 3, 3, 3, 3, 2.5, 3, 3], "item 6: 2.5 is not a whole number from 1 to 4"),
        ([3, 3, 3, 3, 3, 3, "yes", 3], "item 7: 'yes' is not a number"),
    ],
)
def test_a_return_that_cannot_count_names_its_item(answers, message):
    with pytest.raises(ValueError, match=message):
        CSQ8.total(answers)


def test_a_months_value_is_the_mean_of_its_returns():
    assert mean_total([26, 30, 20]) == pytest.approx(76 / 3)
    assert mean_total([32]) == 32
    with pytest.raises(ValueError):
        mean_total([])
    assert Questionnaire(items=2, low=0, high=10).total([0, 10]) == 10
