"""XmR charts: NHSRplotthedots 0.2's own test vectors, then each rule at its threshold."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from fidelis.lib.spc import (
    LIMIT_FACTOR,
    MIN_FIX_AFTER,
    NEAR_LIMIT_FACTOR,
    OUTLIER_FACTOR,
    SHORT_GROUP_THRESHOLD,
    assurance,
    parse_period,
    point_type,
    read_series_csv,
    shift_ends,
    special_causes,
    trend_ends,
    two_in_three_windows,
    variation,
    within_runs,
    xmr_chart,
)

# R's `set.seed(123); rnorm(24)`, which the package's tests use (the first 20 are its
# `rnorm(20)` series), then the `rnorm(12, 5)` and `rnorm(12, -5)` drawn after them.
RNORM_123 = [
    -0.5604756465522126, -0.23017748948327996, 1.558708314149124, 0.070508391424576,
    0.12928773516094624, 1.715064986883281, 0.4609162059892023, -1.265061234606534,
    -0.6868528518935261, -0.44566197009995806, 1.2240817974394615, 0.3598138270573638,
    0.40077145059405217, 0.1106827159451197, -0.5558411347540749, 1.7869131368030782,
    0.4978504782292394, -1.9666171566296382, 0.7013559015636855, -0.47279140772793404,
    -1.0678237059868452, -0.21797491465829513, -1.0260044483072397, -0.7288912292911403,
]  # fmt: skip
RNORM_NEXT_MEAN_5 = [
    4.374960732150743, 3.313306689257587, 5.837787044494525, 5.153373117836515,
    3.8618630629880526, 6.253814921069926, 5.426464221476814, 4.704928517007729,
    5.8951256610450224, 5.878133487533042, 5.821581081637487, 5.688640254100091,
]  # fmt: skip
RNORM_THEN_MEAN_MINUS_5 = [
    -4.446082346462411, -5.061911710576721, -5.305962663739916, -5.380471001012383,
    -5.694706978920513, -5.207917278019599, -6.265396351568264, -2.8310440346614874,
    -3.7920380016950093, -6.123108583203349, -5.402884835299076, -5.466655353623219,
]  # fmt: skip

# Twelve points whose mean is 0 and whose every moving range is 1: fixed after them, the
# limits are exactly ±2.66 and the near limits exactly ±1.7733…, and no rule fires in them.
BASELINE = [0.5, -0.5] * 6


def days(n: int) -> list[dt.date]:
    """`as.Date("2020-01-01") + 1:n`, the package tests' dates."""
    return [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(1, n + 1)]


def series(values, periods=None):
    return list(zip(periods or days(len(values)), values, strict=True))


def after_baseline(tail, **options):
    """The chart of BASELINE then ``tail``, with the limits fixed on BASELINE."""
    return xmr_chart(series(BASELINE + list(tail)), fix_after=12, **options)


def tail_of(chart):
    return chart.points[len(BASELINE) :]


# -- Constants --------------------------------------------------------------------------


def test_the_constants_are_the_packages():
    assert LIMIT_FACTOR == 2.66
    assert NEAR_LIMIT_FACTOR == 2 * (2.66 / 3)
    assert round(NEAR_LIMIT_FACTOR, 4) == 1.7733
    assert OUTLIER_FACTOR == 3.267
    assert MIN_FIX_AFTER == 12
    assert SHORT_GROUP_THRESHOLD == 13


# -- Upstream: tests/testthat/test-ptd_calculate_point_type.R ------------------------------


def test_shift_ends_match_upstream_seven_point_one_side_mean():
    assert shift_ends([]) == []
    assert shift_ends([1] * 6) == [False] * 6
    assert shift_ends([1] * 6 + [-1]) == [False] * 7
    assert shift_ends([1] * 8 + [-1]) == [False] * 6 + [True, True, False]
    assert shift_ends([-1] * 8 + [1]) == [False] * 6 + [True, True, False]


def test_within_runs_matches_upstream_part_of_seven_trend():
    assert within_runs([]) == []
    assert within_runs([0] * 6) == [False] * 6
    assert within_runs([0] * 6 + [1, 0]) == [True] * 7 + [False]
    assert within_runs([0] * 7 + [1, 0]) == [False] + [True] * 7 + [False]
    assert within_runs([0] * 6 + [-1, 0]) == [True] * 7 + [False]
    assert within_runs([0] * 7 + [-1, 0]) == [False] + [True] * 7 + [False]


def test_trend_ends_match_upstream_seven_point_trend():
    assert trend_ends([]) == []
    assert trend_ends([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert trend_ends([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert trend_ends([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert trend_ends([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert trend_ends([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert trend_ends([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]


def flags(*bits):
    return [bool(b) for b in bits]


def test_two_in_three_windows_match_upstream_two_in_three():
    assert two_in_three_windows([], []) == []
    assert two_in_three_windows(flags(0, 0, 0), [0, 0, 0]) == flags(0, 0, 0)
    for near in (flags(1, 0, 1), flags(0, 1, 1), flags(1, 1, 0)):
        assert two_in_three_windows(near, [1, 1, 1]) == flags(1, 1, 1)
    assert two_in_three_windows(flags(0, 0, 1, 0, 1, 0, 0), [1] * 7) == flags(0, 0, 1, 1, 1, 0, 0)
    assert two_in_three_windows(flags(0, 0, 1, 1, 0, 0, 0), [1] * 7) == flags(0, 1, 1, 1, 1, 0, 0)


def test_two_in_three_windows_need_all_three_points_on_one_side_as_upstream():
    for near in (flags(1, 0, 1), flags(0, 1, 1), flags(1, 1, 0)):
        assert two_in_three_windows(near, [1, -1, 1]) == flags(0, 0, 0)
    alternating = [1, -1, 1, -1, 1, -1, 1]
    assert two_in_three_windows(flags(0, 0, 1, 0, 1, 0, 0), alternating) == [False] * 7
    other_way = [-1, 1, -1, 1, -1, 1, -1]
    assert two_in_three_windows(flags(0, 0, 1, 1, 0, 0, 0), other_way) == [False] * 7


@pytest.mark.parametrize(
    ("near", "expected"),
    [
        (flags(1, 0, 1), flags(1, 0, 1)),
        (flags(0, 1, 1), flags(0, 1, 1)),
        (flags(1, 1, 0), flags(1, 1, 0)),
        (flags(0, 0, 1, 0, 1, 0, 0), flags(0, 0, 1, 0, 1, 0, 0)),
        (flags(0, 0, 1, 1, 0, 0, 0), flags(0, 0, 1, 1, 0, 0, 0)),
        (flags(1, 0, 0, 1), flags(0, 0, 0, 0)),
        (flags(1, 0, 0, 1, 1), flags(0, 0, 0, 1, 1)),
    ],
)
def test_only_near_points_in_a_window_take_part_as_upstream_part_of_two_in_three(near, expected):
    windows = two_in_three_windows(near, [1] * len(near))
    assert [w and c for w, c in zip(windows, near, strict=True)] == expected


def test_the_rules_win_in_the_packages_order_as_upstream_special_cause_type():
    result = special_causes(
        values=[1, 2, 3, 4, 5, 6, 7, 8],
        sides=[1, 1, 1, 1, -1, -1, -1, -1],
        outside=flags(0, 0, 0, 0, 0, 1, 1, 0),
        in_trend=flags(1, 1, 0, 0, 0, 0, 0, 0),
        in_two_in_three=flags(0, 0, 0, 0, 1, 0, 0, 0),
        in_shift=flags(0, 0, 1, 1, 0, 0, 0, 0),
    )
    assert result == [
        ("trend", 1),
        ("trend", 1),
        ("shift", 1),
        ("shift", 1),
        ("two_in_three", -1),
        ("outside_limits", -1),
        ("outside_limits", -1),
        (None, 0),
    ]


# -- Upstream: tests/testthat/test-ptd_spc_standard.R and _snaps/ptd_spc_standard.md ------


def test_the_rnorm_series_has_the_packages_mean_and_limits():
    chart = xmr_chart(series(RNORM_123[:20]))
    (group,) = chart.groups
    assert group.mean == pytest.approx(0.1416238, abs=1e-7)
    assert group.lower_limit == pytest.approx(-3.01138, abs=1e-5)
    assert group.upper_limit == pytest.approx(3.294627, abs=1e-6)
    sides = [1 if p.value > group.mean else -1 for p in chart.points[:15]]
    assert sides == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert not any(p.outside_limits for p in chart.points)


def test_screening_an_outlier_narrows_the_limits_as_upstream():
    values = list(RNORM_123[:20])
    values[14] = 10
    screened = xmr_chart(series(values)).groups[0]
    unscreened = xmr_chart(series(values), screen_outliers=False).groups[0]
    assert screened.mean == unscreened.mean == pytest.approx(0.6694159, abs=1e-7)
    assert screened.lower_limit == pytest.approx(-2.383666, abs=1e-6)
    assert screened.upper_limit == pytest.approx(3.722497, abs=1e-6)
    assert unscreened.lower_limit == pytest.approx(-4.596625, abs=1e-6)
    assert unscreened.upper_limit == pytest.approx(5.935457, abs=1e-6)
    assert (unscreened.upper_limit - unscreened.lower_limit) > (
        screened.upper_limit - screened.lower_limit
    )


def test_a_rebase_at_the_eleventh_point_starts_group_one_as_upstream():
    periods = days(20)
    chart = xmr_chart(series(RNORM_123[:20]), rebase=[periods[10]])
    assert [p.group for p in chart.points] == [0] * 10 + [1] * 10
    assert [g.start for g in chart.groups] == [periods[0], periods[10]]


def test_fixing_after_twelve_points_changes_the_limits_as_upstream():
    free = xmr_chart(series(RNORM_123[:20])).groups[0]
    fixed = xmr_chart(series(RNORM_123[:20]), fix_after=12).groups[0]
    assert fixed.lower_limit != free.lower_limit
    assert fixed.upper_limit != free.upper_limit
    first_twelve = RNORM_123[:12]
    assert fixed.mean == pytest.approx(sum(first_twelve) / 12, abs=1e-15)


def test_two_near_points_on_opposite_sides_of_the_mean_are_common_cause_as_upstream():
    values = [1.0, -1.0] * 8
    values[14] = 5.5
    values[15] = -5.5
    chart = xmr_chart(series(values))
    assert [p.point_type for p in chart.points[-2:]] == ["common_cause", "common_cause"]


# -- Upstream: tests/testthat/test-ptd_spc.R and _snaps/ptd_spc.md (summary) --------------


@pytest.mark.parametrize(
    ("part", "mean", "lower", "upper"),
    [(slice(0, 10), 0.0746, -2.60, 2.75), (slice(10, 20), 0.209, -3.28, 3.70)],
)
def test_each_facet_of_ten_has_the_packages_summary(part, mean, lower, upper):
    chart = xmr_chart(series(RNORM_123[:20])[part])
    (group,) = chart.groups
    assert group.n == 10
    assert group.mean == pytest.approx(mean, abs=5e-4)
    assert group.lower_limit == pytest.approx(lower, abs=5e-3)
    assert group.upper_limit == pytest.approx(upper, abs=5e-3)
    assert {p.point_type for p in chart.points} == {"common_cause"}
    assert group.short


def test_all_twenty_rnorm_points_are_common_cause_as_upstream_summary():
    chart = xmr_chart(series(RNORM_123[:20]))
    assert [p.point_type for p in chart.points] == ["common_cause"] * 20
    assert [p.special_cause for p in chart.points] == [None] * 20
    assert chart.variation == "common_cause"


# -- Upstream: tests/testthat/test-geom_ptd_icon.R (ptd_get_icons) ------------------------


def test_the_icon_readings_of_the_rnorm_series_match_upstream():
    chart = xmr_chart(series(RNORM_123))
    assert (chart.variation, chart.assurance) == ("common_cause", None)
    chart = xmr_chart(series(RNORM_123), target=0.5)
    assert (chart.variation, chart.assurance) == ("common_cause", "inconsistent")


@pytest.mark.parametrize("part", [slice(0, 12), slice(12, 24)])
def test_each_facet_of_twelve_reads_common_cause_and_inconsistent_as_upstream(part):
    chart = xmr_chart(series(RNORM_123)[part], target=0.5)
    assert (chart.variation, chart.assurance) == ("common_cause", "inconsistent")
    assert chart.groups[0].short  # 12 < 13: upstream sets the threshold to 0 to silence it


@pytest.mark.parametrize(
    ("second_half", "target", "direction", "expected"),
    [
        (RNORM_NEXT_MEAN_5, -3, "increase", ("improvement_high", "consistent_pass")),
        (RNORM_NEXT_MEAN_5, -3, "decrease", ("concern_high", "consistent_fail")),
        (RNORM_THEN_MEAN_MINUS_5, 3, "increase", ("concern_low", "consistent_fail")),
        (RNORM_THEN_MEAN_MINUS_5, 3, "decrease", ("improvement_low", "consistent_pass")),
        (RNORM_THEN_MEAN_MINUS_5, 3, "neutral", ("neutral_low", None)),
    ],
)
def test_a_moved_second_half_reads_as_upstream_icons(second_half, target, direction, expected):
    chart = xmr_chart(series(RNORM_123[:12] + second_half), target=target, direction=direction)
    assert (chart.variation, chart.assurance) == expected


# -- Upstream: tests/testthat/test-ptd_calculate_assurance_type.R -------------------------

LIMITS = [(1, 3), (5, 7), (1, 5)]  # facets a, b, c; target 4


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
        ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
        ("neutral", [None, None, None]),
    ],
)
def test_assurance_matches_upstream(direction, expected):
    assert [assurance(4, lower, upper, direction) for lower, upper in LIMITS] == expected


def test_there_is_no_assurance_without_a_target_as_upstream():
    assert assurance(None, 1, 3, "increase") is None
    assert xmr_chart(series(RNORM_123)).assurance is None


def test_assurance_uses_the_last_groups_limits_as_upstream_rebase_case():
    # Group 0 sits near 0 and group 1 near 10: a target of 5 is inside neither.
    values = [0.0, 1.0] * 7 + [10.0, 11.0] * 7
    periods = days(28)
    chart = xmr_chart(series(values, periods), rebase=[periods[14]], target=5)
    assert chart.groups[0].upper_limit < 5 < chart.groups[1].lower_limit
    assert chart.assurance == "consistent_pass"
    chart = xmr_chart(series(values, periods), target=5)
    assert chart.assurance == "inconsistent"


# -- Upstream: tests/testthat/test-ptd_add_short_group_warnings.R -------------------------


def test_a_group_shorter_than_the_threshold_is_short_as_upstream():
    chart = xmr_chart(series(RNORM_123[:11]), short_group_threshold=12)
    assert chart.groups[0].short
    chart = xmr_chart(series(RNORM_123[:12]), short_group_threshold=12)
    assert not chart.groups[0].short


def test_short_groups_are_found_among_rebase_groups_as_upstream():
    values = [float(i % 5) for i in range(40)]
    periods = days(40)
    facet_a = xmr_chart(series(values, periods), rebase=[periods[35]], short_group_threshold=12)
    assert [g.short for g in facet_a.groups] == [False, True]
    assert [g.n for g in facet_a.groups] == [35, 5]
    facet_b = xmr_chart(series(values, periods), rebase=[periods[20]], short_group_threshold=12)
    assert [g.short for g in facet_b.groups] == [False, False]


def test_by_default_a_group_of_twelve_is_short_and_thirteen_is_not():
    assert xmr_chart(series(RNORM_123[:12])).groups[0].short
    assert not xmr_chart(series(RNORM_123[:13])).groups[0].short


# -- Upstream: tests/testthat/test-ptd_create_ggplot.R -----------------------------------


def test_only_a_rebase_near_the_end_makes_a_short_group_as_upstream_caption_test():
    values = [math.sin(i) for i in range(40)]
    chart = xmr_chart(series(values), rebase=[dt.date(2020, 1, 20)])
    assert [g.n for g in chart.groups] == [18, 22]
    assert not any(g.short for g in chart.groups)
    chart = xmr_chart(series(values), rebase=[dt.date(2020, 2, 2)])
    assert [g.n for g in chart.groups] == [31, 9]
    assert [g.short for g in chart.groups] == [False, True]


def test_a_rebase_splits_twenty_points_into_two_groups_of_ten_as_upstream_line_breaks():
    chart = xmr_chart(
        series(RNORM_123[:20]), rebase=[dt.date(2020, 1, 12)], short_group_threshold=10
    )
    assert [p.group for p in chart.points] == [0] * 10 + [1] * 10
    assert not any(g.short for g in chart.groups)


# -- Upstream: tests/testthat/test-ptd_add_rebase_column.R --------------------------------


def test_a_rebase_on_one_facets_date_groups_its_points_as_upstream():
    chart = xmr_chart(series(RNORM_123[:10]), rebase=[dt.date(2020, 1, 8)])
    assert [p.group for p in chart.points] == [0] * 6 + [1] * 4


def test_upstream_rebase_dates_that_leave_a_one_point_group_are_refused():
    # Upstream rebases at 2020-01-03 and 2020-01-08, leaving 2020-01-02 alone in a group,
    # which has no moving range (the package gives it missing limits).
    rebase = [dt.date(2020, 1, 3), dt.date(2020, 1, 8)]
    with pytest.raises(ValueError, match=r"group starting at period .* has only 1 point"):
        xmr_chart(series(RNORM_123[:10]), rebase=rebase)


def test_a_rebase_date_not_in_the_series_is_refused_unlike_upstream_summary():
    # Upstream's summary test rebases at 2020-01-01, a day before its first point, and the
    # package ignores it silently.
    with pytest.raises(ValueError, match=r"rebase period .* is not one of the series' periods"):
        xmr_chart(series(RNORM_123[:20]), rebase=[dt.date(2020, 1, 1)])


# -- Upstream: tests/testthat/test-ptd_spc_options.R, test-ptd_validate_spc_options.R ----


@pytest.mark.parametrize("fix_after", ["a", (15, 20), 11])
def test_fix_after_must_be_a_number_of_at_least_twelve_as_upstream(fix_after):
    with pytest.raises(ValueError, match="fix_after must be a whole number of at least 12"):
        xmr_chart(series(RNORM_123[:20]), fix_after=fix_after)


def test_fix_after_twelve_is_accepted_as_upstream():
    assert xmr_chart(series(RNORM_123[:20]), fix_after=12).groups[0].n == 20


@pytest.mark.parametrize("direction", ["increase", "neutral", "decrease"])
def test_the_three_directions_are_accepted_as_upstream(direction):
    assert xmr_chart(series(RNORM_123[:20]), direction=direction).variation == "common_cause"


def test_another_direction_is_refused_as_upstream():
    with pytest.raises(ValueError, match="direction must be one of increase, decrease, neutral"):
        xmr_chart(series(RNORM_123[:20]), direction="up")


def test_a_repeated_period_is_refused_as_upstream():
    today = dt.date(2024, 1, 1)
    with pytest.raises(ValueError, match="appears more than once"):
        xmr_chart([(today, 1.0), (today, 2.0)])


def test_a_non_numeric_value_is_refused_as_upstream():
    with pytest.raises(ValueError, match="must be a number, not 'a'"):
        xmr_chart([(dt.date(2024, 1, 1), "a"), (dt.date(2024, 1, 2), 1.0)])


# -- Outside the limits -------------------------------------------------------------------


def test_a_value_exactly_on_a_process_limit_is_inside():
    chart = after_baseline([2.66, -2.66])
    assert chart.groups[0].upper_limit == 2.66
    assert chart.groups[0].lower_limit == -2.66
    assert [p.outside_limits for p in tail_of(chart)] == [False, False]
    assert [p.near_limit for p in tail_of(chart)] == [True, True]
    assert [p.point_type for p in tail_of(chart)] == ["common_cause", "common_cause"]


def test_a_value_just_beyond_a_process_limit_is_outside():
    chart = after_baseline([math.nextafter(2.66, 3), math.nextafter(-2.66, -3)])
    assert [p.outside_limits for p in tail_of(chart)] == [True, True]
    assert [p.near_limit for p in tail_of(chart)] == [False, False]
    assert [p.special_cause for p in tail_of(chart)] == ["outside_limits", "outside_limits"]


# -- Trends -------------------------------------------------------------------------------


def test_seven_strictly_rising_points_are_a_trend():
    chart = after_baseline([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
    assert [p.trend for p in tail_of(chart)] == [True] * 7
    assert [p.special_cause for p in tail_of(chart)] == ["trend"] * 7
    assert {p.point_type for p in tail_of(chart)} == {"special_cause_improvement"}
    assert not any(p.trend for p in chart.points[:12])


def test_six_rising_points_are_not_a_trend():
    chart = after_baseline([-1.25, -0.75, -0.25, 0.25, 0.75, 1.25])
    assert not any(p.trend for p in chart.points)
    assert {p.point_type for p in chart.points} == {"common_cause"}


def test_an_equal_pair_breaks_a_trend():
    chart = after_baseline([-1.5, -1.0, -0.5, -0.5, 0.0, 0.5, 1.0, 1.5])
    assert not any(p.trend for p in chart.points)


def test_seven_strictly_falling_points_are_a_falling_trend():
    chart = after_baseline([1.5, 1.0, 0.5, 0.0, -0.5, -1.0, -1.5])
    assert [p.trend for p in tail_of(chart)] == [True] * 7
    assert {p.point_type for p in tail_of(chart)} == {"special_cause_concern"}
    chart = after_baseline([1.5, 1.0, 0.5, 0.0, -0.5, -1.0, -1.5], direction="decrease")
    assert {p.point_type for p in tail_of(chart)} == {"special_cause_improvement"}


def test_a_trend_point_takes_the_direction_of_the_step_to_the_next_trend_point():
    # A rising trend peaks at 3, then a falling trend starts from an equal 3: as in the
    # package, the peak takes the (flat) step to the next trend point and reads as falling.
    chart = xmr_chart(
        series([5.0, -5.0] * 6 + [-3, -2, -1, 0, 1, 2, 3, 3, 2, 1, 0, -1, -2, -3]), fix_after=12
    )
    peak, next_point = chart.points[18], chart.points[19]
    assert (peak.value, next_point.value) == (3, 3)
    assert peak.trend and next_point.trend
    assert chart.points[17].point_type == "special_cause_improvement"
    assert peak.point_type == "special_cause_concern"
    assert next_point.point_type == "special_cause_concern"


# -- Shifts -------------------------------------------------------------------------------


def test_seven_points_above_the_mean_are_a_shift():
    chart = after_baseline([0.25] * 7)
    assert [p.shift for p in tail_of(chart)] == [True] * 7
    assert {p.special_cause for p in tail_of(chart)} == {"shift"}
    assert chart.variation == "improvement_high"


def test_seven_points_below_the_mean_are_a_shift():
    chart = after_baseline([-0.25] * 7)
    assert [p.shift for p in tail_of(chart)] == [True] * 7
    assert chart.variation == "concern_low"


def test_six_points_above_the_mean_are_not_a_shift():
    chart = after_baseline([0.25] * 6 + [-0.25])
    assert not any(p.shift for p in chart.points)


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    chart = after_baseline([0.25] * 3 + [0.0] + [0.25] * 3)
    assert chart.groups[0].mean == 0.0
    assert not any(p.shift for p in chart.points)


# -- Two in three -------------------------------------------------------------------------


def test_two_of_three_beyond_the_near_limit_on_one_side_are_special_cause():
    chart = after_baseline([2.0, 0.25, 2.0])
    assert [p.near_limit for p in tail_of(chart)] == [True, False, True]
    assert [p.two_in_three for p in tail_of(chart)] == [True, False, True]
    assert [p.special_cause for p in tail_of(chart)] == ["two_in_three", None, "two_in_three"]


def test_a_value_exactly_on_the_near_limit_is_not_near():
    chart = after_baseline([NEAR_LIMIT_FACTOR, 0.25, NEAR_LIMIT_FACTOR])
    assert chart.groups[0].upper_near_limit == NEAR_LIMIT_FACTOR
    assert not any(p.near_limit or p.two_in_three for p in chart.points)
    just_over = math.nextafter(NEAR_LIMIT_FACTOR, 2)
    chart = after_baseline([just_over, 0.25, just_over])
    assert [p.two_in_three for p in tail_of(chart)] == [True, False, True]


def test_a_point_beyond_the_process_limit_does_not_count_towards_two_in_three():
    chart = after_baseline([2.0, 3.0, 0.25, 0.25])
    assert [p.two_in_three for p in tail_of(chart)] == [False] * 4
    assert [p.special_cause for p in tail_of(chart)] == [None, "outside_limits", None, None]


def test_two_near_points_ending_a_series_need_a_third_point_on_their_side():
    chart = after_baseline([2.0, 2.0])  # the point before them is below the mean
    assert not any(p.two_in_three for p in chart.points)
    chart = after_baseline([0.25, 2.0, 2.0])
    assert [p.two_in_three for p in tail_of(chart)] == [False, True, True]


# -- Priority -----------------------------------------------------------------------------


def test_outside_the_limits_beats_a_trend_and_a_trend_beats_a_shift():
    chart = after_baseline([0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 3.0])
    tail = tail_of(chart)
    assert all(p.trend and p.shift for p in tail)
    assert [p.special_cause for p in tail] == ["trend"] * 6 + ["outside_limits"]


def test_two_in_three_beats_a_shift():
    chart = after_baseline([0.25, 2.0, 0.25, 2.0, 0.25, 0.25, 0.25])
    tail = tail_of(chart)
    assert all(p.shift for p in tail)
    assert [p.special_cause for p in tail] == [
        "shift",
        "two_in_three",
        "shift",
        "two_in_three",
        "shift",
        "shift",
        "shift",
    ]


def test_a_trend_beats_two_in_three():
    chart = after_baseline([0.25, 0.5, 0.75, 1.0, 1.25, 1.8, 2.0])
    tail = tail_of(chart)
    assert [p.two_in_three for p in tail[-2:]] == [True, True]
    assert [p.special_cause for p in tail] == ["trend"] * 7


# -- Direction ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "direction", "expected_type", "expected_variation"),
    [
        (3.0, "increase", "special_cause_improvement", "improvement_high"),
        (3.0, "decrease", "special_cause_concern", "concern_high"),
        (3.0, "neutral", "special_cause_neutral_high", "neutral_high"),
        (-3.0, "increase", "special_cause_concern", "concern_low"),
        (-3.0, "decrease", "special_cause_improvement", "improvement_low"),
        (-3.0, "neutral", "special_cause_neutral_low", "neutral_low"),
        (0.25, "increase", "common_cause", "common_cause"),
        (0.25, "decrease", "common_cause", "common_cause"),
        (0.25, "neutral", "common_cause", "common_cause"),
    ],
)
def test_the_direction_of_improvement_names_the_point_and_the_variation(
    value, direction, expected_type, expected_variation
):
    chart = after_baseline([value], direction=direction)
    assert chart.points[-1].point_type == expected_type
    assert chart.variation == expected_variation


def test_point_type_and_variation_map_every_case():
    assert point_type(0, "increase") == "common_cause"
    assert point_type(1, "decrease") == "special_cause_concern"
    assert point_type(-1, "neutral") == "special_cause_neutral_low"
    assert variation("special_cause_concern", "decrease") == "concern_high"
    assert variation("special_cause_improvement", "decrease") == "improvement_low"


def test_the_variation_is_read_from_the_last_point_only():
    chart = after_baseline([3.0, 0.25])
    assert chart.points[-2].point_type == "special_cause_improvement"
    assert chart.variation == "common_cause"


# -- Rebasing -----------------------------------------------------------------------------


def test_each_group_has_its_own_mean_and_limits():
    values = [10.0, 12.0] * 7 + [20.0, 21.0] * 7
    periods = list(range(1, 29))
    chart = xmr_chart(series(values, periods), rebase=[15])
    first, second = chart.groups
    assert (first.start, first.n, first.mean, first.average_moving_range) == (1, 14, 11.0, 2.0)
    assert (second.start, second.n, second.mean, second.average_moving_range) == (15, 14, 20.5, 1.0)
    assert first.upper_limit == pytest.approx(11 + 2.66 * 2)
    assert second.lower_limit == pytest.approx(20.5 - 2.66)
    assert [p.group for p in chart.points] == [0] * 14 + [1] * 14


def test_a_trend_does_not_run_across_a_rebase():
    values = [5.0, 9.0, 5.0, 9.0, 5.0, 9.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 15.0, 11.0, 15.0]
    periods = list(range(16))
    assert any(p.trend for p in xmr_chart(series(values, periods)).points)
    chart = xmr_chart(series(values, periods), rebase=[10])
    assert not any(p.trend for p in chart.points)


def test_a_rebase_at_the_first_period_leaves_one_group():
    chart = xmr_chart(series([1.0, 2.0, 3.0], [1, 2, 3]), rebase=[1])
    assert len(chart.groups) == 1
    assert chart.groups[0].start == 1


def test_rebase_periods_may_be_given_in_any_order_and_repeated():
    periods = list(range(30))
    values = [float(i % 3) for i in periods]
    chart = xmr_chart(series(values, periods), rebase=[20, 10, 20])
    assert [g.start for g in chart.groups] == [0, 10, 20]


# -- Fixing the limits ----------------------------------------------------------------------


def test_fixed_limits_come_from_the_first_n_points_and_later_points_are_tested_against_them():
    chart = after_baseline([3.0, 3.5, 4.0])
    group = chart.groups[0]
    assert (group.n, group.mean, group.average_moving_range) == (15, 0.0, 1.0)
    assert [p.outside_limits for p in tail_of(chart)] == [True, True, True]
    unfixed = xmr_chart(series([*BASELINE, 3.0, 3.5, 4.0])).groups[0]
    assert unfixed.mean != 0.0


def test_fixing_after_more_points_than_a_group_has_uses_them_all():
    values = RNORM_123[:20]
    assert xmr_chart(series(values), fix_after=50) == xmr_chart(series(values))


def test_each_rebased_group_is_fixed_on_its_own_first_points():
    values = BASELINE + [9.0] + [10.5, 9.5] * 6 + [30.0]
    periods = list(range(len(values)))
    chart = xmr_chart(series(values, periods), rebase=[13], fix_after=12)
    assert chart.groups[0].mean == 0.0
    assert chart.groups[1].mean == 10.0
    assert chart.points[12].outside_limits  # 9.0 against the first group's fixed limits
    assert chart.points[-1].outside_limits


# -- Outlier screening --------------------------------------------------------------------


def test_a_moving_range_exactly_at_the_cutoff_is_screened_out():
    # Moving ranges 3267, 244, 244 and 245: their mean is exactly 1000, and 3.267 × 1000
    # is exactly 3267, so the first is not strictly below the cutoff.
    assert OUTLIER_FACTOR * 1000.0 == 3267.0
    chart = xmr_chart(series([0.0, 3267.0, 3023.0, 3267.0, 3022.0], [1, 2, 3, 4, 5]))
    assert chart.groups[0].average_moving_range == 733 / 3


def test_a_moving_range_just_below_the_cutoff_is_kept():
    chart = xmr_chart(series([1.0, 3267.0, 3023.0, 3267.0, 3022.0], [1, 2, 3, 4, 5]))
    assert chart.groups[0].average_moving_range == (3266 + 733) / 4


def test_screening_can_be_switched_off():
    values = [0.0, 3267.0, 3023.0, 3267.0, 3022.0]
    chart = xmr_chart(series(values, [1, 2, 3, 4, 5]), screen_outliers=False)
    assert chart.groups[0].average_moving_range == 1000.0
    assert chart.groups[0].upper_limit == pytest.approx(chart.groups[0].mean + 2660)


# -- All values equal -----------------------------------------------------------------------


@pytest.mark.parametrize("screen_outliers", [True, False])
def test_equal_values_give_limits_on_the_mean_and_only_common_cause(screen_outliers):
    chart = xmr_chart(series([5.0] * 15), screen_outliers=screen_outliers)
    (group,) = chart.groups
    assert group.average_moving_range == 0.0
    assert (
        group.lower_limit
        == group.lower_near_limit
        == group.mean
        == group.upper_near_limit
        == group.upper_limit
        == 5.0
    )
    assert {p.point_type for p in chart.points} == {"common_cause"}
    assert not any(p.outside_limits or p.near_limit or p.shift or p.trend for p in chart.points)
    assert chart.variation == "common_cause"


def test_equal_values_give_an_assurance_by_strict_comparison_with_the_mean():
    values = series([5.0] * 15)
    assert xmr_chart(values, target=5).assurance == "inconsistent"
    assert xmr_chart(values, target=6).assurance == "consistent_fail"
    assert xmr_chart(values, target=6, direction="decrease").assurance == "consistent_pass"


@pytest.mark.parametrize("value", [0.1, 1 / 3, 1e300])
def test_equal_values_give_back_exactly_that_mean(value):
    assert xmr_chart(series([value] * 13)).groups[0].mean == value


def test_a_point_off_an_equal_fixed_baseline_is_outside_the_limits():
    chart = xmr_chart(series([5.0] * 12 + [5.5]), fix_after=12)
    assert chart.points[-1].outside_limits
    assert chart.variation == "improvement_high"


# -- Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "needs at least 2 points, and 0 were given"),
        ([(1, 5.0)], "needs at least 2 points, and 1 were given"),
        ([(1, None), (2, 1.0)], "the value for period 1 must be a number, not None"),
        ([(1, True), (2, 1.0)], "must be a number, not True"),
        ([(1, math.nan), (2, 1.0)], "must be a finite number"),
        ([(1, math.inf), (2, 1.0)], "must be a finite number"),
        ([(1, 1.0), (1, 2.0)], "period 1 appears more than once"),
        ([(2, 1.0), (1, 2.0)], "increasing order, but 1 comes after 2"),
        ([(1, 1.0), ("2", 2.0)], "all be of one kind, not a mix of integer and string"),
        (
            [(dt.date(2024, 1, 1), 1.0), (dt.datetime(2024, 1, 2), 2.0)],
            "not a mix of date and datetime",
        ),
        ([(1.5, 1.0), (2.5, 2.0)], "a period must be an integer, a string or a date, not 1.5"),
        ([(1, 2, 3), (2, 1.0)], r"must be a \(period, value\) pair"),
    ],
)
def test_bad_series_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        xmr_chart(data)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rebase": [99]}, "rebase period 99 is not one of the series' periods"),
        ({"rebase": 5}, "rebase must be a collection of periods"),
        ({"rebase": [20]}, "the group starting at period 20 has only 1 point"),
        ({"fix_after": 11}, "at least 12 points, not 11"),
        ({"fix_after": 12.0}, "fix_after must be a whole number"),
        ({"fix_after": True}, "fix_after must be a whole number"),
        ({"direction": "better"}, "direction must be one of"),
        ({"target": "high"}, "the target must be a number"),
        ({"target": math.nan}, "the target must be a finite number"),
        ({"screen_outliers": "yes"}, "screen_outliers must be True or False"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        xmr_chart(series(RNORM_123[:20], list(range(1, 21))), **options)


def test_exact_numbers_and_integer_periods_are_accepted():
    chart = xmr_chart([(1, 1), (2, Decimal("2.5")), (3, Fraction(1, 2))], target=Decimal(2))
    assert [p.value for p in chart.points] == [1.0, 2.5, 0.5]
    assert all(isinstance(p.value, float) for p in chart.points)
    assert chart.assurance == "inconsistent"


def test_string_periods_are_accepted_in_order():
    chart = xmr_chart([("2024-01", 1.0), ("2024-02", 2.0), ("2024-03", 1.5)], rebase=[])
    assert [p.period for p in chart.points] == ["2024-01", "2024-02", "2024-03"]


# -- Output -------------------------------------------------------------------------------


def test_to_dict_gives_the_json_shape_with_dates_as_iso_strings():
    periods = days(14)
    chart = xmr_chart(
        series([*BASELINE, 3.0, 0.25], periods), target=1, rebase=[periods[0]], fix_after=12
    )
    data = json.loads(json.dumps(chart.to_dict()))
    assert set(data) == {"groups", "points", "variation", "assurance"}
    (group,) = data["groups"]
    assert group == {
        "start": "2020-01-02",
        "n": 14,
        "mean": chart.groups[0].mean,
        "lower_limit": chart.groups[0].lower_limit,
        "upper_limit": chart.groups[0].upper_limit,
        "lower_near_limit": chart.groups[0].lower_near_limit,
        "upper_near_limit": chart.groups[0].upper_near_limit,
        "average_moving_range": chart.groups[0].average_moving_range,
        "short": False,
    }
    assert data["points"][12] == {
        "period": "2020-01-14",
        "value": 3.0,
        "group": 0,
        "outside_limits": True,
        "near_limit": False,
        "trend": False,
        "two_in_three": False,
        "shift": False,
        "special_cause": "outside_limits",
        "point_type": "special_cause_improvement",
    }
    assert data["points"][13]["special_cause"] is None
    assert data["variation"] == "common_cause"
    assert data["assurance"] == "inconsistent"


def test_to_dict_keeps_integer_periods_as_integers():
    data = xmr_chart([(2023, 1.0), (2024, 2.0)]).to_dict()
    assert [p["period"] for p in data["points"]] == [2023, 2024]
    assert data["groups"][0]["start"] == 2023
    assert data["assurance"] is None


# Reading a series from CSV ---------------------------------------------------------------


def test_periods_are_integers_months_or_days():
    assert parse_period(" 7 ") == 7
    assert parse_period("2025-04") == "2025-04"
    assert parse_period("2025-04-30") == dt.date(2025, 4, 30)
    for bad, words in [
        ("2025-13", "not a month"),
        ("2025-02-30", "not a date"),
        ("April", "not a period"),
        ("", "not a period"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse_period(bad)


def test_a_csv_series_is_read_in_any_column_order_skipping_blank_lines():
    text = "value,period,note\n3.5,2025-01,first\n\n4,2025-02,\n"
    assert read_series_csv(text) == [("2025-01", 3.5), ("2025-02", 4.0)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,value\n1,2\n2,3\n", "line 1: the first row must name the columns period"),
        ("", "line 1: the first row must name"),
        ("period,value\n1,2\n2,x\n", "line 3: 'x' is not a number"),
        ("period,value\n1,2\n2,nan\n", "line 3: the value must be a finite number"),
        ("period,value\n1,2\n2\n", "line 3: expected a period and a value"),
        ("period,value\n1,2\n1,3\n", "line 3: period 1 does not come after"),
        ("period,value\n2,2\n1,3\n", "line 3: period 1 does not come after"),
        ("period,value\n2025-01,2\n2025-02-01,3\n", "line 3: the period is a day, but"),
        ("period,value\n1,2\n2025-02,3\n", "line 3: the period is a month, but"),
        ("period,value\nsoon,2\n", "line 2: 'soon' is not a period"),
        ("period,value\n1,2\n", "the file has 1 data rows: a chart needs at least 2"),
    ],
)
def test_a_malformed_csv_is_refused_with_the_line_of_its_first_problem(text, message):
    with pytest.raises(ValueError) as refused:
        read_series_csv(text)
    assert str(refused.value).startswith(message) or message in str(refused.value)
