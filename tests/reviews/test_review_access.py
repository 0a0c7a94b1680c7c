"""Every persona's view of the demo's review pages, including what each must not see."""

import datetime

import pytest

from fidelis.programmes.models import Team
from fidelis.reviews.models import Review
from tests.conftest import PERSONA_NAMES, page_text


def review_of(team_slug: str, key: str) -> Review:
    return Review.objects.get(team__slug=team_slug, timepoint__key=key)


FINALISED_ASHBY = {
    "lead": 200,
    "facilitator": 200,
    "reviewer": 200,
    "expert": 200,
    "manager": 200,
    "member": 200,
    "sponsor": 200,
    "evaluator": 404,
    "other": 404,
}
IN_PROGRESS_CORRAN = {
    "lead": 200,
    "facilitator": 200,
    "reviewer": 200,
    "expert": 200,
    "manager": 404,
    "member": 404,
    "sponsor": 404,
    "evaluator": 404,
    "other": 404,
}
CORRAN_RATINGS_SIDE_BY_SIDE = {
    # Blind: panel members who have not submitted see nobody else's ratings.
    "lead": 200,
    "facilitator": 403,
    "reviewer": 403,
    "expert": 403,
    "manager": 404,
    "member": 404,
    "sponsor": 404,
    "evaluator": 404,
    "other": 404,
}
# No draft report before consensus: there are no agreed scores to report yet.
CORRAN_REPORT = dict.fromkeys(PERSONA_NAMES, 404)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_finalised_report_is_open_to_those_who_work_with_the_team(persona, as_user):
    review = review_of("ashby-crisis-resolution-team", "12m")
    client = as_user(persona)
    assert client.get(f"/reviews/{review.pk}/report/").status_code == FINALISED_ASHBY[persona]
    assert client.get(f"/reviews/{review.pk}/").status_code == FINALISED_ASHBY[persona]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_review_in_progress_is_hidden_from_the_team_and_others(persona, as_user):
    review = review_of("corran-home-treatment-team", "12m")
    client = as_user(persona)
    assert client.get(f"/reviews/{review.pk}/").status_code == IN_PROGRESS_CORRAN[persona]
    assert (
        client.get(f"/reviews/{review.pk}/consensus/").status_code
        == CORRAN_RATINGS_SIDE_BY_SIDE[persona]
    )
    assert client.get(f"/reviews/{review.pk}/report/").status_code == CORRAN_REPORT[persona]


@pytest.mark.parametrize("persona", ["reviewer", "expert"])
def test_the_demo_reviewers_have_items_left_to_rate(persona, as_user):
    review = review_of("corran-home-treatment-team", "12m")
    home = as_user(persona).get("/").content.decode()
    assert "more item" in home and "Corran Home Treatment Team, 12 months review" in home
    assert as_user(persona).get(f"/reviews/{review.pk}/rate/").status_code == 200


def test_the_review_list_shows_team_staff_only_finalised_reviews(as_user):
    body = as_user("member").get("/reviews/").content.decode()
    assert "Ashby Crisis Resolution Team" in body
    assert "Corran Home Treatment Team" not in body
    assert "Kestrel Bay Crisis Team" not in body


def test_the_pdf_is_served_only_to_those_who_may_read_the_report(as_user):
    review = review_of("ashby-crisis-resolution-team", "baseline")
    response = as_user("member").get(f"/reviews/{review.pk}/report.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert as_user("other").get(f"/reviews/{review.pk}/report.pdf").status_code == 404


def test_the_agreement_page_reports_the_programmes_figures_under_pseudonyms(as_user):
    from fidelis.programmes.models import Team

    response = as_user("evaluator").get("/programmes/crisis-care-2026/agreement/")
    body = response.content.decode()
    assert "All finalised reviews" in body
    assert "ICC(2,1)" in body
    for team in Team.objects.all():
        assert team.name not in body
    # Rows are in pseudonym order, 25 to a page: the first pseudonym's reviews open page one.
    first = min(Team.objects.values_list("pseudonym", flat=True))
    assert f"{first}, Baseline" in body
    assert "Showing 1 to 25 of" in page_text(response)


PANEL_AND_LEAD_PAGES = {
    # Pages that change a review in progress: the lead and the panel; the team's
    # facilitator may see the review but not change it; everyone else does not know it.
    "lead": 200,
    "facilitator": 403,
    "reviewer": 200,
    "expert": 200,
    "manager": 404,
    "member": 404,
    "sponsor": 404,
    "evaluator": 404,
    "other": 404,
}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("page", ["routine-data/", "preparation/new/"])
def test_only_the_lead_and_panel_prepare_a_review(page, persona, as_user):
    review = review_of("corran-home-treatment-team", "12m")
    response = as_user(persona).get(f"/reviews/{review.pk}/{page}")
    assert response.status_code == PANEL_AND_LEAD_PAGES[persona]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_rating_pages_belong_to_the_panel(persona, as_user):
    review = review_of("corran-home-treatment-team", "12m")
    expected = {**PANEL_AND_LEAD_PAGES, "lead": 403}
    assert as_user(persona).get(f"/reviews/{review.pk}/rate/").status_code == expected[persona]
    assert as_user(persona).get(f"/reviews/{review.pk}/rate/3/").status_code == expected[persona]


def test_the_leads_home_counts_the_programmes_reviews_and_lists_the_first_to_follow_up(
    as_user, programme
):
    reviews = Review.objects.filter(team__organisation__programme=programme)
    # More reviews planned than the section lists, visits out of the order they were added.
    later = programme.timepoints.create(key="18m", label="18 months", month=18, order=4)
    for n, team in enumerate(Team.objects.in_programme(programme).order_by("pk")[:7]):
        Review.objects.create(
            team=team,
            timepoint=later,
            scale=programme.scale,
            visit_date=later.due_date + datetime.timedelta(days=(n * 5) % 7),
        )
    active = list(
        reviews.exclude(status="finalised")
        .select_related("team", "timepoint")
        .order_by("visit_date", "pk")
    )
    assert active
    text = page_text(as_user("lead").get("/"))
    finalised = reviews.filter(status="finalised").count()
    assert f"{finalised} finalised, {len(active)} in progress" in text
    follow_ups = [f"Follow up: {r.team.name}, {r.timepoint.label} review" for r in active[:5]]
    places = [text.index(line) for line in follow_ups]
    assert places == sorted(places)  # in the order of their visits
    for review in active[5:]:
        assert f"Follow up: {review.team.name}, {review.timepoint.label} review" not in text
    assert f"See all {len(active)} reviews in progress" in text
    rating = next(r for r in active if r.status == "rating")
    waiting = rating.panel.filter(submitted_at__isnull=True).count()
    assert waiting
    assert f"Independent rating: {waiting} reviewer" in text
