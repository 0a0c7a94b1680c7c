"""The team's side of a review: its manager and facilitator prepare it before the visit
(tick the checklist, add documents, enter routine data, choose the team's focus) and the
panel sees who did what; the report names at most the programme's number of priorities,
ranked by a rule it states, each with the criteria still to meet in words; the review page
tells each person what happens next."""

import re

import pytest
from django.urls import reverse

from fidelis.reviews import actions
from fidelis.reviews.models import Review, Status
from fidelis.reviews.report import PRIORITY_RULE, build_report
from tests.conftest import PERSONA_NAMES, page_text
from tests.reviews.helpers import planned_review

ASHBY = "ashby-crisis-resolution-team"


@pytest.fixture
def preparing(programme, users):
    review = planned_review(programme, users, team_slug=ASHBY)
    actions.advance(review=review, by=users["lead"])
    review = Review.objects.get(pk=review.pk)
    assert review.status == Status.PREPARATION
    return review


# Who may prepare Ashby's review before the visit: the lead, the panel, and Ashby's own
# manager and facilitator. Ashby's staff member and sponsor see nothing of it until it is
# finalised; the other team's manager never does.
PREPARE = {
    "lead": 200,
    "facilitator": 200,
    "reviewer": 200,
    "expert": 200,
    "manager": 200,
    "member": 404,
    "sponsor": 404,
    "evaluator": 404,
    "other": 404,
}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("page", ["routine-data/", "preparation/new/", "focus/"])
def test_the_team_prepares_its_own_review(page, persona, preparing, as_user):
    response = as_user(persona).get(f"/reviews/{preparing.pk}/{page}")
    assert response.status_code == PREPARE[persona]


def test_the_manager_ticks_the_checklist_and_the_panel_sees_who(preparing, users, as_user):
    item = preparing.preparation.filter(kind="document").first()
    manager = as_user("manager")
    response = manager.post(
        reverse("preparation_toggle", args=[preparing.pk, item.pk]), {"done": "on"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done and item.done_by == users["manager"] and item.done_at is not None
    page = page_text(as_user("reviewer").get(f"/reviews/{preparing.pk}/"))
    assert f"ticked by {users['manager'].display_name}" in page.lower() or (
        f"Ticked by {users['manager'].display_name}" in page
    )
    # Unticking clears who did it.
    manager.post(reverse("preparation_toggle", args=[preparing.pk, item.pk]), {})
    item.refresh_from_db()
    assert not item.done and item.done_by is None


def test_the_manager_adds_a_document_and_it_says_who(preparing, users, as_user):
    response = as_user("manager").post(
        f"/reviews/{preparing.pk}/preparation/new/",
        {"kind": "document", "label": "Last month's caseload summary (anonymised)"},
    )
    assert response.status_code == 302
    added = preparing.preparation.get(label__startswith="Last month's caseload")
    assert added.added_by == users["manager"]


def test_once_rating_opens_the_team_can_no_longer_change_it(preparing, users, as_user):
    actions.advance(review=preparing, by=users["lead"])
    item = preparing.preparation.first()
    for persona in ("manager", "facilitator"):
        client = as_user(persona)
        assert client.get(f"/reviews/{preparing.pk}/focus/").status_code == 403
        response = client.post(
            reverse("preparation_toggle", args=[preparing.pk, item.pk]), {"done": "on"}
        )
        assert response.status_code == 403
    item.refresh_from_db()
    assert not item.done
    # The panel still can.
    assert as_user("reviewer").get(f"/reviews/{preparing.pk}/focus/").status_code == 200


def test_the_team_chooses_its_focus(preparing, as_user):
    manager = as_user("manager")
    response = manager.post(f"/reviews/{preparing.pk}/focus/", {"items": ["3", "12"]})
    assert response.status_code == 302
    preparing.refresh_from_db()
    assert preparing.focus_items == [3, 12]
    page = page_text(manager.get(f"/reviews/{preparing.pk}/"))
    assert "The team's focus" in page
    assert "12. " in page


def test_a_focus_of_more_than_five_items_is_refused_and_nothing_changes(preparing, as_user):
    response = as_user("manager").post(
        f"/reviews/{preparing.pk}/focus/", {"items": ["1", "2", "3", "4", "5", "6"]}
    )
    assert response.status_code == 400
    assert "Choose at most 5 items; 6 are ticked." in page_text(response)
    # What was ticked is still ticked on the page.
    assert response.content.decode().count("checked") >= 6
    preparing.refresh_from_db()
    assert preparing.focus_items == []


def test_an_unknown_item_is_refused_by_the_action(preparing):
    with pytest.raises(actions.ReviewError, match="The scale has no item 99"):
        actions.set_focus_items(review=preparing, numbers=[1, 99])
    preparing.refresh_from_db()
    assert preparing.focus_items == []


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager", "Before the visit: tick off each document"),
        ("facilitator", "Before the visit: tick off each document"),
        ("lead", "Check the preparation list with the team, then open rating"),
        ("reviewer", "Check the preparation list with the team, then open rating"),
    ],
)
def test_each_person_is_told_what_happens_next(persona, expected, preparing, as_user):
    page = page_text(as_user(persona).get(f"/reviews/{preparing.pk}/"))
    assert "What happens next" in page
    assert expected in page


def test_a_reviewer_at_rating_is_sent_to_rate(preparing, users, as_user):
    actions.advance(review=preparing, by=users["lead"])
    page = page_text(as_user("reviewer").get(f"/reviews/{preparing.pk}/"))
    assert "Rate each item from what you saw and heard" in page
    page = page_text(as_user("manager").get(f"/reviews/{preparing.pk}/"))
    assert "The team sees the report once the panel finalises it" in page


def finalised_reviews():
    return Review.objects.filter(status=Status.FINALISED).select_related("team")


def test_every_demo_report_names_at_most_five_ranked_priorities_in_words(db):
    reviews = list(finalised_reviews())
    assert len(reviews) > 20
    checked = 0
    for review in reviews:
        report = build_report(review)
        assert len(report.priorities) <= 5
        gaps = [p.gap for p in report.priorities]
        assert gaps == sorted(gaps, reverse=True)
        for priority in report.priorities:
            assert priority.item.score < report.max_level
            assert priority.unmet or priority.item.anchor_text
            for criterion in priority.unmet:
                assert criterion.decision != "met"
                assert len(criterion.text) > 10  # the scale's words, not a letter
        checked += 1
    assert checked == len(reviews)


def test_the_report_states_its_rule_and_spells_out_criteria(as_user):
    review = Review.objects.get(team__slug=ASHBY, timepoint__key="12m")
    report = build_report(review)
    page = page_text(as_user("manager").get(f"/reviews/{review.pk}/report/"))
    assert PRIORITY_RULE in page
    assert "At a glance" in page
    first = report.priorities[0]
    assert f"1. {first.item.number}. {first.item.title}" in page
    for criterion in first.unmet:
        assert criterion.text in page
    assert "Still to meet:" in page


def test_the_programme_setting_limits_the_priorities_and_focus_ranks_higher(
    programme, preparing, users
):
    review = Review.objects.get(team__slug=ASHBY, timepoint__key="12m")
    report = build_report(review)
    assert len(report.priorities) == 5
    programme.report_priorities = 3
    programme.save()
    fewer = build_report(Review.objects.get(pk=review.pk))
    assert [p.item.number for p in fewer.priorities] == [
        p.item.number for p in report.priorities[:3]
    ]
    # Among items with the same gap and the same quick-win standing, the team's focus
    # comes first: choose the last such item of the lowest score as the focus.
    lowest = [p for p in report.priorities if p.gap == report.priorities[0].gap]
    same = [p for p in lowest if p.one_more == lowest[0].one_more]
    if len(same) > 1:
        chosen = same[-1].item.number
        Review.objects.filter(pk=review.pk).update(focus_items=[chosen])
        focused = build_report(Review.objects.get(pk=review.pk))
        assert focused.priorities[0].item.number == chosen
        assert focused.priorities[0].focus
        assert "the team's own focus" in focused.priorities[0].reason


def test_the_programme_form_refuses_six_priorities(programme, as_user):
    response = as_user("lead").post(
        f"/programmes/{programme.slug}/edit/",
        {
            "name": programme.name,
            "start_date": programme.start_date.isoformat(),
            "length_months": programme.length_months,
            "scale": programme.scale_id,
            "benchmark_min_teams": programme.benchmark_min_teams,
            "report_priorities": "6",
        },
    )
    assert response.status_code == 400
    assert "A report names at most 5 priorities." in page_text(response)
    programme.refresh_from_db()
    assert programme.report_priorities == 5
    assert re.search(r"priorities in a report", page_text(response), re.I)
