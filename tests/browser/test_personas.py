"""Every demo persona signs in through a real browser and lands on their home page."""

import pytest
from playwright.sync_api import expect

from tests.accounts.test_sign_in import HOME_HEADINGS
from tests.conftest import PERSONA_NAMES


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_each_persona_signs_in_and_reaches_their_home_page(persona, sign_in, server_url):
    page = sign_in(persona)
    assert page.url == f"{server_url}/"
    expect(page.get_by_role("heading", name=HOME_HEADINGS[persona])).to_be_visible()
    # The NHS.UK frontend's JavaScript started (it needs the nonce-bearing inline script).
    expect(page.locator("body.js-enabled")).to_have_count(1)
    expect(page.locator("html[data-fidelis-ready=true]")).to_have_count(1)


def test_a_wrong_password_shows_the_error_summary(sign_in):
    page = sign_in("lead", "wrong-password")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Error: ")


def test_signing_out_returns_to_the_public_home_page(sign_in, server_url):
    page = sign_in("member")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def test_pages_fit_a_phone_screen(browser, server_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server_url}/accounts/login/")
    page.fill("#id_login", "lead")
    page.fill("#id_password", "demo")
    page.get_by_role("button", name="Sign in").click()
    for path in ["/", "/programmes/crisis-care-2026/", "/scales/crisis-demo/1.0/items/6/"]:
        page.goto(server_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than the screen"
    context.close()
