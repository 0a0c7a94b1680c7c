"""Staff time in a plan: hours spread over months and the monthly warning."""

import datetime
from decimal import Decimal

from fidelis.lib.plans import Work, hours_by_month, months_between, over_threshold

D = datetime.date


def test_months_between_includes_both_ends_and_crosses_years():
    assert months_between(D(2026, 11, 20), D(2027, 2, 3)) == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
        D(2027, 2, 1),
    ]
    assert months_between(D(2026, 5, 31), D(2026, 5, 1)) == [D(2026, 5, 1)]
    # Due before it starts: the hours fall in the due month.
    assert months_between(D(2026, 6, 1), D(2026, 4, 10)) == [D(2026, 4, 1)]


def test_hours_are_spread_evenly_and_add_up_to_the_estimate():
    hours = hours_by_month(
        [
            Work(owner=1, starts_on=D(2026, 1, 15), due_on=D(2026, 3, 10), hours=Decimal("10")),
            Work(owner=1, starts_on=D(2026, 3, 1), due_on=D(2026, 3, 31), hours=Decimal("4")),
            Work(owner=2, starts_on=D(2026, 1, 1), due_on=D(2026, 1, 31), hours=Decimal("2.5")),
        ]
    )
    assert hours[1] == {
        D(2026, 1, 1): Decimal("3.3"),
        D(2026, 2, 1): Decimal("3.3"),
        D(2026, 3, 1): Decimal("3.4") + Decimal("4"),
    }
    assert sum(hours[1].values()) == Decimal("14")
    assert hours[2] == {D(2026, 1, 1): Decimal("2.5")}


def test_a_month_over_the_threshold_is_named_and_one_at_it_is_not():
    hours = {
        1: {D(2026, 3, 1): Decimal("8.1"), D(2026, 2, 1): Decimal("8")},
        2: {D(2026, 1, 1): Decimal("12")},
    }
    assert over_threshold(hours, Decimal("8")) == [
        (2, D(2026, 1, 1), Decimal("12")),
        (1, D(2026, 3, 1), Decimal("8.1")),
    ]
