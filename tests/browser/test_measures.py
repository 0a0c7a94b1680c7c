"""Measures in Chromium: the team manager reads their team's charts (with the review and
plan marks and the table of values) on a desktop and a phone, and imports a month's
values from a file; the lead starts a chart again with a reason; the evaluator reads every
team's latest reading, and fidelity beside outcomes, by pseudonym. Axe checks every page
state."""

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
        # The events are numbered on the chart and named in the key under it.
        expect(first.locator(".fidelis-marks")).to_contain_text("6 months review")
        expect(first.locator(".fidelis-marks")).to_contain_text("Goal done: ")
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

    def test_the_manager_imports_a_months_values_from_a_file(self):
        page = self.sign_in("manager")
        self.visit(ASHBY)
        page.get_by_role("link", name="Import this month's values").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        month = datetime.date.today().strftime("%Y-%m")  # the demo's values end last month
        good = (
            "team,period,measure,value,numerator,denominator,q1,q2,q3,q4,q5,q6,q7,q8\n"
            f"ashby-crisis-resolution-team,{month},assessed-4h,,41,50,,,,,,,,\n"
            f"ashby-crisis-resolution-team,{month},csq8,,,,4,4,3,3,4,3,4,4\n"
            f"ashby-crisis-resolution-team,{month},csq8,,,,3,3,3,3,3,3,3,3\n"
        )
        bad = good + f"ashby-crisis-resolution-team,{month},staff-wellbeing,lots,,,,,,,,,,\n"
        upload = {"name": "november.csv", "mimeType": "text/csv"}
        page.locator("input[type=file]").set_input_files({**upload, "buffer": bad.encode()})
        page.get_by_role("button", name="Import values").click()
        page.wait_for_load_state()
        summary = page.locator(".nhsuk-error-summary")
        expect(summary).to_contain_text("november.csv has 1 problem")
        expect(page.locator("#problems + p + ul")).to_contain_text(
            "Line 5: value 'lots' is not a number"
        )
        for size in WIDTHS.values():
            page.set_viewport_size(size)
            self.expect_accessible(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the import page is {overflow}px too wide"
        page.locator("input[type=file]").set_input_files({**upload, "buffer": good.encode()})
        page.get_by_role("button", name="Import values").click()
        page.wait_for_load_state()
        expect(page).to_have_url(self.url(ASHBY))
        expect(page.locator("main")).to_contain_text(
            "november.csv imported: 2 new values, 0 changed, 0 already as in the file."
        )
        first = page.locator("section.fidelis-measure").first
        first.get_by_text("The values as a table (25 months)").click()
        expect(first.locator("table tbody tr").first).to_contain_text("82%")
        self.expect_accessible(page)

    def test_the_lead_and_the_evaluator_read_fidelity_beside_outcomes(self):
        page = self.sign_in("lead")
        self.visit(P + "/outcomes/")
        page.get_by_role("link", name="Fidelity beside outcomes").click()
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("Association, not effect")
        expect(page.locator("main svg[role=img]")).to_be_visible()
        expect(page.locator("main table")).to_contain_text("Ashby Crisis Resolution Team")
        page.get_by_role("link", name="Admissions per 100 episodes").click()
        page.wait_for_load_state()
        expect(
            page.get_by_role("heading", name="Admissions per 100 episodes", level=2)
        ).to_be_visible()
        for size in WIDTHS.values():
            page.set_viewport_size(size)
            self.expect_accessible(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"fidelity beside outcomes is {overflow}px too wide"
        evaluator = self.sign_in("evaluator", page=self.new_page())
        self.visit(P + "/outcomes/fidelity/", page=evaluator)
        expect(evaluator.locator("main table")).not_to_contain_text("Ashby")
        expect(evaluator.locator("main")).to_contain_text("Teams are shown by their pseudonyms.")
        self.expect_accessible(evaluator)
