"""Every free-text field refuses what Fidelis must not hold or cannot store, however it is
reached: NHS numbers however written, control characters, text too long. The page says
why with a 4xx, keeps what was typed, and stores nothing."""

import pytest
from django.core.exceptions import ValidationError

from fidelis.programmes import actions as programme_actions
from fidelis.programmes.models import Team
from fidelis.reviews import actions as review_actions
from tests.conftest import page_text
from tests.lib.test_nhsnumber import WRITTEN
from tests.reviews.helpers import at_consensus, at_rating, place_of

P = "crisis-care-2026"
ASHBY = "ashby-crisis-resolution-team"
NEAR_MISSES = ["943 476 5918", "19434765919"]  # a wrong check digit; eleven digits


@pytest.mark.parametrize("written", list(WRITTEN.values()), ids=list(WRITTEN))
def test_every_way_of_writing_an_nhs_number_is_refused_where_people_type(written, programme, users):
    text = f"Seen {written} today"
    team = Team.objects.get(slug=ASHBY)
    with pytest.raises(ValidationError):
        programme_actions.update_team(team=team, area_served=text, staff_count=20)
    review = at_rating(programme, users)
    with pytest.raises(ValidationError):
        review_actions.record_rating(
            panel_member=place_of(review, users["reviewer"]),
            item=review.scale.items.get(number=2),
            notes=text,
        )
    with pytest.raises(ValidationError):
        review_actions.add_preparation_item(review=review, kind="document", label=text)


@pytest.mark.parametrize("number", NEAR_MISSES)
def test_numbers_that_are_not_nhs_numbers_are_kept(number, programme, users):
    team = Team.objects.get(slug=ASHBY)
    programme_actions.update_team(team=team, area_served=f"Ref {number}", staff_count=20)
    assert Team.objects.get(slug=ASHBY).area_served == f"Ref {number}"
    review = at_rating(programme, users)
    item = review_actions.add_preparation_item(review=review, kind="document", label=number)
    assert item.label == number


BAD_TEXT = {"a null byte": "Ordinary words\x00", "a megabyte": "x" * 1_000_000}


def free_text_posts(programme, users):
    """(persona, path, form data with the bad text's place marked as None, field) for a
    free-text field on each kind of page."""
    review = at_consensus(programme, users)
    rating_review = at_rating(programme, users, team_slug="oakridge-crisis-team", key="24m")
    return [
        ("manager", f"/programmes/{P}/teams/{ASHBY}/edit/", {"staff_count": "20"}, "area_served"),
        (
            "lead",
            f"/programmes/{P}/people/invite/",
            {"email": "bad.text@example.org", "role": "evaluator"},
            "message",
        ),
        ("reviewer", f"/reviews/{review.pk}/report/recommendations/", {}, "recommendations"),
        ("lead", f"/reviews/{rating_review.pk}/preparation/new/", {"kind": "document"}, "label"),
        (
            "reviewer",
            f"/reviews/{rating_review.pk}/rate/2/",
            {"criteria": ["a"], "a-status": "met"},
            "notes",
        ),
        (
            "reviewer",
            f"/reviews/{review.pk}/consensus/2/",
            {"criteria": [], "version": review.consensus.get(item__number=2).version},
            "rationale",
        ),
    ]


@pytest.mark.parametrize("bad", list(BAD_TEXT), ids=list(BAD_TEXT))
def test_bad_text_in_any_free_text_field_gets_a_4xx_and_a_reason(bad, as_user, programme, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for persona, path, data, field in free_text_posts(programme, users):
        with CaptureQueriesContext(connection) as queries:
            response = as_user(persona).post(path, {**data, field: BAD_TEXT[bad]})
        assert response.status_code == 400, (path, response.status_code)
        text = page_text(response)
        reasons = (
            "control character",  # the actions' check
            "Null characters are not allowed",  # Django's own, in a form field
            "characters or fewer",  # the actions' limit
            "Ensure this value has at most",  # a form field's limit
        )
        assert any(reason in text for reason in reasons), (path, text[-600:])
        writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE"))]
        # Only the session may be written (signing in); nothing the person typed.
        assert all("django_session" in sql or "last_login" in sql for sql in writes), writes
