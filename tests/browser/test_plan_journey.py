"""The plan journey in Chromium: the manager starts a plan from the review's suggestions,
adds a goal linked to an item and owned actions with hours (an action without an owner is
refused beside the field), submits it; the sponsor signs it off; the member records
progress on their action; the facilitator sees the update in their overview."""

import datetime

from playwright.sync_api import expect

from tests.browser.base import SystemTest

P = "/programmes/crisis-care-2026"
NO_PLAN_FOR_ASHBY = """
from fidelis.improvement.models import Plan
for plan in Plan.objects.filter(team__slug="ashby-crisis-resolution-team"):
    plan.delete()
"""


class TestPlanJourney(SystemTest):
    def add_action(self, page, goal_link: str, title: str, due: datetime.date):
        page.get_by_role("link", name=goal_link).click()
        page.wait_for_load_state()
        page.fill("#id_title", title)
        page.select_option("#id_owner", label="Mo Farah")
        page.fill("#id_due_on", due.isoformat())
        page.fill("#id_hours", "6")
        page.get_by_role("button", name="Save action").click()
        page.wait_for_load_state()
        expect(page.locator(".nhsuk-card").filter(has_text=title)).to_be_visible()

    def test_start_write_submit_sign_off_and_follow_a_plan(self):
        self.run_in_server(NO_PLAN_FOR_ASHBY)
        due = datetime.date.today() + datetime.timedelta(days=10)

        # The manager starts the plan from the review's suggestions, keeping one item.
        page = self.sign_in("manager")
        page.get_by_role("link", name="Your team's service improvement plan").click()
        page.wait_for_load_state()
        page.get_by_role("link", name="Start a plan").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        boxes = page.locator("input[name=items]")
        expect(boxes.first).to_be_checked()
        for index in range(1, boxes.count()):
            boxes.nth(index).set_checked(False)
        page.get_by_role("button", name="Start the plan").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Service improvement plan")).to_be_visible()
        self.expect_accessible(page)

        # An action without an owner is refused beside the field; what was typed stays.
        page.get_by_role("link", name="Add an action to goal 1").click()
        page.wait_for_load_state()
        page.fill("#id_title", "Map where referrals wait")
        page.fill("#id_due_on", due.isoformat())
        page.fill("#id_hours", "6")
        page.get_by_role("button", name="Save action").click()
        page.wait_for_load_state()
        expect(page.locator("#id_owner-error, .nhsuk-error-message").first).to_contain_text(
            "Every action needs a named owner"
        )
        expect(page.locator("#id_title")).to_have_value("Map where referrals wait")
        self.expect_accessible(page)
        page.select_option("#id_owner", label="Mo Farah")
        page.get_by_role("button", name="Save action").click()
        page.wait_for_load_state()
        expect(page.get_by_role("link", name="Map where referrals wait")).to_be_visible()

        # A second goal linked to an item, with its own owned action.
        page.get_by_role("link", name="Add a goal").click()
        page.wait_for_load_state()
        page.fill("#id_title", "Families hear from us within a day")
        page.get_by_label("Item 12: Working with families and carers").check()
        page.get_by_role("button", name="Save goal").click()
        page.wait_for_load_state()
        expect(
            page.get_by_role("heading", name="2. Families hear from us within a day")
        ).to_be_visible()
        self.add_action(
            page, "Add an action to goal 2", "Call each family after the first visit", due
        )

        page.get_by_role("button", name="Submit for sign-off").click()
        page.wait_for_load_state()
        expect(page.locator("body")).to_contain_text("Awaiting sign-off")

        # The sponsor signs it off from their home page.
        sponsor = self.new_page()
        self.sign_in("sponsor", page=sponsor)
        sponsor.get_by_role("link", name="Sign off the plan: Ashby Crisis Resolution Team").click()
        sponsor.wait_for_load_state()
        self.expect_accessible(sponsor)
        sponsor.get_by_label("Sign the plan off").check()
        sponsor.get_by_role("button", name="Send my decision").click()
        sponsor.wait_for_load_state()
        expect(sponsor.locator("body")).to_contain_text("Signed off")

        # The member records progress on their action, from their home page.
        member = self.new_page()
        self.sign_in("member", page=member)
        member.get_by_role("link", name="Due soon: Map where referrals wait").click()
        member.wait_for_load_state()
        member.fill("#id_note", "Mapped a week of referrals; the wait is at triage.")
        member.select_option("#id_status", "in_progress")
        member.get_by_role("button", name="Record progress").click()
        member.wait_for_load_state()
        expect(member.locator("body")).to_contain_text("Progress recorded")
        expect(member.locator("body")).to_contain_text("the wait is at triage")
        self.expect_accessible(member)

        # The facilitator sees the update in their overview and on the plan.
        facilitator = self.new_page()
        self.sign_in("facilitator", page=facilitator)
        facilitator.get_by_role("link", name="Plans: which teams need help").click()
        facilitator.wait_for_load_state()
        self.visit(P + "/plans/?show=all", page=facilitator)
        row = facilitator.locator("tr").filter(has_text="Ashby Crisis Resolution Team")
        expect(row).to_contain_text("Signed off")
        expect(row).to_contain_text(datetime.date.today().strftime("%-d %b %Y"))
        row.get_by_role("link", name="Ashby Crisis Resolution Team").click()
        facilitator.wait_for_load_state()
        action_row = facilitator.locator("tr").filter(has_text="Map where referrals wait")
        expect(action_row).to_contain_text("In progress")


PLAN_PAGES = {
    "manager": [
        "ashby",
        "/plans/my-actions/",
        P + "/teams/ashby-crisis-resolution-team/plan/group/",
    ],
    "member": ["ashby", "/plans/my-actions/"],
    "facilitator": ["ashby", P + "/plans/", P + "/plans/?show=all"],
    "sponsor": ["corran-sign-off", P + "/plans/"],
    "lead": ["ashby-history", P + "/plans/?show=all"],
}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PLAN_IDS = """
from fidelis.improvement.models import Plan
for p in Plan.objects.exclude(status="closed"):
    print("PLAN", p.team.slug, p.pk)
"""


class TestPlanPagesFit(SystemTest):
    def test_plan_pages_have_no_serious_violations_and_fit_a_phone(self):
        output = self.run_in_server(PLAN_IDS).splitlines()
        ids = dict(line.split()[1:] for line in output if line.startswith("PLAN "))
        named = {
            "ashby": f"/plans/{ids['ashby-crisis-resolution-team']}/",
            "ashby-history": f"/plans/{ids['ashby-crisis-resolution-team']}/history/",
            "corran-sign-off": f"/plans/{ids['corran-home-treatment-team']}/sign-off/",
        }
        for persona, paths in PLAN_PAGES.items():
            page = self.sign_in(persona, page=self.new_page())
            for width, size in WIDTHS.items():
                page.set_viewport_size(size)
                for path in paths:
                    self.visit(named.get(path, path), page=page)
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    assert overflow <= 1, f"{path} for {persona} is {overflow}px too wide ({width})"
