"""Where scores are read: a review's agreed item scores and totals, and a team's path.

Every page that shows a fidelity result reads it here (the feedback report, the team page,
and the benchmarks and plans to come), so a total is computed one way only: the agreed
item scores of the consensus, put through `fidelis.lib.scoring.score_scale`. A finalised
review stores its total, mean and band (`store_totals`, called when it is finalised and at
every amendment); pages that list many reviews read those stored figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fidelis.lib.scoring import (
    CriterionDecision,
    ItemScore,
    ScaleScore,
    score_item,
    score_scale,
    scores_record,
)
from fidelis.reviews.models import (
    AgreedScore,
    ConsensusCriterion,
    ConsensusItem,
    Review,
    Status,
)
from fidelis.scales.models import Item


def item_scores(review: Review) -> dict[int, int | None]:
    """{item number: agreed score, or None while not agreed} for the review."""
    return dict(review.consensus.values_list("item__number", "score"))


def totals(review: Review, scores: dict[int, int | None] | None = None) -> ScaleScore:
    """Total, mean, section means and band of the review's agreed scores."""
    scale = review.scale.definition
    scores = item_scores(review) if scores is None else scores
    known = {item.number for item in scale.items}
    return score_scale(scale, {n: s for n, s in scores.items() if n in known})


def store_totals(review: Review) -> Review:
    """Store the review's total, mean, band, count of scored items and the agreed scores."""
    scale = review.scale.definition
    known = {item.number for item in scale.items}
    scores = {n: s for n, s in item_scores(review).items() if n in known}
    result = totals(review, scores)
    review.total = result.total
    review.mean_score = result.mean
    review.band = result.band.key if result.band else ""
    review.n_scored = result.n_scored
    review.agreed_scores = scores_record(scores, result)
    review.save(update_fields=["total", "mean_score", "band", "n_scored", "agreed_scores"])
    AgreedScore.objects.filter(review=review).delete()
    AgreedScore.objects.bulk_create(ranking_rows(review, review.agreed_scores))
    return review


def ranking_rows(review: Review, record: dict) -> list[AgreedScore]:
    """A review's AgreedScore rows from its stored `agreed_scores`."""
    return [
        AgreedScore(
            review_id=review.pk,
            timepoint_id=review.timepoint_id,
            key=f"{key}-{number}",
            value=value,
        )
        for kind, key in (("items", "item"), ("sections", "section"))
        for number, value in record.get(kind, {}).items()
    ]


def criterion_decisions(
    review_ids, numbers=None
) -> dict[int, dict[int, dict[str, CriterionDecision]]]:
    """{review id: {item number: {letter: decision}}} of the reviews' agreed criteria, for
    the items `numbers` (every item if None), in one query."""
    found = ConsensusCriterion.objects.filter(consensus__review_id__in=list(review_ids))
    if numbers is not None:
        found = found.filter(consensus__item__number__in=set(numbers))
    result: dict[int, dict[int, dict[str, CriterionDecision]]] = {}
    for review_id, number, letter, status, sources, parts in found.values_list(
        "consensus__review_id",
        "consensus__item__number",
        "criterion__letter",
        "status",
        "sources",
        "parts",
    ):
        result.setdefault(review_id, {}).setdefault(number, {})[letter] = CriterionDecision(
            status or None, frozenset(sources or []), frozenset(parts or [])
        )
    return result


def item_result(item, decisions, anchor_level) -> ItemScore:
    """One item's ItemScore from its agreed criteria (and level, for an item scored by
    choosing one; a level the item does not define counts as none)."""
    if item.rule.kind == "anchors":
        return score_item(
            item,
            decisions or {},
            anchor_level=anchor_level if anchor_level in (item.rule.anchors or {}) else None,
        )
    return score_item(item, decisions or {})


def item_results(review: Review, numbers=None) -> dict[int, ItemScore]:
    """{item number: ItemScore} of the review's agreed criteria, for the items `numbers`
    (every item if None): each criterion's effective status after the scale's rules, the
    score, and what would raise it."""
    scale = review.scale.definition
    wanted = {i.number for i in scale.items} if numbers is None else set(numbers)
    decisions = criterion_decisions([review.pk], wanted).get(review.pk, {})
    anchors = dict(
        review.consensus.filter(item__number__in=wanted).values_list("item__number", "anchor_level")
    )
    return {
        item.number: item_result(item, decisions.get(item.number), anchors.get(item.number))
        for item in scale.items
        if item.number in wanted
    }


def earlier_review(review: Review) -> Review | None:
    """The team's most recent finalised review before this one."""
    return (
        Review.objects.filter(
            team_id=review.team_id, status=Status.FINALISED, visit_date__lt=review.visit_date
        )
        .exclude(pk=review.pk)
        .select_related("timepoint", "scale")
        .order_by("-visit_date", "-pk")
        .first()
    )


def scores_on(review: Review, earlier: Review, items) -> dict[int, int | None]:
    """The earlier review's agreed score for each of `items` (this review's Item rows), by
    this review's item number: through the scale's item mapping when the versions differ."""
    by_item_id = dict(ConsensusItem.objects.filter(review=earlier).values_list("item_id", "score"))
    previous: dict[int, int | None] = {}
    if earlier.scale_id == review.scale_id:
        for item in items:
            if item.pk in by_item_id:
                previous[item.number] = by_item_id[item.pk]
        return previous
    # Another version: follow each item's previous_item links back to the earlier version.
    links = dict(
        Item.objects.filter(scale__slug=review.scale.slug).values_list("id", "previous_item_id")
    )
    for item in items:
        current, steps = item.previous_item_id, 0
        while current is not None and current not in by_item_id and steps < 20:
            current, steps = links.get(current), steps + 1
        if current is not None and current in by_item_id:
            previous[item.number] = by_item_id[current]
    return previous


@dataclass(frozen=True)
class PathPoint:
    """A team's agreed result at one timepoint."""

    review_id: int
    timepoint: str
    visit_date: datetime.date
    total: int | None
    mean: float | None
    band: str
    n_scored: int | None


def team_path(team) -> list[PathPoint]:
    """The team's finalised results in order of visit: baseline, 6 months, 12 months..."""
    reviews = (
        Review.objects.filter(team=team, status=Status.FINALISED)
        .select_related("timepoint", "scale")
        .order_by("visit_date", "pk")
    )
    return [
        PathPoint(
            review_id=r.pk,
            timepoint=r.timepoint.label,
            visit_date=r.visit_date,
            total=r.total,
            mean=r.mean_score,
            band=r.band_label,
            n_scored=r.n_scored,
        )
        for r in reviews
    ]
