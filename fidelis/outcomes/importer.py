"""Monthly values from a CSV or Excel file: every row checked before any is saved.

One row per team, month and measure, with the columns `team` (the team's short name in
its address, or its full name), `period` (a month, `2025-04`, or any day in it),
`measure` (the measure's key, such as `assessed-4h`), and either `value` or, for a rate,
`numerator` and `denominator` (the value is then worked out). A questionnaire measure
(the CSQ-8) may instead take one row per return, with its answers in the columns `q1`,
`q2`, ...: the month's value is then the mean total of its returns. A file with any problem is
refused whole, every problem named by its line (the header is line 1), and nothing is
saved. Importing the same file again changes nothing; a changed value replaces the one
kept for that team, month and measure.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from openpyxl import load_workbook

from fidelis.lib.questionnaires import mean_total
from fidelis.lib.spc import parse_period
from fidelis.outcomes.actions import refresh_readings
from fidelis.outcomes.models import Measure, MeasureValue
from fidelis.programmes.models import Team

COLUMNS = ("team", "period", "measure", "value", "numerator", "denominator")
REQUIRED = ("team", "period", "measure")
ANSWER = re.compile(r"q([1-9][0-9]?)")


class ImportRefused(Exception):
    """The file cannot be imported; `problems` lists each, as "line N: what is wrong"."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
        self.problems = problems


@dataclass
class Outcome:
    created: int
    changed: int
    unchanged: int


def read_rows(path: str | Path, content: bytes | None = None) -> list[dict[str, str]]:
    """The file's rows as {column: text}, from CSV (UTF-8) or Excel (.xlsx)."""
    path = Path(path)
    data = path.read_bytes() if content is None else content
    if path.suffix.lower() == ".xlsx":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception:  # openpyxl raises many kinds of error for a broken file
            raise ImportRefused(
                ["the file is not an Excel workbook (.xlsx) Fidelis can read"]
            ) from None
        table = [
            ["" if cell is None else cell for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(["the file is not UTF-8 text: save it as CSV (UTF-8)"]) from None
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise ImportRefused(["line 1: the file is empty"])
    header = [str(name).strip().lower() for name in table[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportRefused([f"line 1: the header has no column {', '.join(missing)}"])
    answers = sorted(
        (int(match.group(1)), name) for name in header if (match := ANSWER.fullmatch(name))
    )
    last = answers[-1][0] if answers else 0
    rows = []
    for row in table[1:]:
        cells = {name: _text(row[i]) if i < len(row) else "" for i, name in enumerate(header)}
        found: dict = {name: cells.get(name, "") for name in COLUMNS}
        found["answers"] = [cells.get(f"q{n}", "") for n in range(1, last + 1)]
        rows.append(found)
    return rows


def _text(cell) -> str:
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat()
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _number(text: str, column: str, problems: list[str], line: int) -> float | None:
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        problems.append(f"line {line}: {column} {text!r} is not a number")
        return None
    if not math.isfinite(number):
        problems.append(f"line {line}: {column} must be a finite number")
        return None
    return number


def check(
    rows: list[dict[str, str]],
    programme,
    progress: Callable[[Iterable], Iterable] = iter,
    only_team: Team | None = None,
):
    """The rows as MeasureValue objects (unsaved), or ImportRefused naming every problem.
    With `only_team`, every row must be that team's (a team manager's import): a row
    naming any other team, or none known, is refused without saying whether it exists."""
    measures = {m.key: m for m in Measure.objects.filter(programme=programme)}
    teams: dict[str, Team] = {}
    for team in [only_team] if only_team else Team.objects.in_programme(programme):
        teams[team.slug.lower()] = team
        teams[team.name.lower()] = team
    problems: list[str] = []
    values: list[MeasureValue] = []
    seen: dict[tuple[int, int, datetime.date], int] = {}
    returns: dict[tuple[int, int, datetime.date], list[tuple[int, int]]] = {}
    keys: dict[tuple[int, int, datetime.date], tuple[Team, Measure]] = {}
    for line, row in progress(enumerate(rows, start=2)):
        answers = row.get("answers", [])
        if not any(row[name] for name in COLUMNS) and not any(answers):
            continue
        team = teams.get(row["team"].lower())
        measure = measures.get(row["measure"])
        if team is None and only_team is not None:
            problems.append(
                f"line {line}: team {row['team']!r} is not {only_team.name}: this file may "
                f"hold {only_team.name}'s values only"
            )
        elif team is None:
            problems.append(f"line {line}: no team {row['team']!r} in {programme.name}")
        if measure is None:
            known = ", ".join(sorted(measures)) or "none"
            problems.append(f"line {line}: no measure {row['measure']!r} (known: {known})")
        try:
            period = parse_period(row["period"])
            if isinstance(period, str):
                period = datetime.date.fromisoformat(period + "-01")
            elif isinstance(period, int):
                raise ValueError(f"{row['period']!r} is not a month: write 2025-04")
            period = period.replace(day=1)
        except ValueError as error:
            problems.append(f"line {line}: period: {error}")
            period = None
        if any(answers):
            if measure is not None and team is not None and period is not None:
                _add_return(row, line, team, measure, period, problems, returns, keys, seen)
            continue
        value = _number(row["value"], "value", problems, line)
        numerator = _number(row["numerator"], "numerator", problems, line)
        denominator = _number(row["denominator"], "denominator", problems, line)
        if measure is None or team is None or period is None:
            continue
        if (numerator is None) != (denominator is None):
            problems.append(f"line {line}: give both numerator and denominator, or neither")
            continue
        if numerator is not None:
            if not measure.is_rate:
                problems.append(
                    f"line {line}: {measure.name} is not a rate: give its value, not a "
                    "numerator and denominator"
                )
                continue
            if denominator <= 0 or numerator < 0 or numerator > denominator:
                problems.append(
                    f"line {line}: the numerator must be from 0 to the denominator, and the "
                    "denominator above 0"
                )
                continue
            worked_out = round(measure.rate_scale * numerator / denominator, 6)
            if value is not None and abs(value - worked_out) > 0.05:
                problems.append(
                    f"line {line}: value {value:g} does not match {numerator:g} / "
                    f"{denominator:g} ({worked_out:g})"
                )
                continue
            value = worked_out
        if value is None:
            if row["value"] == "":  # (a value that is not a number is named above)
                problems.append(f"line {line}: the value is missing")
            continue
        key = (team.pk, measure.pk, period)
        if key in returns:
            problems.append(
                f"line {line}: {team.name}, {measure.name}, {period:%B %Y} has returns on "
                f"line {returns[key][0][0]}: give its returns or its value, not both"
            )
            continue
        if key in seen:
            problems.append(
                f"line {line}: {team.name}, {measure.name}, {period:%B %Y} is already on "
                f"line {seen[key]}"
            )
            continue
        seen[key] = line
        values.append(
            MeasureValue(
                team=team,
                measure=measure,
                period=period,
                value=value,
                numerator=numerator,
                denominator=denominator,
            )
        )
    for key, found in returns.items():
        team, measure = keys[key]
        values.append(
            MeasureValue(
                team=team,
                measure=measure,
                period=key[2],
                value=round(mean_total([total for _, total in found]), 6),
                responses=len(found),
            )
        )
    if problems:
        raise ImportRefused(problems)
    if not values:
        raise ImportRefused(["the file has no rows of values"])
    return values


def _add_return(row, line, team, measure, period, problems, returns, keys, seen) -> None:
    """One questionnaire return (answers in q1, q2, ...) counted into its team's month."""
    questionnaire = measure.questionnaire
    if questionnaire is None:
        problems.append(f"line {line}: {measure.name} takes a value, not answers in q1, q2, ...")
        return
    if any(row[name] for name in ("value", "numerator", "denominator")):
        problems.append(
            f"line {line}: a return gives its answers only: leave value, numerator and "
            "denominator empty"
        )
        return
    answers = row["answers"]
    if any(answers[questionnaire.items :]):
        problems.append(
            f"line {line}: {measure.name} has {questionnaire.items} items: answers beyond "
            f"q{questionnaire.items} are not part of it"
        )
        return
    try:
        total = questionnaire.total((answers + [""] * questionnaire.items)[: questionnaire.items])
    except ValueError as error:
        problems.append(f"line {line}: {measure.name}: {error}")
        return
    key = (team.pk, measure.pk, period)
    if key in seen:
        problems.append(
            f"line {line}: {team.name}, {measure.name}, {period:%B %Y} has a value on line "
            f"{seen[key]}: give its returns or its value, not both"
        )
        return
    returns.setdefault(key, []).append((line, total))
    keys[key] = (team, measure)


@transaction.atomic
def save(values: list[MeasureValue]) -> Outcome:
    """Keep the checked values: new ones added, changed ones replaced, the rest left."""
    kept = {
        (v.team_id, v.measure_id, v.period): v
        for v in MeasureValue.objects.filter(
            team__in={v.team_id for v in values},
            measure__in={v.measure_id for v in values},
            period__in={v.period for v in values},
        )
    }
    new, changed = [], []
    for value in values:
        old = kept.get((value.team_id, value.measure_id, value.period))
        if old is None:
            new.append(value)
        elif (old.value, old.numerator, old.denominator, old.responses) != (
            value.value,
            value.numerator,
            value.denominator,
            value.responses,
        ):
            old.value, old.numerator, old.denominator, old.responses = (
                value.value,
                value.numerator,
                value.denominator,
                value.responses,
            )
            changed.append(old)
    MeasureValue.objects.bulk_create(new, batch_size=5000)
    MeasureValue.objects.bulk_update(
        changed, ["value", "numerator", "denominator", "responses"], batch_size=5000
    )
    if new or changed:
        touched = new + changed
        refresh_readings(
            team_ids=sorted({v.team_id for v in touched}),
            measures=list({v.measure_id: v.measure for v in touched}.values()),
        )
    return Outcome(
        created=len(new), changed=len(changed), unchanged=len(values) - len(new) - len(changed)
    )
