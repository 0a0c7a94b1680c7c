"""axe-core finds no serious or critical WCAG 2.2 AA violation on the main pages,
including their error states."""

import pytest

from tests.browser.conftest import axe_violations

P = "/programmes/crisis-care-2026"

LEAD_PAGES = [
    "/",
    P + "/",
    P + "/people/",
    P + "/people/invite/",
    P + "/teams/ashby-crisis-resolution-team/",
    P + "/teams/ashby-crisis-resolution-team/edit/",
    P + "/organisations/northfield-mental-health-nhs-foundation-trust/",
    "/scales/",
    "/scales/crisis-demo/1.0/",
    "/scales/crisis-demo/1.0/items/2/",
    "/account/",
]


def test_signed_out_pages_have_no_serious_violations(page, server_url):
    for path in ["/", "/accounts/login/", "/accounts/password/reset/", "/about/", "/privacy/"]:
        page.goto(server_url + path)
        assert axe_violations(page) == [], path


def test_the_sign_in_error_state_has_no_serious_violations(sign_in):
    page = sign_in("lead", "wrong")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", LEAD_PAGES)
def test_the_leads_pages_have_no_serious_violations(path, sign_in, server_url):
    page = sign_in("lead")
    page.goto(server_url + path)
    assert axe_violations(page) == [], path


def test_a_form_error_state_has_no_serious_violations(sign_in, server_url):
    page = sign_in("lead")
    page.goto(server_url + P + "/people/invite/")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_a_team_members_pages_have_no_serious_violations(sign_in, server_url):
    page = sign_in("member")
    for path in ["/", P + "/", P + "/teams/ashby-crisis-resolution-team/"]:
        page.goto(server_url + path)
        assert axe_violations(page) == [], path
