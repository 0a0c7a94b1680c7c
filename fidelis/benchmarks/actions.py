"""Working out the programme's benchmark figures (the only writes of this app)."""

from __future__ import annotations

import statistics

from django.db import transaction
from django.utils import timezone

from fidelis.benchmarks.models import Benchmark
from fidelis.lib.benchmarks import distribution
from fidelis.reviews.models import ConsensusItem, Review, Status


def _dist(values) -> dict | None:
    spread = distribution(values)
    return spread.to_dict() if spread else None


@transaction.atomic
def refresh(*, programme) -> list[Benchmark]:
    """Work out and store the figures of every timepoint from the programme's finalised
    reviews on its scale version (results on another version do not compare)."""
    if programme.scale is None:
        Benchmark.objects.filter(programme=programme).delete()
        return []
    scale = programme.scale.definition
    section_of = {item.number: scale.section_of(item.number).number for item in scale.items}
    reviews = list(
        Review.objects.filter(
            team__organisation__programme=programme,
            status=Status.FINALISED,
            scale=programme.scale,
        ).values_list("pk", "team_id", "timepoint_id", "total", "mean_score", "band")
    )
    scores: dict[int, dict[int, int | None]] = {}
    for review_id, number, score in ConsensusItem.objects.filter(
        review_id__in=[r[0] for r in reviews]
    ).values_list("review_id", "item__number", "score"):
        scores.setdefault(review_id, {})[number] = score
    by_timepoint: dict[int, list[tuple]] = {}
    for row in reviews:
        by_timepoint.setdefault(row[2], []).append(row)

    timepoints = list(programme.timepoints.order_by("order", "month"))
    first_scores: dict[int, dict[int, int | None]] = {}  # team -> first timepoint's items
    stored = []
    kept = []
    for timepoint in timepoints:
        rows = by_timepoint.get(timepoint.pk, [])
        if not rows:
            continue
        figures = {
            "total": _dist(r[3] for r in rows),
            "mean": _dist(r[4] for r in rows),
            "bands": _bands(r[5] for r in rows),
            "sections": {},
            "items": {},
            "item_changes": {},
        }
        for section in scale.sections:
            means = []
            for r in rows:
                values = [
                    s
                    for n, s in scores.get(r[0], {}).items()
                    if section_of.get(n) == section.number and s is not None
                ]
                means.append(sum(values) / len(values) if values else None)
            figures["sections"][str(section.number)] = _dist(means)
        for item in scale.items:
            figures["items"][str(item.number)] = _dist(
                scores.get(r[0], {}).get(item.number) for r in rows
            )
        if first_scores:
            for item in scale.items:
                changes = [
                    scores[r[0]][item.number] - first_scores[r[1]][item.number]
                    for r in rows
                    if r[1] in first_scores
                    and scores.get(r[0], {}).get(item.number) is not None
                    and first_scores[r[1]].get(item.number) is not None
                ]
                if changes:
                    figures["item_changes"][str(item.number)] = {
                        "median": statistics.median(changes),
                        "mean": sum(changes) / len(changes),
                        "n": len(changes),
                    }
        else:
            first_scores = {r[1]: scores.get(r[0], {}) for r in rows}
        benchmark, _ = Benchmark.objects.update_or_create(
            programme=programme,
            timepoint=timepoint,
            defaults={"n_teams": len(rows), "figures": figures, "computed_at": timezone.now()},
        )
        stored.append(benchmark)
        kept.append(benchmark.pk)
    Benchmark.objects.filter(programme=programme).exclude(pk__in=kept).delete()
    return stored


def _bands(keys) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        if key:
            counts[key] = counts.get(key, 0) + 1
    return counts
