"""Inter-rater agreement statistics for fidelity reviews.

Fidelity reviews are scored by several reviewers, and before a team's scores are trusted we need to
know how far the reviewers agree with each other. This module computes the usual statistics from
long-format ratings -- one ``(unit, rater, score)`` triple per judgement, ``score`` ``None`` when a
rater did not score a unit:

* :func:`icc` -- the six intraclass correlations of Shrout & Fleiss (1979), with
  :func:`icc_confidence_intervals` for their F-based 95% intervals (McGraw & Wong 1996);
* :func:`krippendorff_alpha` -- Krippendorff's alpha by the coincidence-matrix method of
  Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability";
* :func:`pairwise_agreement` -- the plain share of equal and adjacent score pairs, which is what
  reviewers themselves find easiest to read;
* :func:`summarise` -- all of the above as one JSON-ready dict;
* :func:`read_long_csv` -- the CSV reader behind ``fidelis agreement FILE.csv``.

It deliberately depends only on the standard library, numpy and scipy (no Django), so it can run
from the command line and in tests without settings.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import IO, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = [
    "ICC_FORMS",
    "AgreementInputError",
    "Rating",
    "icc",
    "icc_confidence_intervals",
    "interpret_alpha",
    "interpret_icc",
    "krippendorff_alpha",
    "pairwise_agreement",
    "ratings_matrix",
    "read_long_csv",
    "summarise",
]

#: Keys of the dict returned by :func:`icc`, in Shrout & Fleiss order: ICC(1,1), ICC(2,1),
#: ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k).
ICC_FORMS: tuple[str, ...] = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")

Level = Literal["nominal", "ordinal", "interval"]
ALPHA_LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval")

#: Columns a long-format CSV must have (any order, case-insensitive).
REQUIRED_COLUMNS: tuple[str, ...] = ("unit", "rater", "score")

# Two scores closer than this count as equal. Scores are small numbers typed by people, but
# arithmetic on them (e.g. 2.1 - 1.1) is not exact in binary floating point, so comparing with a
# tolerance keeps "within one point" from depending on representation error.
_SCORE_TOLERANCE = 1e-9

# Relative size below which a mean square or denominator is treated as zero. Mean squares are
# sums of squared deviations, so genuinely constant data gives exactly zero, but a tolerance
# guards against rounding noise turning "undefined" into a huge, meaningless ratio.
_RELATIVE_EPS = 1e-12


class AgreementInputError(ValueError):
    """Ratings that cannot be analysed, with a one-line message for the user.

    ``str(err)`` is the whole message, prefixed with ``line N:`` when the problem comes from a
    particular (1-based) line of a CSV file, so the command line can print it as it is.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class Rating(NamedTuple):
    """One judgement: ``rater`` gave ``unit`` the score ``score`` (``None`` when missing)."""

    unit: Hashable
    rater: Hashable
    score: float | None


# Anything shaped like a Rating is accepted, so callers can pass plain tuples.
RatingLike = tuple[Hashable, Hashable, float | None]


# --------------------------------------------------------------------------------------------
# Reshaping long-format ratings
# --------------------------------------------------------------------------------------------


def _checked_score(score: object) -> float | None:
    """Return ``score`` as a float, ``None`` for missing; reject values that are not finite.

    NaN is accepted as "missing" because that is how numpy and pandas spell it.
    """
    if score is None:
        return None
    try:
        value = float(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AgreementInputError(f"score {score!r} is not a number") from None
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise AgreementInputError(f"score {score!r} is not a finite number")
    return value


def _scores_by_unit(
    ratings: Iterable[RatingLike],
) -> tuple[dict[Hashable, dict[Hashable, float]], list[Hashable]]:
    """Group non-missing scores as ``{unit: {rater: score}}``.

    Returns the grouping and the raters with at least one score, both in first-seen order so
    results do not depend on hash order. A rater scoring the same unit twice is an error rather
    than something to average away: it almost always means a data-entry mistake.
    """
    by_unit: dict[Hashable, dict[Hashable, float]] = {}
    raters: dict[Hashable, None] = {}
    seen: set[tuple[Hashable, Hashable]] = set()
    for unit, rater, score in ratings:
        if (unit, rater) in seen:
            raise AgreementInputError(f"rater {rater!r} rated unit {unit!r} twice")
        seen.add((unit, rater))
        value = _checked_score(score)
        if value is None:
            continue
        by_unit.setdefault(unit, {})[rater] = value
        raters.setdefault(rater, None)
    return by_unit, list(raters)


def ratings_matrix(
    ratings: Iterable[RatingLike],
) -> tuple[list[Hashable], list[Hashable], NDArray[np.float64]]:
    """Reshape long-format ratings into a units x raters matrix.

    Only units and raters with at least one score appear. Missing cells are NaN. Returns
    ``(units, raters, matrix)`` with rows and columns in first-seen order.
    """
    by_unit, raters = _scores_by_unit(ratings)
    units = list(by_unit)
    matrix = np.full((len(units), len(raters)), np.nan)
    column = {rater: j for j, rater in enumerate(raters)}
    for i, unit in enumerate(units):
        for rater, score in by_unit[unit].items():
            matrix[i, column[rater]] = score
    return units, raters, matrix


# --------------------------------------------------------------------------------------------
# Intraclass correlations
# --------------------------------------------------------------------------------------------


class _MeanSquares(NamedTuple):
    """Two-way ANOVA summary of a complete n targets x k judges matrix (Shrout & Fleiss)."""

    n: int  # targets (units)
    k: int  # judges (raters)
    bms: float  # between-targets mean square
    wms: float  # within-target mean square (one-way model: judges + residual pooled)
    jms: float  # between-judges mean square
    ems: float  # residual mean square of the two-way model
    eps: float  # scale-aware threshold below which a quantity is treated as zero


def _complete_cases(matrix: ArrayLike) -> NDArray[np.float64]:
    """Return the rows of ``matrix`` that have no missing (None/NaN) cell, as floats."""
    x = np.array(matrix, dtype=float)  # None becomes NaN here
    if x.ndim != 2:
        raise ValueError(f"expected a units x raters matrix, got {x.ndim} dimension(s)")
    if np.isinf(x).any():
        raise AgreementInputError("scores must be finite numbers")
    return x[~np.isnan(x).any(axis=1)]


def _mean_squares(matrix: ArrayLike) -> _MeanSquares | None:
    """ANOVA mean squares of the complete rows of ``matrix``; ``None`` if too small to estimate.

    Each sum of squares is computed from its own deviations (rather than by subtracting from the
    total) so that none can come out slightly negative through cancellation.
    """
    x = _complete_cases(matrix)
    n, k = x.shape
    if n < 2 or k < 2:
        return None
    grand = x.mean()
    row_means = x.mean(axis=1, keepdims=True)
    col_means = x.mean(axis=0, keepdims=True)
    ss_rows = k * float(((row_means - grand) ** 2).sum())
    ss_cols = n * float(((col_means - grand) ** 2).sum())
    ss_within = float(((x - row_means) ** 2).sum())
    ss_error = float(((x - row_means - col_means + grand) ** 2).sum())
    eps = _RELATIVE_EPS * max(1.0, float((x**2).mean()))
    return _MeanSquares(
        n=n,
        k=k,
        bms=ss_rows / (n - 1),
        wms=ss_within / (n * (k - 1)),
        jms=ss_cols / (k - 1),
        ems=ss_error / ((n - 1) * (k - 1)),
        eps=eps,
    )


def _ratio(numerator: float, denominator: float, eps: float) -> float | None:
    """``numerator / denominator``, or ``None`` when the denominator is (numerically) zero."""
    if abs(denominator) <= eps:
        return None
    return numerator / denominator


def icc(matrix: ArrayLike) -> dict[str, float | None]:
    """The six Shrout & Fleiss (1979) intraclass correlations of a units x raters matrix.

    Keys are exactly :data:`ICC_FORMS`:

    * ``ICC1`` -- ICC(1,1), one-way random: each unit rated by different, random raters;
    * ``ICC2`` -- ICC(2,1), two-way random, absolute agreement of a single rater;
    * ``ICC3`` -- ICC(3,1), two-way mixed, consistency of a single rater (fixed raters);
    * ``ICC1k``, ``ICC2k``, ``ICC3k`` -- the same for the mean of the k raters.

    Rows with a missing cell (None or NaN) are dropped first, so the coefficients describe the
    units scored by *all* raters; the ANOVA formulas assume a balanced design and there is no
    single accepted way to impute. A form is ``None`` when the data cannot support it: fewer
    than 2 complete units, fewer than 2 raters, or a zero denominator (e.g. every score equal).
    Values can be negative when raters disagree more than chance would suggest.
    """
    ms = _mean_squares(matrix)
    if ms is None:
        return dict.fromkeys(ICC_FORMS)
    n, k, bms, wms, jms, ems, eps = ms
    return {
        "ICC1": _ratio(bms - wms, bms + (k - 1) * wms, eps),
        "ICC2": _ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n, eps),
        "ICC3": _ratio(bms - ems, bms + (k - 1) * ems, eps),
        "ICC1k": _ratio(bms - wms, bms, eps),
        "ICC2k": _ratio(bms - ems, bms + (jms - ems) / n, eps),
        "ICC3k": _ratio(bms - ems, bms, eps),
    }


def icc_confidence_intervals(
    matrix: ArrayLike, confidence: float = 0.95
) -> dict[str, tuple[float, float] | None]:
    """Confidence intervals ``(lower, upper)`` for each form returned by :func:`icc`.

    Uses the F-distribution intervals of Shrout & Fleiss (1979) and McGraw & Wong (1996); for
    ICC(2,1) and ICC(2,k) the denominator degrees of freedom come from the Satterthwaite
    approximation, written in the division-free form used by R's ``psych::ICC`` so that it
    stays finite when the point estimate is 1. Same complete-case rule as :func:`icc`; a form
    is ``None`` when its F ratio is undefined or infinite (e.g. perfect agreement), since the
    F-based interval then degenerates.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    intervals: dict[str, tuple[float, float] | None] = dict.fromkeys(ICC_FORMS)
    ms = _mean_squares(matrix)
    if ms is None:
        return intervals
    n, k, bms, wms, jms, ems, eps = ms
    q = 1 - (1 - confidence) / 2  # upper quantile for a two-sided interval

    def f_bounds(f_obs: float, df1: float, df2: float) -> tuple[float, float]:
        """Lower and upper confidence limits of the population F ratio."""
        return (
            f_obs / float(stats.f.ppf(q, df1, df2)),
            f_obs * float(stats.f.ppf(q, df2, df1)),
        )

    # One-way model: F = BMS / WMS on (n - 1, n(k - 1)) df.
    if wms > eps:
        lo, hi = f_bounds(bms / wms, n - 1, n * (k - 1))
        intervals["ICC1"] = ((lo - 1) / (lo + k - 1), (hi - 1) / (hi + k - 1))
        intervals["ICC1k"] = (1 - 1 / lo, 1 - 1 / hi)

    if ems <= eps:
        return intervals

    # Two-way mixed (consistency): F = BMS / EMS on (n - 1, (n - 1)(k - 1)) df.
    lo, hi = f_bounds(bms / ems, n - 1, (n - 1) * (k - 1))
    intervals["ICC3"] = ((lo - 1) / (lo + k - 1), (hi - 1) / (hi + k - 1))
    intervals["ICC3k"] = (1 - 1 / lo, 1 - 1 / hi)

    # Two-way random (absolute agreement): Satterthwaite df for the combined error term.
    rho = icc(matrix)["ICC2"]
    if rho is None:
        return intervals
    fj = jms / ems
    common = n * (1 + (k - 1) * rho) - k * rho
    v_num = (k - 1) * (n - 1) * (k * rho * fj + common) ** 2
    v_den = (n - 1) * (k * rho * fj) ** 2 + common**2
    if v_den <= 0 or v_num <= 0:
        return intervals
    v = v_num / v_den
    f_lo = float(stats.f.ppf(q, n - 1, v))
    f_hi = float(stats.f.ppf(q, v, n - 1))
    spread = k * jms + (k * n - k - n) * ems
    lower = n * (bms - f_lo * ems) / (f_lo * spread + n * bms)
    upper = n * (f_hi * bms - ems) / (spread + n * f_hi * bms)
    intervals["ICC2"] = (lower, upper)
    # Spearman-Brown step-up of the single-rater limits gives the k-rater limits.
    intervals["ICC2k"] = (lower * k / (1 + lower * (k - 1)), upper * k / (1 + upper * (k - 1)))
    return intervals


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    """True for None and NaN, the two spellings of a missing value."""
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _unit_values(data: Mapping[Hashable, Iterable[object]] | ArrayLike) -> list[list[object]]:
    """Turn either accepted input shape into one list of non-missing values per unit."""
    if isinstance(data, Mapping):
        columns: Iterable[Iterable[object]] = data.values()
    else:
        # Krippendorff's "reliability data": one row per observer, one column per unit.
        rows = [list(row) for row in data]  # type: ignore[union-attr]
        if len({len(row) for row in rows}) > 1:
            raise ValueError("reliability data rows (one per observer) must have equal length")
        columns = zip(*rows, strict=True) if rows else []
    return [[v for v in column if not _is_missing(v)] for column in columns]


def _squared_distances(
    values: Sequence[object], n_c: NDArray[np.float64], level: Level
) -> NDArray[np.float64]:
    """The metric difference matrix delta^2 for the sorted distinct ``values``."""
    size = len(values)
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "interval":
        x = np.array(values, dtype=float)
        return (x[:, None] - x[None, :]) ** 2
    # Ordinal: the distance between ranks c < k is the number of pairable values from c to k,
    # less half of each end category, squared (Krippendorff 2011, section C). It depends on the
    # marginal frequencies n_g, not on the numeric gaps between the scale points.
    cumulative = np.concatenate(([0.0], np.cumsum(n_c)))
    delta = np.zeros((size, size))
    for c in range(size):
        for k in range(c + 1, size):
            spanned = cumulative[k + 1] - cumulative[c]
            delta[c, k] = delta[k, c] = (spanned - (n_c[c] + n_c[k]) / 2) ** 2
    return delta


def krippendorff_alpha(
    data: Mapping[Hashable, Iterable[object]] | ArrayLike, level: Level = "nominal"
) -> float | None:
    """Krippendorff's alpha by the coincidence-matrix method (Krippendorff 2011).

    ``data`` is either a mapping ``{unit: [value, ...]}`` (rater identity is irrelevant to
    alpha) or Krippendorff's reliability-data matrix with **one row per observer and one column
    per unit**. None or NaN marks a missing value. Units left with fewer than two values are
    not pairable and contribute nothing.

    ``level`` selects the difference function: ``"nominal"`` (any mismatch counts 1),
    ``"ordinal"`` (rank-based, using the marginal frequencies n_g) or ``"interval"`` (squared
    difference). Ordinal and interval values must be numbers.

    Returns ``None`` when alpha is undefined: no pairable values, or zero expected
    disagreement (every pairable value the same).
    """
    if level not in ALPHA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(ALPHA_LEVELS)}, got {level!r}")
    pairable = [values for values in _unit_values(data) if len(values) >= 2]
    if not pairable:
        return None
    if level != "nominal":
        pairable = [[float(v) for v in values] for values in pairable]  # type: ignore[arg-type]
    return _alpha(*_coincidences(pairable), level)


def _coincidences(
    pairable: Sequence[Sequence[object]],
) -> tuple[list[object], NDArray[np.float64]]:
    """The sorted distinct values of the pairable units and their coincidence matrix."""
    distinct = {v for values in pairable for v in values}
    try:
        ordered: list[object] = sorted(distinct)  # type: ignore[type-var]
    except TypeError:  # nominal labels of mixed types: any fixed order will do
        ordered = sorted(distinct, key=repr)
    index = {value: i for i, value in enumerate(ordered)}

    # Each unit with m_u values contributes every ordered pair of its values, weighted
    # 1/(m_u - 1) so that each unit adds exactly m_u pairable values in total. With
    # counts[u, c] the number of unit u's values in category c, that is the sum over units of
    # (counts_u counts_u^T - diag(counts_u)) / (m_u - 1): one matrix product less a diagonal.
    counts = np.zeros((len(pairable), len(ordered)))
    for u, values in enumerate(pairable):
        for value, count in Counter(values).items():
            counts[u, index[value]] = count
    weighted = counts / (counts.sum(axis=1) - 1.0)[:, None]
    return ordered, weighted.T @ counts - np.diag(weighted.sum(axis=0))


def _alpha(ordered: list[object], coincidences: NDArray[np.float64], level: Level) -> float | None:
    """Alpha at `level` from a coincidence matrix; None with zero expected disagreement."""
    n_c = coincidences.sum(axis=1)
    n = n_c.sum()
    delta = _squared_distances(ordered, n_c, level)
    expected = float((np.outer(n_c, n_c) * delta).sum())
    if expected <= _RELATIVE_EPS * n * n * max(1.0, float(delta.max())):
        return None
    observed = float((coincidences * delta).sum())
    return 1.0 - (n - 1) * observed / expected


# --------------------------------------------------------------------------------------------
# Simple agreement shares
# --------------------------------------------------------------------------------------------


def pairwise_agreement(ratings: Iterable[RatingLike]) -> tuple[float | None, float | None]:
    """Share of rater pairs within each unit whose scores are equal, and within one point.

    Every unordered pair of non-missing scores on the same unit counts once, so a unit scored
    by m raters contributes m(m-1)/2 pairs. Returns ``(exact, adjacent)``, where adjacent
    includes exact; both are ``None`` when there is no pair at all.
    """
    by_unit, _ = _scores_by_unit(ratings)
    pairs = exact = adjacent = 0
    for scores in by_unit.values():
        values = list(scores.values())
        for i, first in enumerate(values):
            for second in values[i + 1 :]:
                gap = abs(first - second)
                pairs += 1
                exact += gap <= _SCORE_TOLERANCE
                adjacent += gap <= 1 + _SCORE_TOLERANCE
    if pairs == 0:
        return None, None
    return exact / pairs, adjacent / pairs


# --------------------------------------------------------------------------------------------
# Interpretation
# --------------------------------------------------------------------------------------------


def interpret_icc(value: float | None) -> str:
    """Koo & Li (2016) label for an ICC: poor, moderate, good or excellent.

    Bands: below 0.5 poor; from 0.5 below 0.75 moderate; from 0.75 up to 0.9 good; above 0.9
    excellent ("greater than 0.90" in Koo & Li, so exactly 0.9 stays good). Koo & Li also say
    the judgement should rest on the 95% confidence interval, not the point estimate alone.
    ``None`` gives "not estimable".
    """
    if value is None:
        return "not estimable"
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    if value <= 0.9:
        return "good"
    return "excellent"


def interpret_alpha(value: float | None) -> str:
    """Krippendorff's (2004) guidance for alpha: reliable, tentative or unreliable.

    ``>= 0.800`` reliable; ``0.667`` to ``0.800`` only tentative conclusions; below ``0.667``
    unreliable. ``None`` gives "not estimable".
    """
    if value is None:
        return "not estimable"
    if value >= 0.800:
        return "reliable"
    if value >= 0.667:
        return "tentative"
    return "unreliable"


# --------------------------------------------------------------------------------------------
# Summary for the command line
# --------------------------------------------------------------------------------------------


def _rounded(value: float | None) -> float | None:
    """Round for reporting; adding 0.0 turns -0.0 into 0.0 so JSON never shows "-0.0"."""
    return None if value is None else round(value, 4) + 0.0


def summarise(ratings: Iterable[RatingLike]) -> dict[str, object]:
    """All agreement statistics for ``ratings`` as a JSON-ready dict.

    Shape (floats rounded to 4 decimals, ``None`` where a statistic is undefined)::

        {"n_units": int, "n_raters": int,
         "icc": {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"},
         "alpha": {"nominal", "ordinal", "interval"},
         "exact_agreement": float | None, "adjacent_agreement": float | None}

    ``n_units`` and ``n_raters`` count units and raters with at least one score. ICCs use only
    the units every counted rater scored (see :func:`icc`); alpha and the agreement shares use
    every unit with at least two scores.
    """
    ratings = list(ratings)  # read twice below; callers may pass a generator
    units, raters, matrix = ratings_matrix(ratings)
    # Every level's alpha comes from the same coincidence matrix of the same numbers.
    pairable = [
        values for values in (row[~np.isnan(row)].tolist() for row in matrix) if len(values) >= 2
    ]
    coincidences = _coincidences(pairable) if pairable else None
    exact, adjacent = pairwise_agreement(ratings)
    return {
        "n_units": len(units),
        "n_raters": len(raters),
        "icc": {form: _rounded(value) for form, value in icc(matrix).items()},
        "alpha": {
            level: _rounded(_alpha(*coincidences, level) if coincidences else None)
            for level in ALPHA_LEVELS
        },
        "exact_agreement": _rounded(exact),
        "adjacent_agreement": _rounded(adjacent),
    }


# --------------------------------------------------------------------------------------------
# CSV input
# --------------------------------------------------------------------------------------------


def _parse_score(text: str, line: int) -> float | None:
    """Parse one score cell: blank is missing; anything else must be a finite number."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise AgreementInputError(f"score {text!r} is not a number", line) from None
    if not math.isfinite(value):
        raise AgreementInputError(f"score {text!r} is not a finite number", line)
    return value


def _header_columns(header: list[str], line: int) -> dict[str, int]:
    """Map each required column name to its position in ``header``."""
    names = [cell.strip().lstrip("\ufeff").strip() for cell in header]  # Excel writes a BOM
    positions: dict[str, int] = {}
    for position, name in enumerate(names):
        key = name.lower()
        if key in REQUIRED_COLUMNS:
            if key in positions:
                raise AgreementInputError(f"duplicate column {key!r}", line)
            positions[key] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        found = ", ".join(name or "(blank)" for name in names)
        label = "column" if len(missing) == 1 else "columns"
        quoted = ", ".join(repr(name) for name in missing)
        raise AgreementInputError(f"missing {label} {quoted} (found: {found})", line)
    return positions


def read_long_csv(text_or_file: str | bytes | IO[str]) -> list[Rating]:
    """Read long-format ratings from CSV text or an open text file.

    The first non-blank line is a header naming at least the columns ``unit``, ``rater`` and
    ``score`` (any order, case and surrounding spaces ignored; other columns are ignored). Each
    further row is one rating. A blank score cell -- or a score cell missing because the row
    stops early -- is a missing rating; blank lines are skipped.

    Raises :class:`AgreementInputError` whose message starts with the 1-based line number for:
    an empty file, a missing column, a row with too few cells to hold unit and rater or with
    extra non-blank cells, a blank unit or rater, a score that is not a finite number, a rater
    rating the same unit twice, and a file with no scored rating at all. Unit and rater names
    are kept as stripped strings.
    """
    if isinstance(text_or_file, bytes):
        text_or_file = text_or_file.decode("utf-8-sig")
    source = io.StringIO(text_or_file) if isinstance(text_or_file, str) else text_or_file
    reader = csv.reader(source)

    # csv.reader counts physical lines; a row starts on the line after the previous row ended,
    # which keeps numbers right even when a quoted cell spans lines.
    def rows() -> Iterable[tuple[int, list[str]]]:
        previous_end = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise AgreementInputError(f"malformed CSV: {error}", reader.line_num) from None
            start, previous_end = previous_end + 1, reader.line_num
            if any(cell.strip() for cell in row):  # skip blank lines and rows of empty cells
                yield start, row

    numbered = iter(rows())
    first = next(numbered, None)
    if first is None:
        raise AgreementInputError(
            "file is empty; expected a header row with columns unit, rater, score", 1
        )
    header_line, header = first
    columns = _header_columns(header, header_line)
    needed = max(columns["unit"], columns["rater"]) + 1

    ratings: list[Rating] = []
    first_seen: dict[tuple[str, str], int] = {}
    data_rows = 0
    for line, row in numbered:
        data_rows += 1
        # Spreadsheets often drop trailing empty cells or add empty ones; tolerate both as long
        # as nothing meaningful is lost or unaccounted for.
        too_short = len(row) < needed
        too_long = len(row) > len(header) and any(cell.strip() for cell in row[len(header) :])
        if too_short or too_long:
            raise AgreementInputError(f"expected {len(header)} fields, found {len(row)}", line)

        def cell(name: str, row: list[str] = row) -> str:
            position = columns[name]
            return row[position].strip() if position < len(row) else ""

        unit, rater = cell("unit"), cell("rater")
        if not unit:
            raise AgreementInputError("unit is blank", line)
        if not rater:
            raise AgreementInputError("rater is blank", line)
        score = _parse_score(cell("score"), line)
        if (unit, rater) in first_seen:
            raise AgreementInputError(
                f"rater {rater!r} rated unit {unit!r} twice "
                f"(first on line {first_seen[(unit, rater)]})",
                line,
            )
        first_seen[(unit, rater)] = line
        ratings.append(Rating(unit, rater, score))

    if data_rows == 0:
        raise AgreementInputError("no ratings found below the header", header_line)
    if all(rating.score is None for rating in ratings):
        raise AgreementInputError(
            f"no ratings found: every one of the {data_rows} rows has a blank score", header_line
        )
    return ratings
