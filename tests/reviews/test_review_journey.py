"""A review's life through the web pages: planning, blind rating, consensus with
optimistic locking, finalising, and amendments after that."""

import datetime

import pytest

from fidelis.reviews.models import Amendment, ConsensusItem, Rating, Review, Status
from fidelis.reviews.report import build_report
from tests.conftest import page_text
from tests.reviews.helpers import (
    agree_everything,
    at_consensus,
    at_rating,
    finalised,
    new_timepoint,
    place_of,
    rate_everything,
)


def test_the_lead_plans_a_review_with_a_panel(as_user, programme, users):
    from fidelis.programmes.models import Team

    timepoint = new_timepoint(programme)
    team = Team.objects.get(slug="ridgeway-crisis-resolution-team")
    response = as_user("lead").post(
        f"/programmes/{programme.slug}/reviews/new/",
        {
            "team": team.pk,
            "timepoint": timepoint.pk,
            "visit_date": "2027-05-10",
            "reviewer_1": users["reviewer"].pk,
            "role_1": "clinician",
            "reviewer_2": users["expert"].pk,
            "role_2": "expert",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(team=team, timepoint=timepoint)
    assert review.visit_date == datetime.date(2027, 5, 10)
    assert {m.user.username for m in review.panel.all()} == {"reviewer", "expert"}
    assert review.preparation.filter(kind="document").exists()
    assert review.preparation.filter(kind="interview").exists()


def test_a_plan_with_errors_saves_nothing(as_user, programme, users):
    timepoint = new_timepoint(programme)
    before = Review.objects.count()
    response = as_user("lead").post(
        f"/programmes/{programme.slug}/reviews/new/",
        {
            "team": "",
            "timepoint": timepoint.pk,
            "visit_date": "not a date",
            "reviewer_1": users["reviewer"].pk,
        },
    )
    text = page_text(response)
    assert "There is a problem" in text
    assert "Choose the team." in text
    assert "Enter a valid date." in text
    assert Review.objects.count() == before


def test_only_the_lead_plans_reviews(as_user, programme):
    assert as_user("reviewer").get(f"/programmes/{programme.slug}/reviews/new/").status_code == 403


def test_each_change_is_saved_at_once_through_htmx(as_user, programme, users):
    review = at_rating(programme, users)
    item = review.scale.items.get(number=6)
    letters = [c.letter for c in item.criteria.all()]
    data = {"criteria": letters, "notes": "Thorough assessments seen in most notes."}
    for letter in letters:
        data[f"{letter}-status"] = "met"
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/rate/6/", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="rating-status"' in body and "<html" not in body
    assert "Saved at" in body
    rating = Rating.objects.get(
        panel_member__review=review, item=item, panel_member__user=users["reviewer"]
    )
    assert rating.score == 5
    assert rating.notes == "Thorough assessments seen in most notes."


def test_a_reviewer_cannot_see_another_reviewers_ratings_before_submitting(
    as_user, programme, users
):
    review = at_rating(programme, users)
    rate_everything(place_of(review, users["reviewer"]), status="met")
    expert = as_user("expert")
    # Their own rating page shows nothing of the reviewer's decisions.
    page = expert.get(f"/reviews/{review.pk}/rate/6/")
    text = page_text(page)
    assert "Score: not yet decided" in text
    assert "Nothing saved yet for this item" in text
    assert " checked" not in page.content.decode()  # none of the reviewer's decisions
    assert expert.get(f"/reviews/{review.pk}/consensus/").status_code == 403
    # The reviewer submits; the expert, who has not, still sees nothing of it.
    from fidelis.reviews import actions

    actions.submit_ratings(panel_member=place_of(review, users["reviewer"]))
    assert expert.get(f"/reviews/{review.pk}/consensus/").status_code == 403
    # The reviewer who submitted sees submitted ratings, and not the expert's unsubmitted ones.
    rate_everything(place_of(review, users["expert"]), status="not_met")
    page = as_user("reviewer").get(f"/reviews/{review.pk}/consensus/")
    assert page.status_code == 200
    assert "Eddie Brook" not in page_text(page)


def test_submitting_with_unrated_items_is_refused_with_the_items_listed(as_user, programme, users):
    review = at_rating(programme, users)
    rate_everything(place_of(review, users["reviewer"]), skip={3, 7})
    response = as_user("reviewer").post(f"/reviews/{review.pk}/rate/submit/", follow=True)
    assert "Items still without a score: 3, 7" in page_text(response)
    assert not place_of(review, users["reviewer"]).has_submitted


def test_consensus_opens_when_everyone_has_submitted_and_flags_disagreements(
    as_user, programme, users
):
    review = at_consensus(programme, users)
    assert review.status == Status.CONSENSUS
    page = as_user("expert").get(f"/reviews/{review.pk}/consensus/")
    text = page_text(page)
    # The reviewer met every criterion and the expert none: their scores differ by two or
    # more points on most items, and the flag says by how much.
    assert "Scores 1 to 5" in text
    assert "fidelis-disagreement" in page.content.decode()
    assert ConsensusItem.objects.filter(review=review, agreed=False).count() == 28


def test_a_stale_consensus_save_is_refused_not_applied(as_user, programme, users):
    review = at_consensus(programme, users)
    item = review.scale.items.get(number=6)
    consensus = ConsensusItem.objects.get(review=review, item=item)
    letters = [c.letter for c in item.criteria.all()]

    def post(client, status, rationale, version):
        data = {
            "criteria": letters,
            "rationale": rationale,
            "version": version,
            "agreed": "on",
            "next": "list",
        }
        for letter in letters:
            data[f"{letter}-status"] = status
        return client.post(f"/reviews/{review.pk}/consensus/6/", data)

    reviewer, expert = as_user("reviewer"), as_user("expert")
    assert (
        post(reviewer, "met", "All seven seen in the notes.", consensus.version).status_code == 302
    )
    # The expert opened the page before that save and now saves an older version.
    response = post(expert, "not_met", "Not convinced.", consensus.version)
    assert response.status_code == 409
    text = page_text(response)
    assert "Rachel Osei saved item 6 after you opened it" in text
    assert "Not convinced." in response.content.decode()  # what they typed is kept
    stored = ConsensusItem.objects.get(pk=consensus.pk)
    assert stored.rationale == "All seven seen in the notes."
    assert stored.score == 5


def test_the_team_cannot_see_a_review_until_it_is_finalised(as_user, programme, users):
    review = at_consensus(programme, users, team_slug="ashby-crisis-resolution-team")
    member = as_user("member")
    assert member.get(f"/reviews/{review.pk}/").status_code == 404
    assert member.get(f"/reviews/{review.pk}/report/").status_code == 404
    assert as_user("other").get(f"/reviews/{review.pk}/").status_code == 404
    # The manager sees the plan and preparation, but no report before finalising.
    manager = as_user("manager")
    assert manager.get(f"/reviews/{review.pk}/").status_code == 200
    assert manager.get(f"/reviews/{review.pk}/report/").status_code == 404
    assert manager.get(f"/reviews/{review.pk}/consensus/").status_code == 403

    agree_everything(review, users["reviewer"])
    reviewer = as_user("reviewer")
    reviewer.post(f"/reviews/{review.pk}/advance/")
    reviewer.post(
        f"/reviews/{review.pk}/report/recommendations/",
        {"recommendations": "Write crisis plans with every person."},
    )
    response = reviewer.post(f"/reviews/{review.pk}/finalise/")
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).status == Status.FINALISED
    page = member.get(f"/reviews/{review.pk}/report/")
    assert page.status_code == 200
    assert "Write crisis plans with every person." in page_text(page)


def test_a_finalised_review_changes_only_by_amendment_with_a_reason(as_user, programme, users):
    review = finalised(programme, users)
    item = review.scale.items.get(number=2)
    consensus = ConsensusItem.objects.get(review=review, item=item)
    letters = [c.letter for c in item.criteria.all()]
    data = {
        "criteria": letters,
        "rationale": "Response times were lower than first read.",
        "version": consensus.version,
    }
    for letter in letters:
        data[f"{letter}-status"] = "not_met"
    client = as_user("reviewer")
    response = client.post(f"/reviews/{review.pk}/consensus/2/", data)
    assert "Give the reason for the amendment" in page_text(response)
    assert ConsensusItem.objects.get(pk=consensus.pk).score == consensus.score
    assert not Amendment.objects.filter(review=review).exists()

    data["reason"] = "The team's routine data arrived after the visit."
    response = client.post(f"/reviews/{review.pk}/consensus/2/", data)
    assert response.status_code == 302
    amendment = Amendment.objects.get(review=review)
    assert amendment.reason == "The team's routine data arrived after the visit."
    assert ConsensusItem.objects.get(pk=consensus.pk).score == 1
    report = as_user("lead").get(f"/reviews/{review.pk}/report/")
    assert "The team's routine data arrived after the visit." in page_text(report)


def test_changing_ratings_after_submitting_is_refused(as_user, programme, users):
    review = at_consensus(programme, users)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/rate/6/", {"criteria": ["a"], "a-status": "not_met"}
    )
    assert response.status_code == 403


def test_an_nhs_number_in_a_rationale_is_refused(as_user, programme, users):
    review = at_consensus(programme, users)
    item = review.scale.items.get(number=1)
    consensus = ConsensusItem.objects.get(review=review, item=item)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/consensus/1/",
        {"criteria": [], "rationale": "See patient 943 476 5919", "version": consensus.version},
    )
    assert "NHS number" in page_text(response)
    assert "943 476 5919" not in ConsensusItem.objects.get(pk=consensus.pk).rationale


def test_the_plan_can_change_until_rating_starts(as_user, programme, users):
    from tests.reviews.helpers import planned_review

    review = planned_review(programme, users)
    client = as_user("lead")
    page = client.get(f"/reviews/{review.pk}/plan/")
    assert "Change the review's plan" in page_text(page)
    response = client.post(
        f"/reviews/{review.pk}/plan/",
        {
            "visit_date": "2027-06-01",
            "reviewer_1": users["reviewer"].pk,
            "role_1": "researcher",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.visit_date == datetime.date(2027, 6, 1)
    assert [(m.user.username, m.role) for m in review.panel.all()] == [("reviewer", "researcher")]


def test_the_panel_cannot_change_once_rating_has_started(as_user, programme, users):
    review = at_rating(programme, users)
    response = as_user("lead").post(
        f"/reviews/{review.pk}/plan/",
        {"visit_date": "2027-06-01", "reviewer_1": users["reviewer"].pk, "role_1": "clinician"},
    )
    assert "cannot change once rating has started" in page_text(response)
    assert review.panel.count() == 2


def test_the_panel_adds_an_interview_to_the_days_schedule(as_user, programme, users):
    from tests.reviews.helpers import planned_review

    review = planned_review(programme, users)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/preparation/new/",
        {"kind": "interview", "label": "Interview with the crisis café lead", "time": "16:15"},
    )
    assert response.status_code == 302
    item = review.preparation.get(label="Interview with the crisis café lead")
    assert item.time == datetime.time(16, 15)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/preparation/new/",
        {"kind": "interview", "label": "Seen 943 476 5919", "time": "16:15"},
    )
    assert "NHS number" in page_text(response)


def test_two_reviewers_rating_the_same_item_keep_their_own_ratings(as_user, programme, users):
    review = at_rating(programme, users)
    item = review.scale.items.get(number=6)
    letters = [c.letter for c in item.criteria.all()]
    for persona, status in (("reviewer", "met"), ("expert", "not_met")):
        data = {"criteria": letters}
        data.update({f"{letter}-status": status for letter in letters})
        as_user(persona).post(f"/reviews/{review.pk}/rate/6/", data, headers={"HX-Request": "true"})
    scores = dict(
        Rating.objects.filter(panel_member__review=review, item=item).values_list(
            "panel_member__user__username", "score"
        )
    )
    assert scores == {"reviewer": 5, "expert": 1}


def test_routine_data_asks_once_per_figure_and_refuses_bad_numbers(as_user, programme, users):
    review = at_rating(programme, users)
    client = as_user("lead")
    page = page_text(client.get(f"/reviews/{review.pk}/routine-data/"))
    # One field for the figure, labelled once (the hint then names each criterion it
    # decides), not one field per criterion that reads it.
    assert page.count("Percentage of urgent referrals seen face to face within 4 hours") == 1
    item = review.scale.items.get(number=2)
    field = next(
        f"c{c.pk}" for c in item.criteria.all() if item.definition.criterion(c.letter).routine_data
    )
    response = client.post(f"/reviews/{review.pk}/routine-data/", {field: "120"})
    assert "Enter a percentage from 0 to 100." in page_text(response)
    assert not review.routine_values.exists()
    response = client.post(f"/reviews/{review.pk}/routine-data/", {field: "92"})
    assert response.status_code == 302
    assert review.routine_values.filter(criterion__item=item).count() == 2
    rate = page_text(as_user("reviewer").get(f"/reviews/{review.pk}/rate/2/"))
    assert "This suggests the criterion is met" in rate


def test_an_expert_by_experience_sits_on_the_panel_as_one(as_user, programme, users):
    from fidelis.programmes.models import Team

    timepoint = new_timepoint(programme)
    team = Team.objects.get(slug="ridgeway-crisis-resolution-team")
    response = as_user("lead").post(
        f"/programmes/{programme.slug}/reviews/new/",
        {
            "team": team.pk,
            "timepoint": timepoint.pk,
            "visit_date": "2027-05-10",
            "reviewer_1": users["expert"].pk,
            "role_1": "clinician",
        },
    )
    assert "their panel role is Expert by experience" in page_text(response)
    assert not Review.objects.filter(team=team, timepoint=timepoint).exists()


def test_impossible_consensus_input_gets_a_message_not_an_error(as_user, programme, users):
    review = at_consensus(programme, users)
    consensus = ConsensusItem.objects.get(review=review, item__number=7)
    client = as_user("reviewer")
    for data in (
        {"anchor_level": "99"},
        {"anchor_level": "²"},
        {"criteria": ["a"], "a-status": "bogus"},
        {"criteria": ["a"], "a-status": "met", "a-sources": ["<script>"]},
        {"version": "not a number"},
    ):
        response = client.post(
            f"/reviews/{review.pk}/consensus/7/",
            {"rationale": "x", "version": consensus.version, **data},
        )
        assert response.status_code in (400, 409), data
        assert "There is a problem" in page_text(response), data
    assert ConsensusItem.objects.get(pk=consensus.pk).version == consensus.version


def test_a_finalised_reviews_preparation_list_no_longer_changes(as_user, programme, users):
    review = finalised(programme, users)
    item = review.preparation.first()
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/preparation/{item.pk}/", {"done": "" if item.done else "on"}
    )
    assert response.status_code == 403
    assert review.preparation.get(pk=item.pk).done == item.done


def test_pooled_agreement_copes_with_two_reviewers_in_one_role(as_user, programme, users):
    from fidelis.reviews.models import PanelMember

    review = finalised(programme, users)
    PanelMember.objects.filter(review=review).update(role="clinician")
    from fidelis.reviews.agreement import refresh_programme

    stored = refresh_programme(programme)
    assert stored.figures["n_raters"] == 4  # clinician-1, clinician-2, and the demo's seats
    page = as_user("lead").get(f"/programmes/{programme.slug}/agreement/")
    assert page.status_code == 200
    assert "All finalised reviews" in page_text(page)


def test_only_the_lead_changes_the_panel(as_user, programme, users):
    from tests.reviews.helpers import planned_review

    review = planned_review(programme, users)
    assert as_user("reviewer").get(f"/reviews/{review.pk}/plan/").status_code == 403


def test_an_unknown_decision_on_a_counted_item_gets_a_message(as_user, programme, users):
    review = at_consensus(programme, users)
    consensus = ConsensusItem.objects.get(review=review, item__number=6)
    response = as_user("reviewer").post(
        f"/reviews/{review.pk}/consensus/6/",
        {
            "criteria": ["a", "zz"],
            "a-status": "bogus",
            "zz-status": "met",
            "version": consensus.version,
        },
    )
    assert "There is a problem" in page_text(response)


def test_a_review_cannot_take_another_programmes_timepoint(programme, users):
    """A timepoint belongs to one programme: the dashboards find a programme's reviews
    through its timepoints, so a review of one programme's team at another's is refused."""
    from fidelis.demo import build_seed
    from fidelis.programmes.models import Team
    from fidelis.reviews import actions
    from fidelis.reviews.models import PanelRole

    other = build_seed(teams=3, seed=5, reviews=1, slug="another-programme").programme
    team = Team.objects.get(slug="fenwick-crisis-team")
    before = Review.objects.count()
    with pytest.raises(actions.ReviewError, match="is not a timepoint of"):
        actions.plan_review(
            team=team,
            timepoint=other.timepoints.order_by("order").last(),
            visit_date=datetime.date(2027, 5, 4),
            panel=[(users["reviewer"], PanelRole.CLINICIAN)],
            by=users["lead"],
        )
    assert Review.objects.count() == before


def test_finalising_asks_first_says_what_cannot_be_undone_and_needs_recommendations(
    as_user, programme, users
):
    review = at_consensus(programme, users)
    agree_everything(review, users["reviewer"])
    reviewer = as_user("reviewer")
    reviewer.post(f"/reviews/{review.pk}/advance/")
    report = page_text(reviewer.get(f"/reviews/{review.pk}/report/"))
    assert "Finalise report" not in report
    assert "Write the recommendations first" in report
    # Without recommendations the confirmation page is not offered, and a post is refused.
    assert reviewer.get(f"/reviews/{review.pk}/finalise/").status_code == 302
    refused = reviewer.post(f"/reviews/{review.pk}/finalise/", follow=True)
    assert "Write the panel's recommendations before finalising" in page_text(refused)
    assert Review.objects.get(pk=review.pk).status == Status.REPORT
    reviewer.post(
        f"/reviews/{review.pk}/report/recommendations/", {"recommendations": "Plan with carers."}
    )
    assert "Finalise report" in page_text(reviewer.get(f"/reviews/{review.pk}/report/"))
    confirm = page_text(reviewer.get(f"/reviews/{review.pk}/finalise/"))
    assert "Finalise the report?" in confirm and "Finalising cannot be undone." in confirm
    assert Review.objects.get(pk=review.pk).status == Status.REPORT  # asking changes nothing
    reviewer.post(f"/reviews/{review.pk}/finalise/")
    assert Review.objects.get(pk=review.pk).status == Status.FINALISED


def test_submitting_ratings_asks_first(as_user, programme, users):
    review = at_rating(programme, users)
    rate_everything(place_of(review, users["reviewer"]))
    reviewer = as_user("reviewer")
    confirm = page_text(reviewer.get(f"/reviews/{review.pk}/rate/submit/"))
    assert "Submit your ratings?" in confirm
    assert "cannot be changed" in confirm
    assert not place_of(review, users["reviewer"]).has_submitted  # asking changes nothing
    reviewer.post(f"/reviews/{review.pk}/rate/submit/")
    assert place_of(review, users["reviewer"]).has_submitted


def test_the_recommendations_page_shows_the_priorities_with_unmet_criteria_in_words(
    as_user, programme, users
):
    review = at_consensus(programme, users)
    agree_everything(review, users["reviewer"], status="not_met", level=1)
    as_user("reviewer").post(f"/reviews/{review.pk}/advance/")
    text = page_text(as_user("reviewer").get(f"/reviews/{review.pk}/report/recommendations/"))
    assert "The report's priorities" in text
    assert "Not fully met yet" in text
    priorities = build_report(Review.objects.get(pk=review.pk)).priorities
    assert priorities
    for priority in priorities:
        assert f"{priority.item.number}. {priority.item.title}" in text
        for criterion in priority.item.criteria:
            if criterion.decision != "met":
                assert page_text_of(criterion.text) in text


def page_text_of(text: str) -> str:
    """A criterion's text as page_text shows it (whitespace run together)."""
    return " ".join(text.split())


def test_consensus_shows_each_criterion_s_text_and_a_key_to_the_evidence_codes(
    as_user, programme, users
):
    review = at_consensus(programme, users)
    item = review.scale.definition.items[0]
    text = page_text(as_user("reviewer").get(f"/reviews/{review.pk}/consensus/{item.number}/"))
    table = text.split("What each reviewer decided")[1].split("Evidence in brackets")[0]
    for criterion in item.criteria:
        assert page_text_of(criterion.text) in table
    names = {s.code: s.name for s in review.scale.definition.sources}
    used = {code for c in item.criteria for code in c.sources}
    assert "Evidence in brackets:" in text
    for code in used:
        assert f"{code} {names[code]}" in text


def test_the_ratings_overview_goes_straight_to_the_first_unscored_item(as_user, programme, users):
    review = at_rating(programme, users)
    rate_everything(place_of(review, users["reviewer"]), skip={4, 9})
    text = as_user("reviewer").get(f"/reviews/{review.pk}/rate/").content.decode()
    assert f'href="/reviews/{review.pk}/rate/4/"' in text
    assert "Go on with item 4, the first not yet scored" in text


def test_the_plan_form_shows_free_timepoints_and_suggests_the_seats(as_user, programme, users):
    from fidelis.programmes.models import Team
    from fidelis.reviews.forms import free_timepoints

    timepoint = new_timepoint(programme)
    response = as_user("lead").get(f"/programmes/{programme.slug}/reviews/new/")
    text = page_text(response)
    teams = Team.objects.in_programme(programme).count()
    # Nobody has an 18-month review yet: every team is still to review.
    assert f"18 months ({teams} teams still to review)" in text
    assert "Which teams still need each review" in text
    rows = {row["timepoint"].key: row for row in free_timepoints(programme)}
    assert rows[timepoint.key]["count"] == teams
    assert rows["baseline"]["count"] < teams
    # Reviewers are named with their programme role, and seats can be left to suggest.
    assert f"{users['expert'].display_name} (expert by experience)" in text
    assert "Suggest from the reviewer's role" in text


def test_seats_left_to_suggest_follow_the_reviewers_roles(as_user, programme, users):
    from fidelis.programmes.models import Team

    timepoint = new_timepoint(programme)
    team = Team.objects.get(slug="fenwick-crisis-team")
    response = as_user("lead").post(
        f"/programmes/{programme.slug}/reviews/new/",
        {
            "team": team.pk,
            "timepoint": timepoint.pk,
            "visit_date": "2027-05-10",
            "reviewer_1": users["expert"].pk,
            "reviewer_2": users["reviewer"].pk,
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(team=team, timepoint=timepoint)
    assert dict(review.panel.values_list("user__username", "role")) == {
        "expert": "expert",
        "reviewer": "clinician",
    }
