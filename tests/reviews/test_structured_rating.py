"""Rating and agreeing items that use a scale's richer structures: guidance beside the
criteria, parts to tick, a precondition, a criterion that needs every source; the warning
that a "met" will count as not met; the live agreed score; consensus filled in where the
reviewers agree."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from fidelis.reviews import actions
from fidelis.reviews.models import ConsensusCriterion, CriterionRating
from fidelis.scales.models import FidelityScale
from tests.conftest import page_text
from tests.reviews.helpers import at_rating, place_of

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "structures.yaml"


@pytest.fixture
def review(programme, users):
    call_command("scale", "import", str(EXAMPLE), stdout=io.StringIO())
    programme.scale = FidelityScale.objects.get(slug="structures-example")
    programme.save()
    return at_rating(programme, users)


def post(client, review, number, data):
    return client.post(reverse("rate_item", args=[review.pk, number]), data)


def test_the_rating_page_shows_guidance_parts_and_the_precondition(review, as_user):
    response = as_user("reviewer").get(reverse("rate_item", args=[review.pk, 1]))
    text = page_text(response)
    assert "How to score this item: Read five assessments" in text
    assert "How to decide: Ask to see the template; a blank copy is enough." in text
    assert "Decide this first: while it is not met the item scores 1" in text
    assert "Met when at least 4 of the 6 parts below are met" in text
    assert "iii. Housing" in text
    assert "Needs every source:" in text
    assert "Evidence sources are optional" in text
    # One way on, and the keys to get there.
    assert text.count("Next item") == 1
    assert "Rating by keyboard" in text


def test_ticked_parts_are_saved_and_decide_the_criterion(review, users, as_user):
    client = as_user("reviewer")
    data = {
        "criteria": ["a", "b", "c", "d"],
        "a-status": "met",
        "b-status": "met",
        "b-parts": ["i", "ii", "iii"],
        "c-status": "met",
        "d-status": "met",
        "d-sources": ["C", "SU"],
    }
    response = post(client, review, 1, data)
    assert response.status_code == 302
    row = CriterionRating.objects.get(
        rating__panel_member=place_of(review, users["reviewer"]), criterion__letter="b"
    )
    assert row.parts == ["i", "ii", "iii"]
    # Three of the four parts needed: b counts as not met, so two criteria and d give 4.
    page = client.get(reverse("rate_item", args=[review.pk, 1]))
    text = page_text(page)
    assert "Counts as not met: 3 of the parts ticked, 4 needed." in text
    assert "Score: 4" in text
    post(client, review, 1, {**data, "b-parts": ["i", "ii", "iii", "iv"]})
    assert "Score: 5" in page_text(client.get(reverse("rate_item", args=[review.pk, 1])))


def test_met_without_every_source_is_flagged_on_the_page(review, as_user):
    client = as_user("reviewer")
    data = {"criteria": ["d"], "d-status": "met", "d-sources": ["C"]}
    post(client, review, 1, data)
    text = page_text(client.get(reverse("rate_item", args=[review.pk, 1])))
    assert "Counts as not met: every source must support it." in text
    post(client, review, 1, {**data, "d-sources": ["C", "SU"]})
    text = page_text(client.get(reverse("rate_item", args=[review.pk, 1])))
    assert "Counts as not met" not in text


def test_a_part_the_criterion_does_not_have_is_refused(review, users):
    place = place_of(review, users["reviewer"])
    item = review.scale.items.get(number=1)
    with pytest.raises(actions.ReviewError, match=r"Criterion b has no part ix\."):
        actions.record_rating(
            panel_member=place, item=item, decisions={"b": ("met", [], ["i", "ix"])}
        )
    assert not CriterionRating.objects.filter(rating__panel_member=place).exists()


def test_the_precondition_not_met_scores_the_item_without_the_rest(review, as_user):
    client = as_user("reviewer")
    post(client, review, 1, {"criteria": ["a"], "a-status": "not_met"})
    text = page_text(client.get(reverse("rate_item", args=[review.pk, 1])))
    assert "Score: 1" in text
    assert "until it is met, the other criteria do not count" in text


def rate(place, item, decisions):
    actions.record_rating(panel_member=place, item=item, decisions=decisions)


def test_consensus_is_filled_in_where_reviewers_agree_and_scores_live(review, users, as_user):
    reviewer, expert = place_of(review, users["reviewer"]), place_of(review, users["expert"])
    item = review.scale.items.get(number=2)
    rate(
        reviewer,
        item,
        {"a": ("met", ["M"], ["i", "ii", "iii", "iv"]), "b": ("met", ["S"]), "c": ("met", [])},
    )
    rate(
        expert, item, {"a": ("met", ["S"], ["iv", "v"]), "b": ("not_met", []), "c": ("met", ["O"])}
    )
    for place in (reviewer, expert):
        for other in review.scale.items.exclude(number=2):
            rate(place, other, {c.letter: ("not_met", []) for c in other.definition.criteria})
        actions.submit_ratings(panel_member=place)
    rows = {
        row.criterion.letter: row
        for row in ConsensusCriterion.objects.filter(
            consensus__review=review, consensus__item=item
        ).select_related("criterion")
    }
    # Same decision: filled in, with the evidence and parts either reviewer recorded.
    assert (rows["a"].status, rows["a"].sources, rows["a"].parts) == (
        "met",
        ["M", "S"],
        ["i", "ii", "iii", "iv", "v"],
    )
    assert (rows["c"].status, rows["c"].sources) == ("met", ["O"])
    # Different decisions: left for the panel.
    assert rows["b"].status == ""
    client = as_user("reviewer")
    url = reverse("consensus_item", args=[review.pk, 2])
    consensus = review.consensus.get(item=item)
    live = client.post(
        url,
        {
            "preview": "1",
            "criteria": ["a", "b", "c"],
            "a-status": "met",
            "a-parts": ["i", "ii", "iii", "iv"],
            "b-status": "met",
            "c-status": "met",
            "version": consensus.version,
        },
        headers={"HX-Request": "true"},
    )
    assert live.status_code == 200
    assert "Agreed score: 5" in page_text(live)
    # The preview saved nothing.
    consensus.refresh_from_db()
    assert consensus.score is None and consensus.version == 0
    assert ConsensusCriterion.objects.get(consensus=consensus, criterion__letter="b").status == ""


def test_only_the_panel_gets_the_live_score(review, users, as_user):
    reviewer, expert = place_of(review, users["reviewer"]), place_of(review, users["expert"])
    for place in (reviewer, expert):
        for other in review.scale.items.all():
            rate(place, other, {c.letter: ("not_met", []) for c in other.definition.criteria})
        actions.submit_ratings(panel_member=place)
    url = reverse("consensus_item", args=[review.pk, 2])
    for name in ("manager", "member"):
        response = as_user(name).post(
            url,
            {"preview": "1", "criteria": ["a"], "a-status": "met"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code in (403, 404)
