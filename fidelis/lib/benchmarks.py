"""Benchmarks: where one team's figures sit among the programme's, in plain data.

Quartiles use linear interpolation between order statistics (Hyndman and Fan's type 7:
the default of R's `quantile`, numpy's `percentile` and Excel's QUARTILE.INC), so the
figures can be checked in any of them. A team's place is said in three bands that
encourage rather than rank: the lowest quarter (below the first quartile), the middle
half, and the top quarter (above the third quartile).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

LOWEST_QUARTER = "lowest quarter"
MIDDLE_HALF = "middle half"
TOP_QUARTER = "top quarter"


@dataclass(frozen=True)
class Distribution:
    """The spread of one figure across teams."""

    n: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "min": self.minimum,
            "q1": self.q1,
            "median": self.median,
            "q3": self.q3,
            "max": self.maximum,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Distribution:
        return cls(
            n=data["n"],
            minimum=data["min"],
            q1=data["q1"],
            median=data["median"],
            q3=data["q3"],
            maximum=data["max"],
        )


def quantile(ordered: Sequence[float], p: float) -> float:
    """The p-quantile (0 <= p <= 1) of values already sorted, by linear interpolation."""
    if not ordered:
        raise ValueError("no values")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be between 0 and 1, not {p}")
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def distribution(values: Iterable[float | None]) -> Distribution | None:
    """Quartiles of the values given (None values are left out); None when there are none."""
    ordered = sorted(float(v) for v in values if v is not None)
    if not ordered:
        return None
    return Distribution(
        n=len(ordered),
        minimum=ordered[0],
        q1=quantile(ordered, 0.25),
        median=quantile(ordered, 0.5),
        q3=quantile(ordered, 0.75),
        maximum=ordered[-1],
    )


def place(value: float | None, spread: Distribution | None) -> str | None:
    """Which part of the programme a team's value sits in; None without both."""
    if value is None or spread is None:
        return None
    if value < spread.q1:
        return LOWEST_QUARTER
    if value > spread.q3:
        return TOP_QUARTER
    return MIDDLE_HALF


def criteria_changes(
    before: Mapping[str, str], after: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(criteria newly met, criteria no longer met) between two reviews of an item, from
    each criterion's effective decision ("met", "partial", "not_met", ...) by letter."""
    newly = tuple(
        sorted(c for c, s in after.items() if s == "met" and before.get(c, "met") != "met")
    )
    lost = tuple(
        sorted(c for c, s in before.items() if s == "met" and after.get(c, "met") != "met")
    )
    return newly, lost


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def supportive_summary(
    *,
    sections_above_median: int | None,
    n_sections: int,
    items_up: int | None,
    items_down: int | None,
    since: str | None,
    items_top_quarter: int | None,
) -> list[str]:
    """A few sentences on where a team stands, put to encourage: what is going well first,
    and what moved, never a rank among teams."""
    sentences = []
    if sections_above_median is not None and n_sections:
        if sections_above_median:
            sentences.append(
                f"Above the programme median in {sections_above_median} of "
                f"{_count(n_sections, 'section')}."
            )
        else:
            sentences.append(
                "Each section has room to grow toward the programme median: the priority "
                "items below are where one more criterion counts most."
            )
    if items_top_quarter:
        sentences.append(
            f"{_count(items_top_quarter, 'item')} in the top quarter of the programme."
        )
    if since is not None and items_up is not None:
        if items_up:
            sentences.append(f"{_count(items_up, 'item')} moved up since {since}.")
        if items_down:
            sentences.append(
                f"{_count(items_down, 'item')} moved down since {since}: worth a look together."
            )
        if not items_up and not items_down:
            sentences.append(f"Scores held steady since {since}.")
    return sentences
