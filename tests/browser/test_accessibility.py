"""axe-core finds no serious or critical WCAG 2.2 AA violation on the main pages,
including their error states, paged lists and a search."""

from tests.browser.base import SystemTest

P = "/programmes/crisis-care-2026"

LEAD_PAGES = [
    "/",
    P + "/",
    P + "/people/",
    P + "/people/?q=ashby",
    P + "/people/invite/",
    P + "/timepoints/",
    P + "/agreement/",
    P + "/agreement/?page=2",
    P + "/teams/ashby-crisis-resolution-team/",
    P + "/teams/ashby-crisis-resolution-team/edit/",
    P + "/organisations/northfield-mental-health-nhs-foundation-trust/",
    "/reviews/",
    "/scales/",
    "/scales/crisis-demo/1.0/",
    "/scales/crisis-demo/1.0/items/2/",
    "/account/",
]


class TestAccessibility(SystemTest):
    def test_signed_out_pages_have_no_serious_violations(self):
        for path in ["/", "/accounts/login/", "/accounts/password/reset/", "/about/", "/privacy/"]:
            self.visit(path)

    def test_the_sign_in_error_state_has_no_serious_violations(self):
        self.sign_in("lead", "wrong")

    def test_the_leads_pages_have_no_serious_violations(self):
        self.sign_in("lead")
        for path in LEAD_PAGES:
            self.visit(path)

    def test_a_form_error_state_has_no_serious_violations(self):
        page = self.sign_in("lead")
        self.visit(P + "/people/invite/")
        page.get_by_role("button", name="Send invitation").click()
        page.wait_for_load_state()
        assert page.locator(".nhsuk-error-summary").is_visible()
        self.expect_accessible()

    def test_a_team_members_pages_have_no_serious_violations(self):
        self.sign_in("member")
        for path in ["/", P + "/", P + "/teams/ashby-crisis-resolution-team/", "/reviews/"]:
            self.visit(path)

    def test_the_evaluators_pseudonymised_pages_have_no_serious_violations(self):
        self.sign_in("evaluator")
        for path in ["/", P + "/", P + "/agreement/"]:
            self.visit(path)

    def test_a_missing_page_is_the_nhs_styled_page_not_a_technical_one(self):
        self.sign_in("member")
        response = self.page.goto(self.url("/programmes/no-such-programme/"))
        assert response.status == 404
        assert "Page not found" in self.page.title()
        assert "URLconf" not in self.page.content()
        self.expect_accessible()
