"""Every demo persona signs in through a real browser and lands on their home page; the
main pages fit a phone screen."""

import pytest
from playwright.sync_api import expect

from tests.accounts.test_sign_in import HOME_HEADINGS
from tests.browser.base import SystemTest
from tests.conftest import PERSONA_NAMES

P = "/programmes/crisis-care-2026"
PHONE_PAGES = {
    "lead": ["/", P + "/", P + "/people/", "/reviews/", P + "/agreement/"],
    "manager": ["/", P + "/teams/ashby-crisis-resolution-team/", "/reviews/"],
    "reviewer": ["/", "/reviews/", "/scales/crisis-demo/1.0/items/6/"],
}


class TestPersonas(SystemTest):
    @pytest.mark.parametrize("persona", PERSONA_NAMES)
    def test_each_persona_signs_in_and_reaches_their_home_page(self, persona):
        page = self.sign_in(persona)
        expect(page.get_by_role("heading", name=HOME_HEADINGS[persona])).to_be_visible()
        # The NHS.UK frontend's JavaScript started (it needs the nonce-bearing inline script).
        expect(page.locator("body.js-enabled")).to_have_count(1)
        expect(page.locator("html[data-fidelis-ready=true]")).to_have_count(1)

    def test_a_wrong_password_shows_the_error_summary(self):
        page = self.sign_in("lead", "wrong-password")
        expect(page.locator(".nhsuk-error-summary")).to_be_visible()
        assert page.title().startswith("Error: ")

    def test_signing_out_returns_to_the_public_home_page(self):
        page = self.sign_in("member")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
        self.expect_accessible()

    @pytest.mark.parametrize("persona", sorted(PHONE_PAGES))
    def test_pages_fit_a_phone_screen(self, persona):
        page = self.new_page(viewport={"width": 390, "height": 844})
        self.sign_in(persona, page=page)
        for path in PHONE_PAGES[persona]:
            self.visit(path, page=page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} is {overflow}px wider than the screen"


class TestEachTestStartsFromTheDemo(SystemTest):
    # Two tests in order: the first changes the server's data, the second must not see it.
    def test_1_a_test_changes_the_data(self):
        self.run_in_server(
            "from fidelis.programmes.models import Team\n"
            "Team.objects.filter(slug='ashby-crisis-resolution-team')"
            ".update(area_served='Changed by an earlier test')"
        )
        self.sign_in("manager")
        self.visit(P + "/teams/ashby-crisis-resolution-team/")
        expect(self.page.get_by_text("Changed by an earlier test")).to_be_visible()

    def test_2_the_next_test_starts_from_the_demo_again(self):
        self.sign_in("manager")
        self.visit(P + "/teams/ashby-crisis-resolution-team/")
        expect(self.page.get_by_text("Ashby town and the northern villages")).to_be_visible()
        assert "Changed by an earlier test" not in self.page.content()
