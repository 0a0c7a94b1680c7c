"""Questionnaires scored by summing their items, such as the Client Satisfaction
Questionnaire (CSQ-8: eight items each scored 1 to 4, summed to a total of 8 to 32).

A month's value of such a measure is the mean total of the month's returns; each return's
answers are checked whole (every item answered, each a whole number within the scale)
before any total is counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Questionnaire:
    """`items` questions, each answered with a whole number from `low` to `high`."""

    items: int
    low: int
    high: int

    @property
    def lowest_total(self) -> int:
        return self.items * self.low

    @property
    def highest_total(self) -> int:
        return self.items * self.high

    def total(self, answers: Sequence) -> int:
        """The return's total; ValueError naming the first item that cannot count."""
        if len(answers) != self.items:
            raise ValueError(f"{len(answers)} answers given, {self.items} needed")
        total = 0
        for number, answer in enumerate(answers, start=1):
            if answer is None or answer == "":
                raise ValueError(f"item {number} is not answered")
            try:
                value = float(answer)
            except (TypeError, ValueError):
                raise ValueError(f"item {number}: {answer!r} is not a number") from None
            if not value.is_integer() or not self.low <= value <= self.high:
                raise ValueError(
                    f"item {number}: {answer!r} is not a whole number from {self.low} to "
                    f"{self.high}"
                )
            total += int(value)
        return total


#: The Client Satisfaction Questionnaire, eight-item form.
CSQ8 = Questionnaire(items=8, low=1, high=4)


def mean_total(totals: Sequence[int]) -> float:
    """The mean of the returns' totals (the month's value)."""
    if not totals:
        raise ValueError("no returns")
    return math.fsum(totals) / len(totals)
