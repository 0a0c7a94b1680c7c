"""Synthetic fidelity reviews: realistic finalised and in-progress reviews, built fast.

The demo programme and `fidelis seed` use this to fill programmes with reviews whose
numbers look like real ones. The model follows the published facts in PRODUCT.md: 75 UK
crisis teams had a median mean item score of about 3.1 (interquartile range about 2.85 to
3.4, range 1.9 to 3.9); two thirds had moderate fidelity and none high; structural items
(access, 24-hour availability, gatekeeping, medicines, safety, staffing) scored higher than
the content of care (talking therapies, carers, practical help, crisis planning); and
individual reviewers' item scores correlated at about r = 0.65.

For each team there is a latent level, for each item an effect, and from them a "true"
score per item and timepoint. For items scored by counting criteria a set of criterion
decisions giving that score is chosen (respecting partial, all-source and stricter
criteria); the panel's consensus is those true decisions, and each reviewer's independent
decisions are the true ones with some changed. Every score stored is what the scoring engine
(`fidelis.lib.scoring.score_item`) gives for the decisions stored with it. Follow-up reviews
improve on average, most on the three or four items each team chose to work on, and keep
the decisions that did not change.

Rows are written a chunk of teams at a time: reviews and panel places with `bulk_create`
(the rows under them need their ids), everything else as plain rows (`fidelis.bulk`).
History records are not written for synthetic rows.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fidelis import bulk
from fidelis.lib.scoring import CriterionDecision, score_item, score_scale, scores_record
from fidelis.programmes.models import Membership, Role
from fidelis.reviews.actions import DEFAULT_DOCUMENTS, DEFAULT_INTERVIEWS
from fidelis.reviews.agreement import figures_of
from fidelis.reviews.models import (
    AgreedScore,
    Amendment,
    ConsensusCriterion,
    ConsensusItem,
    CriterionRating,
    PanelMember,
    PanelRole,
    PreparationItem,
    Rating,
    Review,
    RoutineValue,
    Status,
)
from fidelis.reviews.scores import ranking_rows

__all__ = [
    "BuildResult",
    "InProgress",
    "PanelPool",
    "ScaleModel",
    "Seat",
    "build_reviews",
    "delete_reviews",
]

NOT_MET, PARTIAL, MET = 0, 1, 2
_STATUS = {NOT_MET: "not_met", PARTIAL: "partial", MET: "met"}

# Team level (mean item score before rounding) at baseline: centre, spread, and the limits
# of the published range. The lower tail is longer than the upper one, as published.
LEVEL_CENTRE = 3.16
LEVEL_SPREAD = 0.33
LEVEL_LOW_TAIL = 1.25
LEVEL_RANGE = (1.9, 3.65)
# How far a team's items scatter around its level, and how much they move between visits.
ITEM_SPREAD = 0.75
OCCASION_NOISE = 0.3
# Improvement over a 12-month programme: across all items, and extra on the items worked on.
GENERAL_GAIN = (0.17, 0.17)  # mean and spread, at 12 months
FOCUS_GAIN = (0.7, 1.3)  # uniform range, at 12 months
FOCUS_ITEMS = (3, 4)
# Reviewers' independent decisions: the chance each criterion is decided differently from
# the panel's agreed decision, and for anchor items the chance of a level one step away.
FLIP_CHANCE = 0.09
ANCHOR_STEP_CHANCE = 0.35
# A reviewer marks an all-sources criterion met without recording every source.
MISSED_SOURCE_CHANCE = 0.08
PARTIAL_WEIGHT = 0.35

# Item effects by title: structural items score higher than the content of care. The first
# matching entry wins; items that match none get 0. The effects are centred per scale.
ITEM_EFFECTS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("day and night", "24 hour", "24-hour", "availab"), 0.6),
    (("first response", "response time", "quick"), 0.5),
    (("admission", "gatekeep", "gate-keep"), 0.5),
    (("medic",), 0.6),
    (("safe", "risk"), 0.6),
    (("handover", "caseload review"), 0.6),
    (("enough staff", "staffing", "shift"), 0.4),
    (("ways in", "access", "referral"), 0.4),
    (("profession", "skill mix", "mix of"), 0.3),
    (("record",), 0.3),
    (("assessment",), 0.3),
    (("at home", "home visit", "place of"), 0.3),
    (("supervision",), 0.2),
    (("shaping", "involvement", "involving"), -0.7),
    (("talking", "psycholog", "therap"), -0.9),
    (("famil", "carer"), -0.8),
    (("future crises", "crisis plan", "relapse"), -0.8),
    (("practical", "social"), -0.7),
    (("physical health",), -0.3),
    (("familiar", "continuity"), -0.3),
    (("training",), -0.2),
    (("visit times", "say in", "choice"), -0.2),
)

NOTES = [
    "Asked the manager for the night rota; it confirmed two staff on most nights.",
    "Service users' accounts differed here; worth talking through at consensus.",
    "Case notes were clear on this for most of the people whose notes we read.",
    "Staff described this well, but the paperwork was out of date.",
    "Carers were less positive about this than staff.",
    "Routine data supported what the manager said.",
    "Not sure about this one: the evidence was thin.",
]


def _effect_for(title: str) -> float:
    lowered = title.lower()
    for words, effect in ITEM_EFFECTS:
        if any(word in lowered for word in words):
            return effect
    return 0.0


def _sentence_text(text: str) -> str:
    """A criterion's text made to follow "that ...": no final stop, small first letter."""
    text = " ".join(text.split()).rstrip(".")
    first = text.split(" ", 1)[0]
    if sum(ch.isupper() for ch in first) == 1:  # "The team", not "GPs" or "NHS"
        text = text[0].lower() + text[1:]
    return text


def _join(words: Sequence[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------------
# The scale, prepared once: each item's possible decision sets and the scores they earn
# --------------------------------------------------------------------------------------------


@dataclass
class _ItemModel:
    item: object  # fidelis.scales.models.Item
    definition: object  # fidelis.lib.scalefile.Item
    criteria: list  # fidelis.scales.models.Criterion rows, in order
    effect: float
    anchors: bool
    levels: tuple[int, ...] = ()
    # Count items: every consistent decision set, its score and a sampling weight.
    combos: list[tuple[int, ...]] = field(default_factory=list)
    by_score: dict[int, list[int]] = field(default_factory=dict)
    weights: dict[int, list[float]] = field(default_factory=dict)
    # Per criterion: (partial allowed, all sources, index of the weaker criterion or None).
    rules: list[tuple[bool, bool, int | None]] = field(default_factory=list)
    # Per criterion and status: candidate lists of evidence sources to record.
    source_choices: list[dict[int, list[list[str]]]] = field(default_factory=list)
    nearest: dict[tuple[int, int], list[int]] = field(default_factory=dict)


class ScaleModel:
    """A scale version prepared for synthesis: decision sets by score, scores by decisions.

    Scores always come from the scoring engine; `score()` keeps the engine's answer for each
    distinct set of decisions it has seen, since the same few hundred sets recur.
    """

    def __init__(self, scale):
        self.scale = scale
        self.definition = scale.definition
        self.levels = self.definition.level_values
        names = {s.code: s.name for s in self.definition.sources}
        self.source_names = {
            code: (
                "the " + name.lower()
                if name.lower() in ("manager", "team manager")
                else name.lower()
            )
            for code, name in names.items()
        }
        self._scores: dict[tuple, int | None] = {}
        items = list(scale.items.prefetch_related("criteria").order_by("number"))
        raw = [_effect_for(item.title) for item in items]
        centre = sum(raw) / len(raw) if raw else 0.0
        self.items = [
            self._prepare(item, effect - centre) for item, effect in zip(items, raw, strict=True)
        ]

    def _prepare(self, item, effect: float) -> _ItemModel:
        definition = item.definition
        criteria = list(item.criteria.all())
        letters = [c.letter for c in definition.criteria]
        model = _ItemModel(
            item=item,
            definition=definition,
            criteria=criteria,
            effect=effect,
            anchors=definition.rule.kind == "anchors",
            levels=self.levels,
        )
        for c in definition.criteria:
            weaker = letters.index(c.stricter_than) if c.stricter_than in letters else None
            model.rules.append((c.partial is not None, c.all_sources, weaker))
            full = list(c.sources)
            smaller = (
                [[s for s in full if s != left_out] for left_out in full] if len(full) > 1 else []
            )
            singles = [[s] for s in full] if len(full) > 2 else []
            model.source_choices.append(
                {
                    MET: [full] * 4 + smaller + singles if not c.all_sources else [full],
                    PARTIAL: [full, *smaller, *singles],
                    NOT_MET: [full, *smaller, *singles],
                    # An all-sources criterion marked met with a source missing.
                    -MET: smaller or [[]],
                }
            )
        if model.anchors:
            return model
        # Every consistent set of decisions: a met stricter criterion needs its weaker one met.
        ease = random.Random(f"{self.scale.slug}/{item.number}")
        eases = [ease.uniform(0.35, 2.8) for _ in definition.criteria]
        options = [
            (NOT_MET, PARTIAL, MET) if partial else (NOT_MET, MET) for partial, _, _ in model.rules
        ]
        for combo in itertools.product(*options):
            if any(
                weaker is not None and combo[i] == MET and combo[weaker] != MET
                for i, (_, _, weaker) in enumerate(model.rules)
            ):
                continue
            score = self._engine_score(model, combo, ())
            index = len(model.combos)
            model.combos.append(combo)
            model.by_score.setdefault(score, []).append(index)
            weight = 1.0
            for code, e in zip(combo, eases, strict=True):
                if code == MET:
                    weight *= e
                elif code == PARTIAL:
                    weight *= PARTIAL_WEIGHT * e**0.5
            model.weights.setdefault(score, []).append(weight)
        for score, weights in model.weights.items():
            model.weights[score] = list(itertools.accumulate(weights))
        return model

    def _engine_score(
        self, model: _ItemModel, codes: Sequence[int], missing: Sequence[int]
    ) -> int | None:
        """The engine's score for codes (all-sources criteria in `missing` lack a source)."""
        decisions = {}
        for i, (c, code) in enumerate(zip(model.definition.criteria, codes, strict=True)):
            sources = c.sources
            if i in missing:
                sources = tuple(model.source_choices[i][-MET][0])
            decisions[c.letter] = CriterionDecision(_STATUS[code], frozenset(sources))
        return score_item(model.definition, decisions).score

    def next_step(self, model: _ItemModel, codes: Sequence[int], level: int | None) -> str | None:
        """The engine's sentence on what would raise the item by one step."""
        if model.anchors:
            return score_item(model.definition, anchor_level=level).next_step
        decisions = {
            c.letter: CriterionDecision(_STATUS[code], frozenset(c.sources))
            for c, code in zip(model.definition.criteria, codes, strict=True)
        }
        return score_item(model.definition, decisions).next_step

    def score(
        self, model: _ItemModel, codes: tuple[int, ...], missing: tuple[int, ...] = ()
    ) -> int | None:
        key = (model.item.number, codes, missing)
        if key not in self._scores:
            self._scores[key] = self._engine_score(model, codes, missing)
        return self._scores[key]

    # The sets of decisions that give a score, and the nearest ones to a previous set.

    def reachable(self, model: _ItemModel, target: int, rng: random.Random) -> int:
        """The achievable score nearest to `target` (ties either way)."""
        if target in model.by_score:
            return target
        gap = min(abs(s - target) for s in model.by_score)
        return rng.choice(sorted(s for s in model.by_score if abs(s - target) == gap))

    def sample(self, model: _ItemModel, score: int, rng: random.Random) -> int:
        cumulative = model.weights[score]
        pick = rng.random() * cumulative[-1]
        for position, upper in enumerate(cumulative):
            if pick < upper:
                return model.by_score[score][position]
        return model.by_score[score][-1]

    def nearest(self, model: _ItemModel, previous: int, score: int, rng: random.Random) -> int:
        """A decision set with this score that changes as few criteria as possible."""
        key = (previous, score)
        candidates = model.nearest.get(key)
        if candidates is None:
            old = model.combos[previous]
            distances = [
                (sum(a != b for a, b in zip(old, model.combos[i], strict=True)), i)
                for i in model.by_score[score]
            ]
            best = min(d for d, _ in distances)
            candidates = model.nearest[key] = [i for d, i in distances if d == best]
        return rng.choice(candidates)


# --------------------------------------------------------------------------------------------
# Panels
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A place on a review's panel. For in-progress reviews, how far the reviewer has got:
    the share of items rated (in item order) and whether they have submitted."""

    user: object
    role: str
    rated_share: float = 1.0
    submitted: bool = True


@dataclass(frozen=True)
class InProgress:
    """A review still at the rating stage, with its panel (None: drawn from the pool)."""

    panel: tuple[Seat, ...] | None = None
    rated_share: float = 0.5


class PanelPool:
    """The reviewers panels are drawn from: clinicians, researchers and experts by experience.

    Panels are drawn so the work is spread evenly: the least-used reviewers first, ties
    broken at random.
    """

    def __init__(self, *, clinicians: Iterable, researchers: Iterable = (), experts: Iterable = ()):
        self.pools = {
            PanelRole.CLINICIAN: list(clinicians),
            PanelRole.RESEARCHER: list(researchers),
            PanelRole.EXPERT: list(experts),
        }
        self.everyone = [u for pool in self.pools.values() for u in pool]
        if len({u.pk for u in self.everyone}) < 3:
            raise ValueError("A panel needs three different reviewers; the pool has fewer.")
        self.load: dict[int, int] = {u.pk: 0 for u in self.everyone}

    @classmethod
    def for_programme(cls, programme) -> PanelPool:
        """Reviewers and experts-by-experience of the programme; a reviewer whose job title
        mentions research sits as the panel's researcher."""
        memberships = (
            Membership.objects.filter(
                programme=programme, role__in=[Role.REVIEWER, Role.EXPERT_REVIEWER]
            )
            .select_related("user")
            .order_by("user__username")
        )
        clinicians, researchers, experts = [], [], []
        for m in memberships:
            if m.role == Role.EXPERT_REVIEWER:
                experts.append(m.user)
            elif "research" in (m.user.job_title or "").lower():
                researchers.append(m.user)
            else:
                clinicians.append(m.user)
        return cls(clinicians=clinicians, researchers=researchers, experts=experts)

    def draw(self, rng: random.Random) -> tuple[Seat, ...]:
        chosen: list[Seat] = []
        taken: set[int] = set()
        for role in (PanelRole.CLINICIAN, PanelRole.RESEARCHER, PanelRole.EXPERT):
            pool = [u for u in self.pools[role] if u.pk not in taken]
            if not pool:  # A small pool: anyone not yet on this panel sits in this role.
                pool = [u for u in self.everyone if u.pk not in taken]
            least = min(self.load[u.pk] for u in pool)
            user = rng.choice([u for u in pool if self.load[u.pk] == least])
            taken.add(user.pk)
            chosen.append(Seat(user=user, role=role))
        self.note(chosen)
        return tuple(chosen)

    def note(self, seats: Iterable[Seat]) -> None:
        for seat in seats:
            if seat.user.pk in self.load:
                self.load[seat.user.pk] += 1


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    """What was written: rows per model."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, model, n: int) -> None:
        self.rows[model.__name__] = self.rows.get(model.__name__, 0) + n

    @property
    def reviews(self) -> int:
        return self.rows.get("Review", 0)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Planned:
    """One review before it is written: the true decisions, the panel's and the dates."""

    team: object
    timepoint: object
    visit_date: datetime.date
    truth: list  # per item: (combo index or None, codes tuple, anchor level or None, score)
    seats: tuple[Seat, ...]
    in_progress: bool
    focus: frozenset[int]


def _weekday_near(day: datetime.date, rng: random.Random, before: int, after: int):
    day = day + datetime.timedelta(days=rng.randint(-before, after))
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build_reviews(
    *,
    programme,
    teams: Sequence,
    timepoints: Sequence,
    rng: random.Random,
    panel_pool: PanelPool,
    finalised: bool = True,
    in_progress: Mapping[tuple[int, str], InProgress] | None = None,
    by=None,
    scale_model: ScaleModel | None = None,
    chunk_teams: int = 40,
    now: datetime.datetime | None = None,
) -> BuildResult:
    """Reviews for `teams` at `timepoints` (ReviewTimepoint rows of `programme`).

    Every review is finalised, unless `finalised` is False (then the reviews at the last
    timepoint are at the rating stage, reviewers part-way through) or `in_progress` names it
    by (team pk, timepoint key), giving its panel and progress. Deterministic given `rng`
    and the order of `teams`. `by` is recorded as the reviews' creator. Returns row counts.
    """
    in_progress = dict(in_progress or {})
    now = now or timezone.now()
    scale = programme.scale
    if scale is None:
        raise ValueError(f"{programme} has no fidelity scale; reviews need one.")
    model = scale_model or ScaleModel(scale)
    timepoints = sorted(timepoints, key=lambda t: (t.month, t.order))
    if not finalised and timepoints:
        for team in teams:
            in_progress.setdefault((team.pk, timepoints[-1].key), InProgress())
    result = BuildResult()
    teams = list(teams)
    with transaction.atomic():
        for start in range(0, len(teams), chunk_teams):
            planned: list[_Planned] = []
            for team in teams[start : start + chunk_teams]:
                planned.extend(
                    _plan_team(model, team, timepoints, rng, panel_pool, in_progress, now.date())
                )
            _write(model, planned, rng, by, now, result)
    return result


def _plan_team(
    model: ScaleModel, team, timepoints, rng, pool, in_progress, today: datetime.date
) -> list[_Planned]:
    z = rng.gauss(0, 1)
    level = LEVEL_CENTRE + LEVEL_SPREAD * z * (LEVEL_LOW_TAIL if z < 0 else 1.0)
    level = min(max(level, LEVEL_RANGE[0]), LEVEL_RANGE[1])
    stable = [rng.gauss(0, ITEM_SPREAD) for _ in model.items]
    rate = rng.gauss(*GENERAL_GAIN)
    base_propensity = [level + m.effect + s for m, s in zip(model.items, stable, strict=True)]
    # Teams work on some of their weakest items (chosen from the lowest third).
    order = sorted(range(len(model.items)), key=lambda i: base_propensity[i] + rng.gauss(0, 0.4))
    focus = set(
        rng.sample(order[: max(len(order) // 3, FOCUS_ITEMS[1])], rng.randint(*FOCUS_ITEMS))
    )
    gains = [rng.uniform(*FOCUS_GAIN) if i in focus else 0.0 for i in range(len(model.items))]
    previous: list | None = None
    planned = []
    for timepoint in timepoints:
        progress = min(max(timepoint.month / 12, 0.0), 1.5) ** 0.7
        truth = []
        for i, item in enumerate(model.items):
            p = base_propensity[i] + progress * (rate + gains[i]) + rng.gauss(0, OCCASION_NOISE)
            target = min(max(round(p), model.levels[0]), model.levels[-1])
            if item.anchors:
                codes = _anchor_codes(item, target, rng)
                if previous is not None and previous[i][3] == target:
                    codes = previous[i][1]
                truth.append((None, codes, target, target))
                continue
            score = model.reachable(item, target, rng)
            if previous is None:
                index = model.sample(item, score, rng)
            elif previous[i][3] == score:
                index = previous[i][0]
            else:
                index = model.nearest(item, previous[i][0], score, rng)
            truth.append((index, item.combos[index], None, score))
        previous = truth
        spec = in_progress.get((team.pk, timepoint.key))
        if spec is not None and spec.panel is not None:
            seats = spec.panel
            pool.note(seats)
        else:
            seats = pool.draw(rng)
            if spec is not None:
                seats = tuple(
                    Seat(user=s.user, role=s.role, rated_share=spec.rated_share, submitted=False)
                    for s in seats
                )
        visit = _weekday_near(timepoint.due_date, rng, 21, 10)
        # A finished review needs a month after its visit; one being rated, a few days.
        latest = today - datetime.timedelta(days=3 if spec is not None else 30)
        if visit > latest >= timepoint.due_date - datetime.timedelta(days=45):
            visit = latest
            while visit.weekday() >= 5:
                visit -= datetime.timedelta(days=1)
        planned.append(
            _Planned(
                team=team,
                timepoint=timepoint,
                visit_date=visit,
                truth=truth,
                seats=seats,
                in_progress=spec is not None,
                focus=frozenset(model.items[i].item.number for i in focus),
            )
        )
    return planned


def _anchor_codes(item: _ItemModel, level: int, rng: random.Random) -> tuple[int, ...]:
    low, high = item.levels[0], item.levels[-1]
    chance = min(max((level - low) / max(high - low, 1), 0.08), 0.95)
    codes = []
    for partial, _, _ in item.rules:
        if rng.random() < chance:
            codes.append(MET)
        elif partial and rng.random() < 0.3:
            codes.append(PARTIAL)
        else:
            codes.append(NOT_MET)
    return tuple(codes)


def _reviewer_view(model: ScaleModel, item: _ItemModel, truth, rng: random.Random):
    """One reviewer's independent decisions: the panel's, with some decided differently.
    Returns (codes, all-source criteria with a missing source, anchor level, score)."""
    _, codes, level, _ = truth
    new = list(codes)
    for i, (partial, _, _) in enumerate(item.rules):
        if rng.random() < FLIP_CHANCE:
            if new[i] == PARTIAL:
                new[i] = rng.choice((MET, NOT_MET))
            elif partial and rng.random() < 0.4:
                new[i] = PARTIAL
            else:
                new[i] = NOT_MET if new[i] == MET else MET
    changed = True
    while changed:  # A stricter criterion met means its weaker one is met too.
        changed = False
        for i, (_, _, weaker) in enumerate(item.rules):
            if weaker is not None and new[i] == MET and new[weaker] != MET:
                new[weaker] = MET
                changed = True
    missing = tuple(
        i
        for i, (_, all_sources, _) in enumerate(item.rules)
        if all_sources and new[i] == MET and rng.random() < MISSED_SOURCE_CHANCE
    )
    new = tuple(new)
    if item.anchors:
        if rng.random() < ANCHOR_STEP_CHANCE:
            level = level + rng.choice((-1, 1))
        level = min(max(level, item.levels[0]), item.levels[-1])
        return new, missing, level, level
    return new, missing, None, model.score(item, new, missing)


def _sources(item: _ItemModel, i: int, code: int, missing: bool, rng: random.Random):
    if missing:
        return rng.choice(item.source_choices[i][-MET])
    return rng.choice(item.source_choices[i][code])


def _rationale(model: ScaleModel, item: _ItemModel, codes, level, sources, rng) -> str:
    definition = item.definition
    parts = []
    if item.anchors:
        text = " ".join(definition.rule.anchors[level].split())
        return f"The panel agreed on level {level}: {text}"
    met = [i for i, c in enumerate(codes) if c == MET]
    not_met = [i for i, c in enumerate(codes) if c == NOT_MET]
    partly = [i for i, c in enumerate(codes) if c == PARTIAL]
    if met:
        i = rng.choice(met)
        names = _join([model.source_names.get(s, s.lower()) for s in sources[i]])
        text = _sentence_text(definition.criteria[i].text)
        if len(sources[i]) > 1:
            parts.append(
                rng.choice(
                    [
                        f"{_capital(names)} agreed that {text}.",
                        f"The evidence from {names} was that {text}.",
                    ]
                )
            )
        else:
            parts.append(
                rng.choice(
                    [
                        f"{_capital(names)} confirmed that {text}.",
                        f"The evidence from {names} was that {text}.",
                    ]
                )
            )
    if partly:
        c = definition.criteria[rng.choice(partly)]
        parts.append(f"Criterion {c.letter} was partly met: {' '.join(c.partial.text.split())}")
    if not_met:
        i = rng.choice(not_met)
        text = _sentence_text(definition.criteria[i].text)
        parts.append(
            rng.choice(
                [
                    f"The panel could not confirm that {text}.",
                    f"There was not yet enough evidence that {text}.",
                    f"The panel did not find that {text}.",
                ]
            )
        )
    if not met and not partly:
        parts.append("None of the criteria was met on the evidence the panel saw.")
    elif not not_met and not partly:
        parts.append("Every criterion was met.")
    return " ".join(parts)


def _recommendations(model: ScaleModel, truth: list, rng: random.Random) -> str:
    scores = [t[3] for t in truth]
    ranked = sorted(range(len(scores)), key=lambda i: (scores[i], model.items[i].effect))
    lowest = ranked[: rng.randint(2, 3)]  # three or four paragraphs in all
    highest = sorted(range(len(scores)), key=lambda i: (-scores[i], -model.items[i].effect))[:2]
    strengths = _join([f"‘{model.items[i].item.title}’" for i in highest])
    paragraphs = [
        rng.choice(
            [
                "Thank you to the team, and to the service users, carers and colleagues from "
                "other services who met the panel. ",
                "The panel thanks the team for a well organised visit and for the openness of "
                "everyone who spoke to us. ",
            ]
        )
        + f"The team's clear strengths are {strengths}; other teams could learn from them."
    ]
    advice = rng.sample(
        [
            "We recommend making this one of the goals of the service improvement plan, with "
            "a named lead, a working group and a date to check progress.",
            "We suggest a small working group looks at how other teams do this well, using "
            "the resources for this item, and agrees two or three changes to try first.",
            "This needs time set aside: we recommend the team agrees with its senior managers "
            "who will own it and how staff time will be found.",
        ],
        len(lowest),
    )
    for i, text in zip(lowest, advice, strict=True):
        title = model.items[i].item.title
        step = model.next_step(model.items[i], truth[i][1], truth[i][2])
        opening = f"‘{title}’ (item {model.items[i].item.number}) scored {scores[i]}."
        paragraphs.append(" ".join(p for p in (opening, step, text) if p))
    if len(lowest) == 2:
        paragraphs.append(
            rng.choice(
                [
                    "The panel suggests the service improvement group reviews progress on these "
                    "items at least every two months, and that the team shares what works with "
                    "the other teams in the programme at the next learning event.",
                    "We look forward to seeing the team again at the next review. Small, regular "
                    "steps that the whole team owns are more likely to last than one large "
                    "change.",
                ]
            )
        )
    return "\n\n".join(paragraphs)


def _write(model: ScaleModel, planned: list[_Planned], rng, by, now, result: BuildResult):
    def cap(moment: datetime.datetime) -> datetime.datetime:
        """Nothing happens in the future: recent reviews' steps are squeezed before now."""
        return min(moment, now - datetime.timedelta(minutes=30))

    reviews = []
    for plan in planned:
        finished = not plan.in_progress
        finalised_on = plan.visit_date + datetime.timedelta(days=rng.randint(15, 28))
        # A finalised review stores its agreed totals, as finalising one does.
        agreed_items = {
            item.item.number: t[3] for item, t in zip(model.items, plan.truth, strict=True)
        }
        agreed = score_scale(model.definition, agreed_items) if finished else None
        reviews.append(
            Review(
                team=plan.team,
                timepoint=plan.timepoint,
                scale=model.scale,
                visit_date=plan.visit_date,
                status=Status.FINALISED if finished else Status.RATING,
                recommendations=_recommendations(model, plan.truth, rng) if finished else "",
                report_version=1 if finished else 0,
                created_by=by,
                created_at=_aware(plan.visit_date - datetime.timedelta(days=42), 10),
                finalised_at=cap(_aware(finalised_on, 16, rng.randint(0, 59)))
                if finished
                else None,
                finalised_by=plan.seats[0].user if finished else None,
                total=agreed.total if agreed else None,
                mean_score=agreed.mean if agreed else None,
                band=agreed.band.key if agreed and agreed.band else "",
                n_scored=agreed.n_scored if agreed else None,
                agreed_scores=scores_record(agreed_items, agreed) if agreed else None,
            )
        )
    Review.objects.bulk_create(reviews)
    result.add(Review, len(reviews))
    ranking = [
        (row.review_id, row.timepoint_id, row.key, row.value)
        for review in reviews
        if review.agreed_scores
        for row in ranking_rows(review, review.agreed_scores)
    ]
    bulk.insert(AgreedScore, ["review", "timepoint", "key", "value"], ranking)
    result.add(AgreedScore, len(ranking))

    members, preparation = [], []
    times = bulk.Adapter(PreparationItem)
    interviews = [(times.time(time), label) for time, label in DEFAULT_INTERVIEWS]
    for review, plan in zip(reviews, planned, strict=True):
        for seat in plan.seats:
            submitted = seat.submitted or not plan.in_progress
            members.append(
                PanelMember(
                    review=review,
                    user=seat.user,
                    role=seat.role,
                    submitted_at=cap(
                        _aware(
                            plan.visit_date + datetime.timedelta(days=rng.randint(1, 7)),
                            rng.randint(9, 18),
                        )
                    )
                    if submitted
                    else None,
                )
            )
        preparation.extend(
            (review.pk, PreparationItem.Kind.DOCUMENT.value, label, None, i, True, "")
            for i, label in enumerate(DEFAULT_DOCUMENTS)
        )
        preparation.extend(
            (review.pk, PreparationItem.Kind.INTERVIEW.value, label, time, i, True, "")
            for i, (time, label) in enumerate(interviews)
        )
    PanelMember.objects.bulk_create(members)
    bulk.insert(
        PreparationItem, ["review", "kind", "label", "time", "order", "done", "notes"], preparation
    )
    result.add(PanelMember, len(members))
    result.add(PreparationItem, len(preparation))

    ratings, rating_rows = [], []
    consensus, consensus_rows = [], []
    agreed_reviews = []
    dt = bulk.Adapter(CriterionRating, json_field="sources")
    member_iter = iter(members)
    for review, plan in zip(reviews, planned, strict=True):
        panel = [next(member_iter) for _ in plan.seats]
        n_items = len(model.items)
        views = []
        for member, seat in zip(panel, plan.seats, strict=True):
            share = 1.0 if (seat.submitted or not plan.in_progress) else seat.rated_share
            rated = round(n_items * share)
            started = member.submitted_at or cap(_aware(plan.visit_date, 17))
            member_views = []
            for position, (item, truth) in enumerate(zip(model.items, plan.truth, strict=True)):
                if position > rated or (position == rated and (rated == 0 or rated == n_items)):
                    member_views.append(None)
                    continue
                codes, missing, level, score = _reviewer_view(model, item, truth, rng)
                decided = len(codes)
                if position == rated:  # Part-way through this item: some criteria decided.
                    decided = max(len(codes) // 2, 1) if len(codes) > 1 else 0
                    score = None
                    level = None
                member_views.append(score)
                key = (member.pk, item.item.pk)
                ratings.append(
                    (
                        member.pk,
                        item.item.pk,
                        level,
                        score,
                        rng.choice(NOTES) if rng.random() < 0.06 else "",
                        dt.datetime(started - datetime.timedelta(minutes=n_items - position)),
                    )
                )
                rating_rows.append(
                    (
                        key,
                        [
                            (
                                c.pk,
                                _STATUS[code],
                                dt.json(_sources(item, i, code, i in missing, rng)),
                            )
                            for i, (c, code) in enumerate(zip(item.criteria, codes, strict=True))
                            if i < decided
                        ],
                    )
                )
            views.append(member_views)
        if plan.in_progress:
            continue
        # Consensus opened once everyone submitted: the review stores its agreement then.
        review.agreement = figures_of(
            [
                (model.items[position].item.number, member.user_id, score)
                for member, member_views in zip(panel, views, strict=True)
                for position, score in enumerate(member_views)
                if score is not None
            ]
        )
        agreed_reviews.append(review)
        agreed_on = plan.visit_date + datetime.timedelta(days=rng.randint(8, 14))
        for position, (item, truth) in enumerate(zip(model.items, plan.truth, strict=True)):
            _, codes, level, score = truth
            sources = [_sources(item, i, code, False, rng) for i, code in enumerate(codes)]
            unanimous = len({v[position] for v in views}) == 1 and views[0][position] == score
            key = (review.pk, item.item.pk)
            consensus.append(
                (
                    review.pk,
                    item.item.pk,
                    level,
                    score,
                    _rationale(model, item, codes, level, sources, rng),
                    True,
                    1 if unanimous else rng.randint(2, 3),
                    rng.choice(panel).user_id,
                    dt.datetime(cap(_aware(agreed_on, rng.randint(10, 16), rng.randint(0, 59)))),
                )
            )
            consensus_rows.append(
                (
                    key,
                    [
                        (c.pk, _STATUS[code], dt.json(sources[i]))
                        for i, (c, code) in enumerate(zip(item.criteria, codes, strict=True))
                    ],
                )
            )
    # The rows below are most of what is written (a thousand teams make nearly two million),
    # so they go in with executemany; bulk_create's per-object work would take minutes.
    bulk.insert(
        Rating, ["panel_member", "item", "anchor_level", "score", "notes", "updated_at"], ratings
    )
    ids = bulk.ids_by(Rating, "panel_member", "item", [m.pk for m in members])
    bulk.insert(
        CriterionRating,
        ["rating", "criterion", "status", "sources"],
        [(ids[key], *row) for key, rows in rating_rows for row in rows],
    )
    bulk.insert(
        ConsensusItem,
        [
            "review",
            "item",
            "anchor_level",
            "score",
            "rationale",
            "agreed",
            "version",
            "updated_by",
            "updated_at",
        ],
        consensus,
    )
    ids = bulk.ids_by(ConsensusItem, "review", "item", [r.pk for r in reviews])
    bulk.insert(
        ConsensusCriterion,
        ["consensus", "criterion", "status", "sources"],
        [(ids[key], *row) for key, rows in consensus_rows for row in rows],
    )
    Review.objects.bulk_update(agreed_reviews, ["agreement"], batch_size=500)
    result.add(Rating, len(ratings))
    result.add(CriterionRating, sum(len(rows) for _, rows in rating_rows))
    result.add(ConsensusItem, len(consensus))
    result.add(ConsensusCriterion, sum(len(rows) for _, rows in consensus_rows))


def delete_reviews(reviews) -> None:
    """Delete reviews (a queryset) and everything in them, a table at a time.

    A large synthetic programme has millions of rows; the ORM's delete would load each one
    and write a history record for it. Synthetic rows have no history of their own, so the
    direct delete loses nothing.
    """
    review_ids = reviews.values("pk")
    with transaction.atomic():
        bulk.delete(
            CriterionRating.objects.filter(rating__panel_member__review__in=review_ids),
            Rating.objects.filter(panel_member__review__in=review_ids),
            ConsensusCriterion.objects.filter(consensus__review__in=review_ids),
            ConsensusItem.objects.filter(review__in=review_ids),
            AgreedScore.objects.filter(review__in=review_ids),
            PreparationItem.objects.filter(review__in=review_ids),
            RoutineValue.objects.filter(review__in=review_ids),
            Amendment.objects.filter(review__in=review_ids),
            PanelMember.objects.filter(review__in=review_ids),
        )
        bulk.delete(Review.objects.filter(pk__in=list(review_ids.values_list("pk", flat=True))))
