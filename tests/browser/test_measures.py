"""Measures in Chromium: the team manager reads their team's charts (with the review and
plan marks and the table of values) on a desktop and a phone; the lead starts a chart
again with a reason; the evaluator reads every team's latest reading by pseudonym. Axe
checks every page state."""

import datetime

from playwright.sync_api import expect

from fidelis.programmes.models import add_months
from tests.browser.base import SystemTest

P = "/programmes/crisis-care-2026"
ASHBY = P + "/teams/ashby-crisis-resolution-team/measures/"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


class TestMeasures(SystemTest):
    def test_the_manager_reads_the_teams_charts_on_a_desktop_and_a_phone(self):
        page = self.sign_in("manager")
        self.visit(P + "/teams/ashby-crisis-resolution-team/")
        page.get_by_role("link", name="The team's measures").click()
        page.wait_for_load_state()
        expect(page).to_have_url(self.url(ASHBY))
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            self.expect_accessible(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the measures page is {overflow}px too wide ({width})"
        first = page.locator("section.fidelis-measure").first
        expect(first.locator("svg[role=img]")).to_be_visible()
        label = first.locator("svg[role=img]").get_attribute("aria-label")
        assert label.startswith("Referrals assessed within 4 hours") and "improvement" in label
        expect(first.locator("svg")).to_contain_text("6 months review")
        expect(first).to_contain_text("Special cause improvement")
        first.get_by_text("The values as a table (24 months)").click()
        expect(first.locator("table tbody tr")).to_have_count(24)
        self.expect_accessible(page)

    def test_the_lead_starts_a_chart_again_and_the_evaluator_reads_pseudonyms(self):
        page = self.sign_in("lead")
        self.visit(ASHBY)
        first = page.locator("section.fidelis-measure").first
        first.get_by_role("link", name="Start this chart again from a month").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        month = add_months(datetime.date.today().replace(day=1), -6)
        page.locator("input[type=date]").fill(month.isoformat())
        page.get_by_role("button", name="Start the chart again").click()
        page.wait_for_load_state()
        # No reason: refused on a page of its own, the month kept.
        expect(page.locator(".nhsuk-error-summary")).to_contain_text(
            "Say what changed in the service"
        )
        expect(page.locator("input[type=date]")).to_have_value(month.isoformat())
        self.expect_accessible(page)
        page.locator("textarea").fill("A single point of access opened")
        page.get_by_role("button", name="Start the chart again").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        first = page.locator("section.fidelis-measure").first
        expect(first).to_contain_text("A single point of access opened")
        expect(first).to_contain_text(f"starts again in {month:%B %Y}")

        evaluator = self.sign_in("evaluator", page=self.new_page())
        self.visit(P + "/outcomes/", page=evaluator)
        table = evaluator.locator("table")
        expect(table).to_contain_text("Improving, lower")  # Corran's admissions
        expect(table).to_contain_text("Concern, higher")  # Marlpit's readmissions
        expect(table).not_to_contain_text("Ashby")
        assert evaluator.locator("table tbody tr").count() >= 4
