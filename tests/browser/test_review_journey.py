"""The whole review journey in Chromium: the lead plans a review, two reviewers rate
blind, consensus resolves a disagreement, the report is finalised and the team manager
reads it. The browser does each step once; the command line fills in the other items."""

import re

from playwright.sync_api import expect

from tests.browser.base import SystemTest

SETUP = """
from fidelis.programmes.models import Programme, ReviewTimepoint
p = Programme.objects.get(slug="crisis-care-2026")
ReviewTimepoint.objects.get_or_create(programme=p, key="18m",
    defaults={"label": "18 months", "month": 18, "order": 18})
"""

RATE_REST = """
from django.contrib.auth import get_user_model
from fidelis.reviews.models import Review
from tests.reviews.helpers import rate_everything
review = Review.objects.get(pk={pk})
place = review.panel.get(user__username="{username}")
rate_everything(place, status="{status}", level={level}, skip={{6}})
"""

AGREE_REST = """
from django.contrib.auth import get_user_model
from fidelis.reviews.models import Review
from fidelis.reviews import actions
review = Review.objects.get(pk={pk})
user = get_user_model().objects.get(username="reviewer")
for consensus in review.consensus.select_related("item").exclude(item__number=6):
    d = consensus.item.definition
    actions.save_consensus(consensus=consensus, expected_version=consensus.version,
        decisions={{c.letter: ("met", list(c.sources)) for c in d.criteria}},
        anchor_level=4, rationale="Agreed at the panel meeting.", agreed=True, by=user)
"""


class TestReviewJourney(SystemTest):
    def session(self, username):
        page = self.new_page()
        self.sign_in(username, page=page)
        return page

    def rate_item_six(self, page, pk, status):
        self.visit(f"/reviews/{pk}/rate/6/", page=page)
        letters = page.locator("input[name=criteria]").evaluate_all("els => els.map(e => e.value)")
        for letter in letters:
            page.check(f"#{letter}-{status}")
        # Each change saves at once: the status area is replaced by the server's answer.
        expect(page.locator("#rating-status")).to_contain_text("Saved at")
        expected = "5" if status == "met" else "1"
        expect(page.locator("#current-score")).to_have_text(expected)
        self.expect_accessible(page)

    def test_the_whole_review_journey(self):
        self.run_in_server(SETUP)

        # 1. The lead plans the review; a plan with no panel is refused first.
        lead = self.session("lead")
        self.visit("/programmes/crisis-care-2026/reviews/new/", page=lead)
        lead.get_by_role("button", name="Plan review").click()
        expect(lead.locator(".nhsuk-error-summary")).to_be_visible()
        self.expect_accessible(lead)
        lead.select_option("#id_team", label="Ashby Crisis Resolution Team")
        # Each timepoint says how many teams are still to review at it.
        option = lead.locator("#id_timepoint option", has_text="18 months")
        expect(option).to_have_text(re.compile(r"^18 months \(\d+ teams still to review\)$"))
        lead.select_option("#id_timepoint", value=option.get_attribute("value"))
        lead.fill("#id_visit_date", "2027-05-04")
        # Seats left to suggest follow the reviewers' roles: a clinician, an expert.
        lead.select_option("#id_reviewer_1", label="Rachel Osei (reviewer)")
        lead.select_option("#id_reviewer_2", label="Eddie Brook (expert by experience)")
        lead.get_by_role("button", name="Plan review").click()
        lead.wait_for_url(re.compile(r"/reviews/\d+/$"))
        pk = int(re.search(r"/reviews/(\d+)/", lead.url).group(1))
        self.expect_accessible(lead)
        lead.get_by_role("button", name="Start preparation").click()
        lead.get_by_role("button", name="Open rating").click()
        expect(lead.get_by_text("Independent rating (now)")).to_be_visible()
        self.expect_accessible(lead)

        # 2. Two reviewers rate blind, and disagree on item 6.
        reviewer, expert = self.session("reviewer"), self.session("expert")
        self.visit(f"/reviews/{pk}/rate/", page=reviewer)
        self.rate_item_six(reviewer, pk, "met")
        self.rate_item_six(expert, pk, "not_met")
        expert.goto(self.url(f"/reviews/{pk}/consensus/"))
        assert "You cannot do this" in expert.content()
        self.expect_accessible(expert)
        self.run_in_server(RATE_REST.format(pk=pk, username="reviewer", status="met", level=4))
        self.run_in_server(RATE_REST.format(pk=pk, username="expert", status="met", level=4))
        for page in (reviewer, expert):
            self.visit(f"/reviews/{pk}/rate/", page=page)
            page.get_by_role("button", name="Submit my ratings").click()
            page.wait_for_load_state()
            expect(page.get_by_text("cannot be changed")).to_be_visible()
            self.expect_accessible(page)
            page.get_by_role("button", name="Yes, submit my ratings").click()
            page.wait_for_load_state()

        # 3. Consensus resolves the disagreement on item 6.
        self.visit(f"/reviews/{pk}/consensus/", page=reviewer)
        expect(reviewer.get_by_text("Scores 1 to 5")).to_be_visible()
        reviewer.get_by_role("link", name=re.compile(r"^6\. ")).click()
        reviewer.wait_for_load_state()
        self.expect_accessible(reviewer)
        letters = reviewer.locator("input[name=criteria]").evaluate_all(
            "els => els.map(e => e.value)"
        )
        for letter in letters[:-1]:
            reviewer.check(f"#c-{letter}-met")
        reviewer.check(f"#c-{letters[-1]}-not_met")
        reviewer.fill("#rationale", "Most assessments were thorough; families were rarely asked.")
        reviewer.check("#agreed")
        reviewer.get_by_role("button", name="Save and return to the list").click()
        expect(reviewer.get_by_text("Item 6 saved.")).to_be_visible()
        self.run_in_server(AGREE_REST.format(pk=pk))

        # 4. The report is written and finalised.
        self.visit(f"/reviews/{pk}/consensus/", page=reviewer)
        reviewer.get_by_role("button", name="Move on to the report").click()
        reviewer.wait_for_load_state()
        self.visit(f"/reviews/{pk}/report/recommendations/", page=reviewer)
        reviewer.fill("#id_recommendations", "Ask every family about their needs at assessment.")
        reviewer.get_by_role("button", name="Save recommendations").click()
        reviewer.wait_for_load_state()
        self.expect_accessible(reviewer)
        reviewer.get_by_role("button", name="Finalise report").click()
        reviewer.wait_for_load_state()
        expect(reviewer.get_by_text("Finalising cannot be undone.")).to_be_visible()
        self.expect_accessible(reviewer)
        reviewer.get_by_role("button", name="Yes, finalise the report").click()
        expect(reviewer.get_by_text("The report is finalised. The team can now")).to_be_visible()
        self.expect_accessible(reviewer)

        # 5. The team manager reads it.
        manager = self.session("manager")
        self.visit("/programmes/crisis-care-2026/teams/ashby-crisis-resolution-team/", page=manager)
        manager.get_by_role("link", name=re.compile("18 months review")).click()
        expect(
            manager.get_by_text("Ask every family about their needs at assessment.")
        ).to_be_visible()
        expect(manager.get_by_text("Most assessments were thorough")).to_be_visible()
        self.expect_accessible(manager)

    def test_a_save_that_cannot_reach_the_server_says_so_and_keeps_the_choices(self):
        page = self.sign_in("reviewer")
        # The home page leads straight to the unfinished ratings.
        page.get_by_role("link", name=re.compile(r"^Rate \d+ more items?: Corran")).click()
        page.wait_for_load_state()
        self.expect_accessible()
        page.get_by_role("link", name=re.compile(r"^1\. ")).click()
        page.wait_for_load_state()
        first = page.locator("input[name=criteria]").first.get_attribute("value")
        # Change the decision to something it is not now, so the change really sends a save.
        was_met = page.locator(f"#{first}-met").is_checked()
        offline_choice, online_choice = ("not_met", "met") if was_met else ("met", "not_met")
        page.context.set_offline(True)
        page.check(f"#{first}-{offline_choice}")
        expect(page.locator("#rating-status")).to_contain_text("Not saved")
        self.expect_accessible()
        page.context.set_offline(False)
        page.check(f"#{first}-{online_choice}")
        expect(page.locator("#rating-status")).to_contain_text("Saved at")
        with page.expect_response(lambda response: "/rate/1/" in response.url):
            page.check(f"#{first}-{offline_choice}")
        expect(page.locator("#rating-status")).to_contain_text("Saved at")
        self.expect_accessible()
        page.reload()
        expect(page.locator(f"#{first}-{offline_choice}")).to_be_checked()

    def test_a_refused_save_shows_why_on_the_rating_page(self):
        page = self.sign_in("expert")
        page.get_by_role("link", name=re.compile(r"^Rate \d+ more items?: Corran")).click()
        page.get_by_role("link", name=re.compile(r"^2\. ")).click()
        page.fill("#notes", "Discussed patient 943 476 5919 with the team")
        page.press("#notes", "End")  # typing ends with a key press, which sends the save
        expect(page.locator("#rating-status")).to_contain_text("Not saved")
        expect(page.locator("#rating-status")).to_contain_text("NHS number")
        self.expect_accessible()
        # What was typed stays on the page, ready to correct.
        expect(page.locator("#notes")).to_have_value("Discussed patient 943 476 5919 with the team")
