"""The review actions refuse bad input themselves, whoever calls them (a page, a command,
an API), with a message that says why, and write nothing when they refuse."""

import pytest
from django.core.exceptions import ValidationError

from fidelis.reviews import actions
from fidelis.reviews.models import Amendment, ConsensusItem, CriterionRating, Rating
from tests.conftest import page_text
from tests.reviews.helpers import at_consensus, at_rating, finalised, place_of

NHS_NUMBER = "943 476 5919"  # a valid NHS number (the checksum holds)

# (decisions for item 1, anchor level, the refusal check_input gives). Item 1 is counted
# from criteria a to e; only e can be partly met. Item 7 is scored by choosing a level.
REFUSALS = [
    ({"z": ("met", [])}, None, 1, "Item 1 has no criterion 'z'."),
    (
        {"a": ("maybe", [])},
        None,
        1,
        "'maybe' is not a decision: choose met, partly met or not met.",
    ),
    ({"a": ("partial", [])}, None, 1, "Criterion a cannot be partly met."),
    ({"a": ("met", ["XX", "CN"])}, None, 1, "Unknown evidence source XX."),
    ({}, 9, 7, "Choose one of the levels 1, 2, 3, 4, 5."),
]


@pytest.mark.parametrize(("decisions", "level", "number", "message"), REFUSALS)
def test_a_rating_refuses_what_the_scale_does_not_allow(
    decisions, level, number, message, programme, users
):
    review = at_rating(programme, users)
    place = place_of(review, users["reviewer"])
    item = review.scale.items.get(number=number)
    with pytest.raises(actions.ReviewError) as refused:
        actions.record_rating(
            panel_member=place, item=item, decisions=decisions, anchor_level=level
        )
    assert str(refused.value) == message
    assert not Rating.objects.filter(panel_member=place).exists()
    assert not CriterionRating.objects.filter(rating__panel_member=place).exists()


@pytest.mark.parametrize(("decisions", "level", "number", "message"), REFUSALS)
def test_consensus_refuses_what_the_scale_does_not_allow(
    decisions, level, number, message, programme, users
):
    review = at_consensus(programme, users)
    consensus = review.consensus.select_related("item").get(item__number=number)
    before = (consensus.version, consensus.score, consensus.anchor_level)
    with pytest.raises(actions.ReviewError) as refused:
        actions.save_consensus(
            consensus=consensus,
            expected_version=consensus.version,
            decisions=decisions,
            anchor_level=level,
            rationale="Agreed.",
            agreed=False,
            by=users["reviewer"],
        )
    assert str(refused.value) == message
    consensus.refresh_from_db()
    assert (consensus.version, consensus.score, consensus.anchor_level) == before


def test_a_rating_page_refuses_a_partly_met_decision_the_criterion_does_not_allow(
    as_user, programme, users
):
    review = at_rating(programme, users)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/rate/1/", {"criteria": ["a"], "a-status": "partial"}
    )
    assert "Criterion a cannot be partly met." in page_text(response)
    assert not Rating.objects.filter(panel_member__review=review).exists()


def test_rating_notes_with_an_nhs_number_are_refused_by_the_action(programme, users):
    review = at_rating(programme, users)
    place = place_of(review, users["reviewer"])
    item = review.scale.items.get(number=2)
    with pytest.raises(ValidationError) as refused:
        actions.record_rating(
            panel_member=place,
            item=item,
            decisions={"a": ("met", [])},
            notes=f"Spoke about patient {NHS_NUMBER}",
        )
    assert "NHS number" in refused.value.message_dict["notes"][0]
    assert not Rating.objects.filter(panel_member=place).exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_the_rating_page_refuses_notes_with_an_nhs_number_and_keeps_the_text(
    htmx, as_user, programme, users
):
    review = at_rating(programme, users)
    notes = f"Discussed patient {NHS_NUMBER} with the team"
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/rate/2/",
        {"criteria": ["a"], "a-status": "met", "notes": notes},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == (422 if htmx else 400)
    text = page_text(response)
    assert "must not hold information that identifies patients" in text
    if not htmx:  # an htmx save swaps only the status area: the textarea keeps the text
        assert notes in response.content.decode()
    assert not Rating.objects.filter(panel_member__review=review).exists()


def test_a_consensus_rationale_with_an_nhs_number_is_refused_by_the_action(programme, users):
    review = at_consensus(programme, users)
    consensus = review.consensus.select_related("item").get(item__number=2)
    with pytest.raises(ValidationError) as refused:
        actions.save_consensus(
            consensus=consensus,
            expected_version=consensus.version,
            decisions={},
            anchor_level=None,
            rationale=f"Patient {NHS_NUMBER}",
            agreed=False,
            by=users["reviewer"],
        )
    assert list(refused.value.message_dict) == ["rationale"]
    assert ConsensusItem.objects.get(pk=consensus.pk).version == consensus.version


def test_an_amendment_reason_with_an_nhs_number_is_refused_and_nothing_changes(programme, users):
    review = finalised(programme, users)
    consensus = review.consensus.select_related("item").get(item__number=2)
    with pytest.raises(ValidationError) as refused:
        actions.amend(
            consensus=consensus,
            expected_version=consensus.version,
            decisions={"a": ("not_met", [])},
            anchor_level=None,
            rationale="Changed after review.",
            reason=f"The team told us about {NHS_NUMBER}",
            by=users["reviewer"],
        )
    assert list(refused.value.message_dict) == ["reason"]
    assert not Amendment.objects.filter(review=review).exists()
    review.refresh_from_db()
    assert review.report_version == 1


def test_recommendations_with_an_nhs_number_are_refused_by_the_action(programme, users):
    review = at_consensus(programme, users)
    with pytest.raises(ValidationError):
        actions.save_recommendations(
            review=review, recommendations=f"Follow up {NHS_NUMBER}", by=users["reviewer"]
        )
    review.refresh_from_db()
    assert review.recommendations == ""


def test_a_preparation_label_with_an_nhs_number_is_refused_by_the_action(programme, users):
    review = at_rating(programme, users)
    before = review.preparation.count()
    with pytest.raises(ValidationError) as refused:
        actions.add_preparation_item(review=review, kind="document", label=f"Notes of {NHS_NUMBER}")
    assert list(refused.value.message_dict) == ["label"]
    assert review.preparation.count() == before


def test_finalising_stores_the_agreed_total_and_an_amendment_keeps_it_current(programme, users):
    review = finalised(programme, users)
    from fidelis.reviews.scores import totals

    agreed = totals(review)
    assert (review.total, review.n_scored) == (agreed.total, agreed.n_items)
    assert review.band == agreed.band.key
    assert review.mean_score == pytest.approx(agreed.mean)
    consensus = review.consensus.select_related("item").get(item__number=2)
    actions.amend(
        consensus=consensus,
        expected_version=consensus.version,
        decisions={c.letter: ("not_met", []) for c in consensus.item.definition.criteria},
        anchor_level=None,
        rationale="Evidence did not hold up.",
        reason="The team's log was from another service.",
        by=users["reviewer"],
    )
    review.refresh_from_db()
    assert review.total == agreed.total - consensus.score + 1
    assert review.total == totals(review).total


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Seen at home\x00", "control character (U+0000)"),
        ("x" * 1_000_000, "Keep this to 5,000 characters or fewer (it has 1,000,000)"),
    ],
)
def test_rating_notes_refuse_control_characters_and_text_too_long(
    text, message, as_user, programme, users
):
    review = at_rating(programme, users)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/rate/2/", {"criteria": ["a"], "a-status": "met", "notes": text}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Rating.objects.filter(panel_member__review=review).exists()


@pytest.mark.parametrize("field", ["rationale", "reason"])
def test_consensus_text_refuses_a_null_byte(field, as_user, programme, users):
    review = finalised(programme, users)
    consensus = review.consensus.get(item__number=2)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/consensus/2/",
        {
            "criteria": [],
            "rationale": "Agreed\x00" if field == "rationale" else "Agreed",
            "reason": "Because\x00" if field == "reason" else "Because",
            "version": consensus.version,
        },
    )
    assert response.status_code == 400
    assert "control character" in page_text(response)
    assert not Amendment.objects.filter(review=review).exists()


def test_a_cached_report_page_shows_an_amendment_at_once(as_user, programme, users):
    review = finalised(programme, users)
    client = as_user("lead")
    assert "Changed after the visit" not in page_text(client.get(f"/reviews/{review.pk}/report/"))
    actions.save_recommendations(
        review=review,
        recommendations="Changed after the visit.",
        reason="The panel found a typing error.",
        by=users["reviewer"],
    )
    text = page_text(client.get(f"/reviews/{review.pk}/report/"))
    assert "Changed after the visit." in text
    assert "The panel found a typing error." in text
