"""Facilitation in Chromium: on a 390 px phone the facilitator logs a visit from the home
page (a future date refused, what was typed kept), turns its follow-up into an owned plan
action, and the action is on the team's plan board; the caseload and the lead's list of
caseloads read on a desktop. Axe checks every page state."""

import datetime

from playwright.sync_api import expect

from tests.browser.base import SystemTest

P = "/programmes/crisis-care-2026"
ASHBY = P + "/teams/ashby-crisis-resolution-team/"
PHONE = {"width": 390, "height": 844}
LAST_LOGGED_AT_ASHBY = """
from django.utils import timezone
from fidelis.support.models import Contact
ashby = Contact.objects.filter(team__slug="ashby-crisis-resolution-team")
latest = ashby.order_by("-happened_on").first()
latest.created_at = timezone.now()
latest.save(update_fields=["created_at"])
print(latest.pk)
"""


def no_overflow(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{what} is {overflow}px too wide"


class TestFacilitation(SystemTest):
    def test_the_facilitator_logs_a_visit_on_a_phone_and_its_follow_up_joins_the_plan(self):
        self.run_in_server(LAST_LOGGED_AT_ASHBY)
        page = self.sign_in("facilitator", page=self.new_page(viewport=PHONE))
        page.get_by_role("link", name="Log a contact", exact=True).click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Log a contact")).to_be_visible()
        expect(page.locator(".nhsuk-caption-l")).to_have_text("Ashby Crisis Resolution Team")
        self.expect_accessible(page)
        no_overflow(page, "the contact form")

        # A visit dated tomorrow is refused; what was typed is kept.
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        page.fill("#id_happened_on", tomorrow.isoformat())
        page.get_by_label("Visit", exact=True).check()
        page.fill("#id_minutes", "120")
        page.get_by_label("Team manager", exact=True).check()
        page.get_by_label("A working group", exact=True).check()
        page.locator("input[name=goals]").first.check()
        page.fill("#id_notes", "Walked through the first assessment audit with the group.")
        page.fill("#id_follow_up", "Pilot the new assessment checklist for two weeks")
        page.locator("#id_follow_up_goal").select_option(index=1)
        page.locator("#id_follow_up_owner").select_option(label="Mo Farah")
        due = datetime.date.today() + datetime.timedelta(days=21)
        page.fill("#id_follow_up_due", due.isoformat())
        page.fill("#id_follow_up_hours", "4")
        page.get_by_role("button", name="Log the contact").click()
        page.wait_for_load_state()
        expect(page.locator(".nhsuk-error-summary")).to_contain_text(
            "A contact is logged once it has happened"
        )
        expect(page.locator("#id_notes")).to_have_value(
            "Walked through the first assessment audit with the group."
        )
        expect(page.locator("#id_follow_up")).to_have_value(
            "Pilot the new assessment checklist for two weeks"
        )
        self.expect_accessible(page)

        page.fill("#id_happened_on", datetime.date.today().isoformat())
        page.get_by_role("button", name="Log the contact").click()
        page.wait_for_load_state()
        expect(page.locator(".nhsuk-notification-banner").first).to_contain_text(
            "Its follow-up is now an action of the plan"
        )
        follow_ups = page.locator("h2:has-text('Follow-ups in the plan') + ul")
        expect(follow_ups).to_contain_text("Pilot the new assessment checklist for two weeks")
        expect(follow_ups).to_contain_text("Mo Farah")
        self.expect_accessible(page)
        no_overflow(page, "the contact page")

        # The action is on the team's plan board, owned by Mo.
        page.get_by_role("link", name="Pilot the new assessment checklist for two weeks").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Pilot the new assessment checklist for two weeks"
        )
        manager = self.sign_in("manager", page=self.new_page())
        self.visit(ASHBY + "plan/", page=manager)
        expect(manager.locator("main")).to_contain_text(
            "Pilot the new assessment checklist for two weeks"
        )

    def test_the_caseload_and_the_leads_list_of_caseloads(self):
        page = self.sign_in("facilitator")
        page.get_by_role("link", name="Your caseload").click()
        page.wait_for_load_state()
        marlpit = page.locator("section.nhsuk-card").filter(has_text="Marlpit Crisis Team")
        expect(marlpit).to_contain_text("Drifting")
        expect(marlpit).to_contain_text("No facilitation contact in the last 4 weeks")
        self.expect_accessible(page)
        page.set_viewport_size(PHONE)
        self.expect_accessible(page)
        no_overflow(page, "the caseload")

        lead = self.sign_in("lead", page=self.new_page())
        self.visit(P + "/caseloads/", page=lead)
        row = lead.locator("tr").filter(has_text="Faisal Ahmed")
        expect(row).to_contain_text("3")
        self.expect_accessible(lead)
        row.get_by_role("link", name="Faisal Ahmed").click()
        lead.wait_for_load_state()
        expect(lead.get_by_role("heading", name="Faisal Ahmed's caseload")).to_be_visible()
        self.expect_accessible(lead)

    def test_a_member_registers_for_a_learning_event_on_a_phone(self):
        page = self.sign_in("other", page=self.new_page(viewport=PHONE))
        page.get_by_role("link", name="Learning events: meet the other teams").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        no_overflow(page, "the events page")
        page.get_by_role("link", name="Learning exchange: families and crisis plans").click()
        page.wait_for_load_state()
        self.expect_accessible(page)
        page.get_by_role("button", name="Register for a place").click()
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("You are registered.")
        expect(page.get_by_role("link", name="Add it to your calendar (.ics)")).to_be_visible()
        self.expect_accessible(page)
        no_overflow(page, "the event page")
        self.visit("/", page=page)
        expect(page.locator("main")).to_contain_text(
            "Learning event: Learning exchange: families and crisis plans"
        )
