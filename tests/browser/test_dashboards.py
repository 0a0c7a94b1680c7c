"""The dashboards in a real browser: axe-core finds no serious or critical violation at
desktop and phone widths, nothing is wider than a phone screen, and each role reaches its
dashboard from its home page."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.base import SystemTest

P = "/programmes/crisis-care-2026"
ASHBY = P + "/teams/ashby-crisis-resolution-team/dashboard/"
DASHBOARDS = {
    "lead": [P + "/dashboard/", P + "/dashboard/?timepoint=baseline&sort=item-3&order=desc"],
    "evaluator": [P + "/dashboard/"],
    "facilitator": [P + "/dashboard/", ASHBY],
    "sponsor": [P + "/dashboard/", ASHBY],
    "manager": [ASHBY],
    "member": [ASHBY],
}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


class TestDashboards(SystemTest):
    @pytest.mark.parametrize("persona", sorted(DASHBOARDS))
    def test_dashboards_have_no_serious_violations_and_fit_the_screen(self, persona):
        page = self.sign_in(persona)
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            for path in DASHBOARDS[persona]:
                self.visit(path, page=page)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{path} is {overflow}px wider than a {width} screen"

    def test_a_team_manager_goes_from_home_to_the_dashboard_and_downloads_the_scores(self):
        page = self.sign_in("manager")
        page.get_by_role("link", name="Your team's dashboard").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Ashby Crisis Resolution Team")).to_be_visible()
        expect(page.get_by_role("heading", name="Priority items")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name="as CSV").first.click()
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        assert rows[0][:2] == ["programme", "team"]
        assert {row[1] for row in rows[1:]} == {"Ashby Crisis Resolution Team"}

    def test_the_lead_sorts_and_filters_the_heatmap(self):
        page = self.sign_in("lead")
        page.get_by_role("link", name="Programme dashboard").first.click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
        page.select_option("#sort", "total")
        page.select_option("#order", "desc")
        page.select_option("#organisation", label="Northfield Mental Health NHS Foundation Trust")
        page.get_by_role("button", name="Show teams").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        rows = page.locator(".fidelis-heatmap tbody tr")
        assert rows.count() >= 2
        totals = [int(rows.nth(i).locator("td").first.inner_text()) for i in range(rows.count())]
        assert totals == sorted(totals, reverse=True)
        expect(page.locator(".fidelis-heatmap")).to_contain_text("Ashby Crisis Resolution Team")
        expect(page.locator(".fidelis-heatmap")).not_to_contain_text("Kestrel Bay")
        # The team's name opens its dashboard.
        page.get_by_role("link", name="Ashby Crisis Resolution Team").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Where the team stands")).to_be_visible()
