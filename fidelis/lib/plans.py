"""Staff time in a service improvement plan, worked out without Django.

Lack of staff time was the main barrier the teams we follow met, so a plan shows how many
hours its actions ask of each person in each month. An action's estimated hours are spread
evenly over the months from when its work starts (the later of the plan's start and the
day the action was added) to its due date, both months included.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Work:
    """An action's time: who, from when, until when, and how many hours in all."""

    owner: int
    starts_on: datetime.date
    due_on: datetime.date
    hours: Decimal


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from `first`'s to `last`'s, both included (at least
    one month: a due date before the start falls in the due month alone)."""
    start, end = month_of(first), month_of(last)
    if end < start:
        return [end]
    months = []
    current = start
    while current <= end:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def hours_by_month(work: Iterable[Work]) -> dict[int, dict[datetime.date, Decimal]]:
    """{owner: {first day of month: hours}}, each action's hours spread evenly over its
    months (to a tenth of an hour; the last month takes what rounding leaves)."""
    result: dict[int, dict[datetime.date, Decimal]] = {}
    tenth = Decimal("0.1")
    for piece in work:
        months = months_between(piece.starts_on, piece.due_on)
        share = (piece.hours / len(months)).quantize(tenth, rounding=ROUND_HALF_UP)
        given = Decimal(0)
        per_owner = result.setdefault(piece.owner, {})
        for index, month in enumerate(months):
            amount = share if index < len(months) - 1 else piece.hours - given
            given += amount
            per_owner[month] = per_owner.get(month, Decimal(0)) + amount
    return result


def over_threshold(
    hours: dict[int, dict[datetime.date, Decimal]], threshold: Decimal
) -> list[tuple[int, datetime.date, Decimal]]:
    """(owner, month, hours) wherever one person's planned hours in a month exceed
    `threshold`, in month order."""
    found = [
        (owner, month, total)
        for owner, months in hours.items()
        for month, total in months.items()
        if total > threshold
    ]
    return sorted(found, key=lambda entry: (entry[1], entry[0]))


def hours_text(value) -> str:
    """Hours as people write them: 12, 2.5 (never 12.0)."""
    return format(Decimal(value).normalize(), "f")
