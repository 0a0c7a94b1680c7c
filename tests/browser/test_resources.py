"""Resources where the work is, in Chromium: a priority item on the team's dashboard, in
its review report and on its plan goal shows the item's resources; opening one from the
dashboard is counted on the lead's usage page. On a 390 px phone a member searches the
library and reads their notifications; a manager's share with a wrong file type is refused
with what was typed kept. Axe checks every page state."""

import re

from playwright.sync_api import expect

from tests.browser.base import SystemTest

P = "/programmes/crisis-care-2026"
DASHBOARD = P + "/teams/ashby-crisis-resolution-team/dashboard/"
PHONE = {"width": 390, "height": 844}
ASHBY_REPORT_AND_PLAN = """
from fidelis.improvement.models import Plan
from fidelis.reviews.models import Review
review = Review.objects.filter(
    team__slug="ashby-crisis-resolution-team", status="finalised"
).order_by("-visit_date").first()
plan = Plan.objects.filter(team=review.team).order_by("-pk").first()
print(review.pk, plan.pk)
"""


def no_overflow(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{what} is {overflow}px too wide"


def opened_on_usage_page(page, base: str, title: str) -> int:
    """The 'Opened' count of a resource on the lead's usage page (paging through it)."""
    page.goto(base + P + "/resources/usage/")
    for _ in range(5):
        row = page.locator("tr", has=page.get_by_role("link", name=title, exact=True))
        if row.count():
            cell = row.first.locator("td").nth(1).inner_text()
            return int(re.sub(r"\D", "", cell))
        page.locator("nav[aria-label^='Resources'] a[rel=next]").click()
        page.wait_for_load_state()
    raise AssertionError(f"{title} is not on the usage page")


class TestResources(SystemTest):
    def test_priority_items_show_their_resources_and_opening_one_is_counted(self):
        review_id, plan_id = (
            self.run_in_server(ASHBY_REPORT_AND_PLAN).strip().splitlines()[-1].split()
        )
        lead = self.sign_in("lead", page=self.new_page())
        member = self.sign_in("member")

        # The dashboard's priority items list their resources.
        self.visit(DASHBOARD, page=member)
        priorities = member.locator("#priorities + p + ul")
        expect(priorities.locator(".fidelis-item-resources").first).to_be_visible()
        link = priorities.locator(".fidelis-item-resources a").first
        title = link.inner_text()
        self.expect_accessible(member)

        # So do the report's priorities and the plan's goals.
        self.visit(f"/reviews/{review_id}/report/", page=member)
        expect(
            member.locator(".fidelis-report__priorities .fidelis-item-resources").first
        ).to_be_visible()
        self.visit(f"/plans/{plan_id}/", page=member)
        expect(
            member.get_by_role("heading", name="Resources for this goal's items").first
        ).to_be_visible()
        self.expect_accessible(member)

        before = opened_on_usage_page(lead, self.server_url, title)
        self.visit(DASHBOARD, page=member)
        member.locator("#priorities + p + ul .fidelis-item-resources a").first.click()
        member.wait_for_load_state()
        expect(member.get_by_role("heading", level=1)).to_have_text(title)
        expect(member.get_by_role("heading", name="Where it helps")).to_be_visible()
        self.expect_accessible(member)
        assert opened_on_usage_page(lead, self.server_url, title) == before + 1
        self.expect_accessible(lead)

    def test_on_a_phone_a_member_searches_the_library_and_reads_notifications(self):
        page = self.sign_in("member", page=self.new_page(viewport=PHONE))
        self.visit(P + "/resources/", page=page)
        expect(page.get_by_role("heading", name="Resource library")).to_be_visible()
        no_overflow(page, "the library")
        self.expect_accessible(page)
        page.get_by_label("Search the library").fill("carers")
        page.get_by_label("Kind").select_option(label="Template")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        expect(
            page.get_by_role("link", name="Carer contact and information record")
        ).to_be_visible()
        expect(
            page.get_by_role("link", name="Carers Trust: support for unpaid carers")
        ).to_have_count(0)
        page.get_by_role("link", name="Carer contact and information record").click()
        page.wait_for_load_state()
        expect(page.get_by_role("link", name=re.compile("^Download "))).to_be_visible()
        no_overflow(page, "a resource")
        self.expect_accessible(page)

        # The header shows the count (in its menu, on a phone).
        counted = page.locator("header a", has_text=re.compile(r"^\s*Notifications \(\d+\)\s*$"))
        expect(counted.first).to_be_attached()
        self.visit("/notifications/", page=page)
        expect(
            page.get_by_text("Overdue: Try a single point of access with the liaison team")
        ).to_be_visible()
        no_overflow(page, "the notifications")
        self.expect_accessible(page)
        page.get_by_role("button", name=re.compile("^Mark all .* as read$")).click()
        page.wait_for_load_state()
        expect(
            page.locator("header a", has_text=re.compile(r"^\s*Notifications\s*$")).first
        ).to_be_attached()
        page.get_by_role("link", name="Change how often you are emailed").click()
        page.wait_for_load_state()
        page.get_by_label("Every day").check()
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        expect(page.get_by_text("You also get them by email each day.")).to_be_visible()

    def test_a_share_with_a_wrong_file_is_refused_and_the_lead_approves_the_next(self):
        page = self.sign_in("manager", page=self.new_page(viewport=PHONE))
        self.visit(P + "/resources/share/", page=page)
        expect(page.get_by_role("heading", name="Share your team's good practice")).to_be_visible()
        self.expect_accessible(page)
        page.get_by_label("Title").fill("Our evening check-in call")
        page.get_by_label("Use this when").fill("When people wait overnight for a first visit")
        page.get_by_label("Template", exact=True).check()
        page.get_by_label("2. Quick first response to new referrals").check()
        page.set_input_files(
            "#id_file",
            files=[{"name": "call.html", "mimeType": "text/html", "buffer": b"<b>x</b>"}],
        )
        page.get_by_role("button", name="Share it").click()
        page.wait_for_load_state()
        expect(page.locator(".nhsuk-error-summary")).to_contain_text(
            "call.html is not a type Fidelis keeps"
        )
        expect(page.get_by_label("Title")).to_have_value("Our evening check-in call")
        expect(page.get_by_label("2. Quick first response to new referrals")).to_be_checked()
        no_overflow(page, "the share form")
        self.expect_accessible(page)
        page.set_input_files(
            "#id_file",
            files=[{"name": "call.txt", "mimeType": "text/plain", "buffer": b"Who rings, when."}],
        )
        page.get_by_role("button", name="Share it").click()
        page.wait_for_load_state()
        expect(page.get_by_text("Awaiting approval")).to_be_visible()

        lead = self.sign_in("lead", page=self.new_page())
        self.visit(P + "/resources/awaiting-approval/", page=lead)
        self.expect_accessible(lead)
        lead.get_by_role("link", name="Our evening check-in call").click()
        lead.wait_for_load_state()
        self.expect_accessible(lead)
        lead.get_by_role("button", name="Approve it").click()
        lead.wait_for_load_state()
        expect(lead.get_by_role("heading", level=1)).to_have_text("Our evening check-in call")

        other = self.sign_in("other", page=self.new_page(viewport=PHONE))
        self.visit(P + "/resources/?q=evening", page=other)
        expect(other.get_by_role("link", name="Our evening check-in call")).to_be_visible()
