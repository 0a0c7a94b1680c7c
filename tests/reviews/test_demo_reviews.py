"""The demo's reviews: finalised history for every team, one review being rated, and
numbers that look like real crisis teams' (PRODUCT.md's published facts)."""

import statistics
from collections import defaultdict

import pytest

from fidelis.lib.scoring import CriterionDecision, score_item
from fidelis.reviews.models import ConsensusItem, PanelMember, Rating, Review, Status


@pytest.fixture
def reviews(programme):
    return Review.objects.filter(team__organisation__programme=programme)


def mean_scores(reviews, key):
    means = {}
    for review in reviews.filter(timepoint__key=key, status=Status.FINALISED):
        scores = list(review.consensus.values_list("score", flat=True))
        means[review.team_id] = sum(scores) / len(scores)
    return means


def test_twelve_teams_have_three_finalised_reviews(reviews):
    finalised = defaultdict(int)
    for review in reviews.filter(status=Status.FINALISED):
        finalised[review.team.name] += 1
        assert review.finalised_at and review.finalised_by
        assert review.report_version == 1
        assert len(review.recommendations.split("\n\n")) in (3, 4)
        assert not review.consensus.filter(agreed=False).exists()
        assert not review.consensus.filter(version__lt=1).exists()
        assert not review.preparation.filter(done=False).exists()
        assert review.panel.count() == 3
    assert sorted(finalised.values()) == [2] + [3] * 12
    assert "Corran Home Treatment Team" not in [t for t, n in finalised.items() if n == 3]


def test_corrans_12_month_review_is_being_rated(reviews, users):
    review = reviews.get(team__name="Corran Home Treatment Team", timepoint__key="12m")
    assert review.status == Status.RATING
    assert not review.consensus.exists()
    items = review.scale.items.count()
    panel = {m.user.username: m for m in review.panel.select_related("user")}
    assert {"reviewer", "expert"} < set(panel)
    assert panel["reviewer"].role == "clinician" and panel["expert"].role == "expert"
    (researcher,) = [m for name, m in panel.items() if name not in ("reviewer", "expert")]
    assert researcher.role == "researcher" and researcher.has_submitted
    assert researcher.ratings.filter(score__isnull=False).count() == items
    for name, share in (("reviewer", 2 / 3), ("expert", 1 / 3)):
        member = panel[name]
        assert not member.has_submitted
        rated = member.ratings.filter(score__isnull=False).count()
        assert abs(rated - share * items) <= 2, (name, rated)


def test_the_personas_sit_on_finalised_panels_too(users):
    for name in ("reviewer", "expert"):
        places = PanelMember.objects.filter(user=users[name], review__status=Status.FINALISED)
        assert places.count() >= 4


def test_baseline_scores_look_like_published_ones(reviews):
    means = list(mean_scores(reviews, "baseline").values())
    assert len(means) == 13
    assert 2.8 <= statistics.median(means) <= 3.5
    assert max(means) <= 4
    assert min(means) < 3


def test_teams_improve_on_average_by_12_months(reviews):
    baseline, final = mean_scores(reviews, "baseline"), mean_scores(reviews, "12m")
    assert statistics.mean(final.values()) > statistics.mean(baseline.values())
    gains = [final[team] - baseline[team] for team in final]
    assert 0.1 < statistics.mean(gains) < 0.6


def test_reviewers_sometimes_disagree_by_two_points_or_more(reviews):
    scores = defaultdict(list)
    for review_id, item_id, score in Rating.objects.filter(
        panel_member__review__in=reviews, score__isnull=False
    ).values_list("panel_member__review_id", "item_id", "score"):
        scores[review_id, item_id].append(score)
    wide = [s for s in scores.values() if max(s) - min(s) >= 2]
    assert len(wide) >= 10
    agreeing = [s for s in scores.values() if len(s) == 3 and len(set(s)) == 1]
    assert len(agreeing) > len(wide)


def engine_score(definition, anchor_level, rows, letters):
    if definition.rule.kind == "anchors":
        return score_item(definition, anchor_level=anchor_level).score if anchor_level else None
    decisions = {
        letters[row.criterion_id]: CriterionDecision(row.status or None, frozenset(row.sources))
        for row in rows
    }
    return score_item(definition, decisions).score


def test_every_stored_score_is_what_the_engine_gives(programme, reviews):
    items = list(programme.scale.items.prefetch_related("criteria"))
    definitions = {item.pk: item.definition for item in items}
    letters = {c.pk: c.letter for item in items for c in item.criteria.all()}
    consensus = ConsensusItem.objects.filter(review__in=reviews).prefetch_related("criteria")
    ratings = Rating.objects.filter(panel_member__review__in=reviews).prefetch_related("criteria")
    checked = 0
    for row in [*consensus, *ratings]:
        definition = definitions[row.item_id]
        criteria = list(row.criteria.all())
        assert engine_score(definition, row.anchor_level, criteria, letters) == row.score, (
            row.pk,
            definition.number,
        )
        if row.score is not None:
            assert len(criteria) == len(definition.criteria)
        checked += 1
    assert checked > 4000


def test_consensus_rationales_are_plain_sentences(reviews):
    for rationale in ConsensusItem.objects.filter(review__in=reviews).values_list(
        "rationale", flat=True
    )[:200]:
        assert rationale.endswith((".", ")")), rationale
        assert 40 < len(rationale) < 1500
