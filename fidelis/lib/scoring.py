"""Scoring fidelity items and whole scales from reviewers' decisions.

Plain data in, plain data out: the scale comes from :mod:`fidelis.lib.scalefile`, the decisions
are :class:`CriterionDecision` values keyed by criterion letter, and the results are frozen
dataclasses the review pages, reports and benchmarks display. The rules are those of the
``fidelis-scale/1`` specification (``docs/scales.md``):

* an ``all_sources`` criterion is met only when it is rated met *and* every source it lists is
  recorded as supporting it;
* "partial" counts only for criteria that define what partly met means;
* a met criterion that is ``stricter_than`` another makes that one count as met;
* a ``count`` rule scores the credit-weighted count; an ``anchors`` rule takes the chosen level.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fidelis.lib.scalefile import Band, Criterion, Item, Scale, achievable_counts

__all__ = [
    "MET",
    "NOT_MET",
    "PARTIAL",
    "STATUSES",
    "UNDECIDED",
    "CriterionDecision",
    "ItemScore",
    "ScaleScore",
    "band_for",
    "describe_rule",
    "effective_statuses",
    "score_item",
    "score_scale",
    "suggest_from_routine_data",
]

MET = "met"
PARTIAL = "partial"
NOT_MET = "not_met"
UNDECIDED = "undecided"
#: The statuses a reviewer can record (``None`` means not yet decided).
STATUSES = (MET, PARTIAL, NOT_MET)

_COUNT_DIGITS = 9
_NUMBER_WORDS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


@dataclass(frozen=True)
class CriterionDecision:
    """A reviewer's (or the panel's) decision on one criterion.

    ``status`` is ``"met"``, ``"partial"``, ``"not_met"`` or ``None`` (not yet decided);
    ``sources`` are the evidence source codes recorded as supporting the criterion;
    ``parts`` the labels of the parts recorded as met, for a criterion that counts parts.
    """

    status: str | None
    sources: frozenset[str] = field(default_factory=frozenset)
    parts: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(
                f"unknown criterion status {self.status!r}; use one of {', '.join(STATUSES)}"
            )
        if not isinstance(self.sources, frozenset):
            # Callers naturally pass lists or sets; the dataclass stays hashable either way.
            object.__setattr__(self, "sources", frozenset(self.sources))
        if not isinstance(self.parts, frozenset):
            object.__setattr__(self, "parts", frozenset(self.parts))


@dataclass(frozen=True)
class NextStep:
    """What would raise an item by one step, as data: the score it would reach, how many of
    the criteria now not met would have to be met (any of ``candidates``), and which partly
    met criteria would have to be fully met (``upgrades``, all of them). ``text`` says the
    same in a sentence. For an item scored by choosing a level, ``anchor`` is the next
    level's description and the criteria fields are empty."""

    from_score: int
    to_score: int
    new_criteria: int = 0
    candidates: tuple[str, ...] = ()
    upgrades: tuple[str, ...] = ()
    anchor: str | None = None
    text: str = ""

    @property
    def one_more(self) -> bool:
        """True when a single change to one criterion raises the item: one more criterion
        met, or one partly met criterion fully met."""
        if self.anchor is not None:
            return False
        return (self.new_criteria == 1 and not self.upgrades) or (
            self.new_criteria == 0 and len(self.upgrades) == 1
        )


@dataclass(frozen=True)
class ItemScore:
    """The outcome of scoring one item.

    ``score`` is ``None`` while the item cannot be scored yet (a count rule needs every criterion
    decided, an anchor rule needs a chosen level). ``count`` is the credit-weighted count of the
    criteria decided so far; ``statuses`` are the effective statuses by letter.
    """

    item_number: int
    score: int | None
    count: float
    max_count: int
    met: tuple[str, ...]
    partial: tuple[str, ...]
    undecided: tuple[str, ...]
    statuses: dict[str, str]
    next_step: str | None
    raise_to: NextStep | None = None

    def __hash__(self) -> int:
        return hash((self.item_number, self.score, self.count, self.met, self.partial))

    @property
    def one_more(self) -> bool:
        """One more criterion met (or one partly met criterion fully met) would raise it."""
        return self.raise_to is not None and self.raise_to.one_more


@dataclass(frozen=True)
class ScaleScore:
    """The totals for a set of item scores on one scale.

    ``total`` and the means use only the items scored so far; ``complete`` says whether every
    item is scored. ``band`` is ``None`` when nothing is scored.
    """

    total: int
    mean: float | None
    n_items: int
    n_scored: int
    complete: bool
    section_means: dict[int, float | None]
    band: Band | None
    min_total: int
    max_total: int

    def __hash__(self) -> int:
        return hash((self.total, self.n_items, self.n_scored))


def _round(count: float) -> float:
    return round(count, _COUNT_DIGITS)


def _number(value: float) -> str:
    value = _round(value)
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _letters(letters: Sequence[str]) -> str:
    quoted = list(letters)
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _criteria_word(letters: Sequence[str], capital: bool = True) -> str:
    word = "Criterion" if len(letters) == 1 else "Criteria"
    return (word if capital else word.lower()) + " " + _letters(letters)


def _count_word(n: int, capital: bool = True) -> str:
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return word if capital else word.lower()


def effective_statuses(
    item: Item, decisions: Mapping[str, CriterionDecision | None] | None
) -> dict[str, str]:
    """Each criterion's status after the scale's rules, by letter.

    The values are ``"met"``, ``"partial"``, ``"not_met"`` or ``"undecided"``. Decisions for
    letters the item does not have raise ``ValueError``, since they mean the ratings belong to
    another item or scale version.
    """
    decisions = decisions or {}
    unknown = set(decisions) - set(item.letters)
    if unknown:
        raise ValueError(
            f"item {item.number} has no criterion {', '.join(sorted(unknown))}; "
            f"its criteria are {', '.join(item.letters) or 'none'}"
        )
    statuses: dict[str, str] = {}
    for criterion in item.criteria:
        decision = decisions.get(criterion.letter)
        status = decision.status if decision is not None else None
        if status is None:
            statuses[criterion.letter] = UNDECIDED
        elif not criterion.sources_agree(decision.sources):
            statuses[criterion.letter] = NOT_MET
        elif criterion.parts is not None and status == MET:
            statuses[criterion.letter] = MET if criterion.parts.enough(decision.parts) else NOT_MET
        elif criterion.parts is not None or criterion.all_sources:
            statuses[criterion.letter] = MET if status == MET else NOT_MET
        elif status == PARTIAL and criterion.partial is None:
            statuses[criterion.letter] = NOT_MET
        else:
            statuses[criterion.letter] = status
    # Stricter criteria can chain (d implies c implies b), so propagate until nothing changes.
    changed = True
    while changed:
        changed = False
        for criterion in item.criteria:
            weaker = criterion.stricter_than
            if (
                weaker is not None
                and weaker in statuses
                and statuses[criterion.letter] == MET
                and statuses[weaker] != MET
            ):
                statuses[weaker] = MET
                changed = True
    return statuses


def _count(item: Item, statuses: Mapping[str, str]) -> float:
    total = 0.0
    for criterion in item.counted:
        status = statuses[criterion.letter]
        if status == MET:
            total += 1.0
        elif status == PARTIAL and criterion.partial is not None:
            total += criterion.partial.credit
    return _round(total)


def score_item(
    item: Item,
    decisions: Mapping[str, CriterionDecision | None] | None = None,
    *,
    anchor_level: int | None = None,
) -> ItemScore:
    """Score one item from criterion decisions (count rules) or a chosen level (anchor rules).

    ``raise_to`` says what would raise the score by one step, as data (``None`` at the top
    score or while the item cannot be scored); ``next_step`` is the plain-English sentence
    for it, or for what is missing before the item can be scored.
    """
    statuses = effective_statuses(item, decisions)
    count = _count(item, statuses)
    met = tuple(letter for letter, s in statuses.items() if s == MET)
    partial = tuple(letter for letter, s in statuses.items() if s == PARTIAL)
    undecided = tuple(letter for letter, s in statuses.items() if s == UNDECIDED)
    rule = item.rule
    gate = item.precondition
    score: int | None
    raise_to: NextStep | None
    if gate is not None and rule.kind == "count" and statuses[gate.criterion] != MET:
        score, next_step, raise_to = _gated(item, statuses)
    elif rule.kind == "anchors":
        anchors = rule.anchors or {}
        if anchor_level is not None and anchor_level not in anchors:
            raise ValueError(
                f"item {item.number}: {anchor_level} is not a level of this item's anchors "
                f"({', '.join(str(k) for k in sorted(anchors))})"
            )
        score = anchor_level
        raise_to = _anchor_raise(anchors, score)
        if score is None:
            next_step = "Choose the level whose description fits this team best."
        else:
            next_step = raise_to.text if raise_to else None
    else:
        if anchor_level is not None:
            raise ValueError(f"item {item.number} is scored by counting criteria, not by a level")
        thresholds = rule.thresholds or {}
        raise_to = None
        if undecided:
            score = None
            noun = "criterion" if len(undecided) == 1 else "criteria"
            verb = "needs" if len(undecided) == 1 else "need"
            next_step = (
                f"{noun.capitalize()} {_letters(undecided)} still {verb} a decision before this "
                "item can be scored."
            )
        else:
            score = rule.score_for_count(count, met)
            raise_to = _count_raise(item, thresholds, statuses, count, score)
            next_step = raise_to.text if raise_to else None
    return ItemScore(
        item_number=item.number,
        score=score,
        count=count,
        max_count=len(item.counted),
        met=met,
        partial=partial,
        undecided=undecided,
        statuses=statuses,
        next_step=next_step,
        raise_to=raise_to,
    )


def _gated(item, statuses) -> tuple[int | None, str, NextStep | None]:
    """The score, next step and raise of an item whose precondition is undecided or not
    met: the other criteria wait."""
    assert item.precondition is not None
    letter, otherwise = item.precondition.criterion, item.precondition.otherwise
    if statuses[letter] == UNDECIDED:
        return (
            None,
            f"Criterion {letter} is the precondition: decide it first; while it is not met, "
            f"this item scores {otherwise}.",
            None,
        )
    higher = sorted(level for level in (item.rule.thresholds or {}) if level > otherwise)
    text = (
        f"Criterion {letter} is the precondition: until it is met, the other criteria do "
        f"not count and this item scores {otherwise}."
    )
    raise_to = (
        NextStep(
            from_score=otherwise,
            to_score=higher[0],
            new_criteria=1,
            candidates=(letter,),
            text=text,
        )
        if higher
        else None
    )
    return otherwise, text, raise_to


def _anchor_raise(anchors: Mapping[int, str], score: int | None) -> NextStep | None:
    if score is None:
        return None
    higher = [level for level in sorted(anchors) if level > score]
    if not higher:
        return None
    anchor = anchors[higher[0]].strip()
    return NextStep(
        from_score=score, to_score=higher[0], anchor=anchor, text=f"To reach {higher[0]}: {anchor}"
    )


def _credit_now(criterion: Criterion, status: str) -> float:
    """What a criterion adds to the count now."""
    if status == MET:
        return 1.0
    if status == PARTIAL and criterion.partial is not None:
        return criterion.partial.credit
    return 0.0


def _count_raise(
    item: Item,
    thresholds: Mapping[int, float],
    statuses: Mapping[str, str],
    count: float,
    score: int,
) -> NextStep | None:
    higher = sorted(level for level in thresholds if level > score)
    if not higher:
        return None
    target = higher[0]
    needed = _round(thresholds[target] - count)
    raise_text = f"would raise this item from {score} to {target}."
    missing = [letter for letter in item.rule.required_for(target) if statuses.get(letter) != MET]
    if missing:
        # A score that needs named criteria: those come first, and may be all it takes.
        gain = sum(1.0 - _credit_now(item.criterion(x), statuses[x]) for x in missing)
        extra = max(math.ceil(_round(needed - gain) - 1e-9), 0)
        text = f"Meeting {_criteria_word(missing, capital=False)} (needed for {target})"
        if extra:
            noun = "criterion" if extra == 1 else "criteria"
            text += f" and {_count_word(extra, False)} more {noun}"
        text += f" {raise_text}"
        return NextStep(
            from_score=score,
            to_score=target,
            new_criteria=len(missing) + extra,
            candidates=tuple(missing),
            text=text,
        )

    def step(new: int, upgrades: Sequence[str], text: str) -> NextStep:
        return NextStep(
            from_score=score,
            to_score=target,
            new_criteria=new,
            candidates=tuple(not_met) if new else (),
            upgrades=tuple(upgrades),
            text=text,
        )

    # Upgrading a partly met criterion is usually the smallest step, so it is offered first.
    upgrades = [
        (1.0 - c.partial.credit, c.letter)
        for c in item.criteria
        if statuses[c.letter] == PARTIAL and c.partial is not None
    ]
    not_met = [c.letter for c in item.criteria if statuses[c.letter] == NOT_MET]
    for gain, letter in upgrades:
        if _round(gain) >= needed:
            return step(
                0, [letter], f"Fully meeting criterion {letter} (now partly met) {raise_text}"
            )
    new = min(len(not_met), max(math.ceil(needed - 1e-9), 0))
    remaining = _round(needed - new)
    if remaining <= 0:
        noun = "criterion" if new == 1 else "criteria"
        return step(new, [], f"{_count_word(new)} more {noun} met {raise_text}")
    # Every not-met criterion is needed and still not enough: add the largest upgrades.
    chosen: list[str] = []
    for gain, letter in sorted(upgrades, reverse=True):
        chosen.append(letter)
        remaining = _round(remaining - gain)
        if remaining <= 0:
            break
    upgrade_text = f"fully meeting {_criteria_word(sorted(chosen), capital=False)} (now partly met)"
    if new == 0:
        return step(0, sorted(chosen), f"{upgrade_text[0].upper()}{upgrade_text[1:]} {raise_text}")
    noun = "criterion" if new == 1 else "criteria"
    return step(
        new, sorted(chosen), f"{_count_word(new)} more {noun} met and {upgrade_text} {raise_text}"
    )


def band_for(scale: Scale, mean: float) -> Band:
    """The band a mean item score falls in: the one with the highest minimum it satisfies."""
    chosen = scale.bands[0]
    for band in scale.bands:
        if band.admits(mean):
            chosen = band
    return chosen


def score_scale(scale: Scale, item_scores: Mapping[int, int | None]) -> ScaleScore:
    """Totals, means and band for item scores keyed by item number.

    Items missing from ``item_scores`` or scored ``None`` count as not yet scored. Scores for
    unknown items, or outside the scale's levels, raise ``ValueError``.
    """
    numbers = [item.number for item in scale.items]
    unknown = set(item_scores) - set(numbers)
    if unknown:
        raise ValueError(f"the scale has no item {', '.join(str(n) for n in sorted(unknown))}")
    levels = set(scale.level_values)
    for number, value in item_scores.items():
        if value is not None and value not in levels:
            raise ValueError(
                f"item {number}: {value} is not a level of the scale "
                f"({scale.min_level} to {scale.max_level})"
            )
    scored = [item_scores[n] for n in numbers if item_scores.get(n) is not None]
    total = sum(s for s in scored if s is not None)
    mean = total / len(scored) if scored else None
    section_means: dict[int, float | None] = {}
    for section in scale.sections:
        values = [
            item_scores[item.number]
            for item in section.items
            if item_scores.get(item.number) is not None
        ]
        section_means[section.number] = (
            sum(v for v in values if v is not None) / len(values) if values else None
        )
    return ScaleScore(
        total=total,
        mean=mean,
        n_items=len(numbers),
        n_scored=len(scored),
        complete=len(scored) == len(numbers),
        section_means=section_means,
        band=band_for(scale, mean) if mean is not None else None,
        min_total=len(numbers) * scale.min_level,
        max_total=len(numbers) * scale.max_level,
    )


def scores_record(item_scores: Mapping[int, int | None], result: ScaleScore) -> dict:
    """The agreed scores as a review stores them beside its total: the scored items and the
    section means, numbers as strings (as JSON keys are)."""
    return {
        "items": {str(n): s for n, s in sorted(item_scores.items()) if s is not None},
        "sections": {str(n): m for n, m in result.section_means.items() if m is not None},
    }


def suggest_from_routine_data(criterion: Criterion, value: float) -> bool | None:
    """Whether a routine-data figure suggests the criterion is met (``None`` if it has none).

    This is a suggestion for reviewers to confirm, never a decision.
    """
    if criterion.routine_data is None:
        return None
    return criterion.routine_data.suggests_met(value)


_COMPARISON_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}
_CREDIT_WORDS = {0.5: "half", 0.25: "a quarter", 0.75: "three quarters"}


def _credit_text(credit: float) -> str:
    return _CREDIT_WORDS.get(credit, f"{_number(credit)} of a met criterion")


def _figure(value: float, unit: str) -> str:
    number = _number(value)
    if unit == "percent":
        return f"{number}%"
    if unit in ("hours", "days"):
        return f"{number} {unit[:-1] if number == '1' else unit}"
    return number


def _count_lines(item: Item) -> list[str]:
    thresholds = item.rule.thresholds or {}
    n = len(item.counted)
    counts = achievable_counts(item.counted)
    ordered = sorted(thresholds, reverse=True)
    lines: list[str] = []
    for position, score in enumerate(ordered):
        low = thresholds[score]
        high = thresholds[ordered[position - 1]] if position > 0 else math.inf
        values = [c for c in counts if low <= c < high]
        if not values:
            continue
        lowest = position == len(ordered) - 1
        if position == 0 and values == [n] and n > 1:
            lines.append(f"All {n} criteria met: score {score}")
        elif position == 0 and values == [n]:
            lines.append(f"The criterion met: score {score}")
        elif lowest and values[-1] == 0:
            lines.append(f"None met: score {score}")
        elif lowest:
            lines.append(f"{_number(values[-1])} or fewer met: score {score}")
        elif len(values) == 1:
            lines.append(f"{_number(values[0])} met: score {score}")
        elif len(values) == 2:
            lines.append(f"{_number(values[0])} or {_number(values[1])} met: score {score}")
        elif position == 0:
            lines.append(f"{_number(values[0])} or more met: score {score}")
        else:
            lines.append(f"{_number(values[0])} to {_number(values[-1])} met: score {score}")
    return lines


def describe_rule(item: Item) -> list[str]:
    """The item's scoring rule in plain English, one sentence per line, highest score first."""
    lines: list[str] = []
    rule = item.rule
    if rule.kind == "anchors":
        anchors = rule.anchors or {}
        lines.append("Reviewers choose the score whose description fits best.")
        lines.extend(
            f"Score {level}: {anchors[level].strip()}" for level in sorted(anchors, reverse=True)
        )
    else:
        thresholds = rule.thresholds or {}
        lines.extend(_count_lines(item))
        top, bottom = max(thresholds), min(thresholds)
        # Levels a rule leaves out are worth saying aloud: reviewers otherwise look for them.
        skipped = [level for level in range(bottom, top + 1) if level not in thresholds]
        if skipped:
            scores = " or ".join(str(level) for level in skipped)
            lines.append(f"This item never scores {scores}.")
        for level in sorted(rule.requires or {}, reverse=True):
            named = _criteria_word(rule.required_for(level), capital=False)
            lines.append(f"Score {level} also needs {named} met.")
    if item.precondition is not None and rule.kind == "count":
        gate = item.precondition
        lines.insert(
            0,
            f"Criterion {gate.criterion} is a precondition: while it is not met the item "
            f"scores {gate.otherwise}, whatever the others. Once it is met, the other "
            "criteria are counted:",
        )
    lines.extend(_criterion_notes(item.criteria))
    return lines


def _criterion_notes(criteria: Iterable[Criterion]) -> list[str]:
    criteria = list(criteria)
    notes: list[str] = []
    by_credit: dict[float, list[str]] = {}
    for c in criteria:
        if c.partial is not None:
            by_credit.setdefault(c.partial.credit, []).append(c.letter)
    if len(by_credit) == 1:
        credit, letters = next(iter(by_credit.items()))
        verb = "can" if len(letters) == 1 else "can each"
        notes.append(
            f"{_criteria_word(letters)} {verb} be partly met. "
            f"A partly met criterion counts as {_credit_text(credit)}."
        )
    else:
        for credit, letters in sorted(by_credit.items()):
            verb = "counts" if len(letters) == 1 else "each count"
            notes.append(
                f"{_criteria_word(letters)} can be partly met; partly met, "
                f"{'it' if len(letters) == 1 else 'they'} {verb} as {_credit_text(credit)}."
            )
    all_sources = [c.letter for c in criteria if c.all_sources]
    if all_sources:
        verb = "counts" if len(all_sources) == 1 else "count"
        notes.append(f"{_criteria_word(all_sources)} {verb} only when every listed source agrees.")
    for c in criteria:
        if c.stricter_than is not None:
            notes.append(
                f"Criterion {c.letter} is a stricter form of criterion {c.stricter_than}: "
                f"when {c.letter} is met, {c.stricter_than} counts as met too."
            )
    for c in criteria:
        if c.parts is not None:
            notes.append(
                f"Criterion {c.letter} is met when at least {c.parts.at_least} of its "
                f"{len(c.parts.parts)} parts are."
            )
    for c in criteria:
        if c.routine_data is not None:
            data = c.routine_data
            notes.append(
                f"Routine data can suggest criterion {c.letter}: "
                f"{data.measure.strip().rstrip('.')} {_COMPARISON_WORDS[data.comparison]} "
                f"{_figure(data.threshold, data.unit)} (reviewers confirm it)."
            )
    return notes
