"""The outcomes' part of the demo and of `fidelis seed`: the starter measures and two
years of monthly values for every team, with real signals in some demo teams (a shift up
after Ashby's plan, a falling trend at Corran, an outlier month at Marlpit)."""

from __future__ import annotations

import datetime

from fidelis.bulk import Build, delete, insert
from fidelis.lib.questionnaires import mean_total
from fidelis.outcomes.actions import add_starter_measures, refresh_readings
from fidelis.outcomes.models import Measure, MeasureValue, Reading, Rebase
from fidelis.programmes.models import Team, add_months

MONTHS = 24
#: Each starter measure's typical level and month-to-month spread, and for a rate the
#: typical denominator (referrals, episodes, admissions, discharges in a month).
LEVELS = {
    "assessed-4h": (72.0, 6.0, 45),
    "admissions": (18.0, 3.5, 40),
    "gatekeeping": (88.0, 4.0, 25),
    "readmissions": (9.0, 2.5, 35),
    "episode-length": (24.0, 2.5, None),
    "csq8": (26.5, 1.0, None),
    "staff-wellbeing": (6.2, 0.4, None),
}
LIMITS = {"csq8": (8.0, 32.0), "staff-wellbeing": (0.0, 10.0)}


def _months(today: datetime.date) -> list[datetime.date]:
    """The 24 months up to the last full one."""
    last = add_months(today.replace(day=1), -1)
    return [add_months(last, -k) for k in range(MONTHS - 1, -1, -1)]


def _seed_months(programme) -> list[datetime.date]:
    """The 24 months from six months before the programme's first month: both windows of
    fidelity beside outcomes (the six months before and months 7 to 12) hold values."""
    first = add_months(programme.start_date.replace(day=1), -6)
    return [add_months(first, k) for k in range(MONTHS)]


#: The columns of a value row, in the order `_value` gives them.
VALUE_FIELDS = ["measure", "team", "period", "value", "numerator", "denominator", "responses"]


def _value(measure: Measure, level: float, spread: float, base: int | None, rng, team, period):
    """A value row near `level` (see VALUE_FIELDS): a rate (a whole numerator over a
    denominator), the mean total of a questionnaire's returns (each item answered), or a
    mean."""
    questionnaire = measure.questionnaire
    if questionnaire is not None:
        centre = min(max(rng.gauss(level, spread), 8.0), 32.0) / questionnaire.items
        low, high, gauss = questionnaire.low, questionnaire.high, rng.gauss
        # Each answer is drawn as a whole number within the scale, so a return's total is
        # the plain sum of its answers.
        totals = [
            sum(min(max(round(gauss(centre, 0.7)), low), high) for _ in range(questionnaire.items))
            for _ in range(rng.randint(6, 18))
        ]
        return (measure.pk, team.pk, period, round(mean_total(totals), 6), None, None, len(totals))
    if base is None:
        low, high = LIMITS.get(measure.key, (0.0, float("inf")))
        value = round(min(max(rng.gauss(level, spread), low), high), 1)
        return (measure.pk, team.pk, period, value, None, None, None)
    denominator = max(5, round(rng.gauss(base, base * 0.12)))
    share = min(max(rng.gauss(level, spread), 0.0), 100.0) / 100
    numerator = round(share * denominator)
    return (
        measure.pk,
        team.pk,
        period,
        round(100 * numerator / denominator, 1),
        numerator,
        denominator,
        None,
    )


def _signals(name: str, key: str, k: int) -> tuple[float, float]:
    """How far a demo team's level moves in month k (0 to 23) of the two years, and how
    much its spread narrows: the signals are made to show on the charts."""
    if name.startswith("Ashby") and key == "assessed-4h" and k >= 13:
        return 16.0, 0.4  # a shift up, steadier, after the plan's first goal took hold
    if name.startswith("Corran") and key == "admissions" and k >= 15:
        return -1.4 * (k - 14), 0.15  # a steady fall, month after month
    if name.startswith("Marlpit") and key == "readmissions" and k == MONTHS - 1:
        return 14.0, 0.2  # one month far above the rest
    return 0.0, 1.0


def _values(build: Build, teams, measures, months, *, signals: bool) -> list[tuple]:
    """Every team's value rows (VALUE_FIELDS) of every measure for every month."""
    rng = build.rng
    rows = []
    for team in teams:
        for measure in measures:
            level, spread, base = LEVELS.get(measure.key, (50.0, 5.0, None))
            level += rng.uniform(-0.5, 0.5) * spread  # teams differ a little
            for k, period in enumerate(months):
                shift, narrow = _signals(team.name, measure.key, k) if signals else (0.0, 1.0)
                rows.append(
                    _value(measure, level + shift, spread * narrow, base, rng, team, period)
                )
    return rows


def build_demo(build: Build) -> None:
    measures = add_starter_measures(programme=build.programme)
    teams = list(Team.objects.in_programme(build.programme))
    months = _months(datetime.date.today())
    rows = _values(build, teams, measures, months, signals=True)
    insert(MeasureValue, VALUE_FIELDS, rows)
    build.rows["measure values"] += len(rows)
    build.rows["readings"] += refresh_readings(team_ids=[t.pk for t in teams], measures=measures)


def build_seed(build: Build) -> None:
    """Two years of every starter measure for every team, written as plain rows (from six
    months before the programme)."""
    measures = add_starter_measures(programme=build.programme)
    teams = list(Team.objects.in_programme(build.programme).only("pk", "name"))
    rows = _values(build, teams, measures, _seed_months(build.programme), signals=False)
    insert(MeasureValue, VALUE_FIELDS, rows)
    build.rows["measure values"] += len(rows)
    build.rows["readings"] += refresh_readings(team_ids=[t.pk for t in teams], measures=measures)


def remove(programme) -> None:
    measures = Measure.objects.filter(programme=programme)
    delete(
        Reading.objects.filter(measure__in=measures),
        Rebase.objects.filter(measure__in=measures),
        MeasureValue.objects.filter(measure__in=measures),
        measures,
    )
