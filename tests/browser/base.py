"""The one base for browser tests: a live server, a fresh database, signed-in personas,
and axe on every page state.

    class TestSomething(SystemTest):
        def test_it(self):
            page = self.sign_in("lead")
            self.visit("/programmes/crisis-care-2026/")   # loads, then checks with axe
            page.click(...)
            self.expect_accessible()                     # after an htmx swap, an error

Every test starts from the demo database as built. A Content Security Policy refusal in
any page the test opened fails the test. Axe runs with the WCAG 2.0, 2.1 and 2.2 A and AA
rules and fails on serious and critical violations; there are no exclusions.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, run_in_server_database


class SystemTest:
    @pytest.fixture(autouse=True)
    def _system(self, browser, server_url, server_env, fresh_database):
        self.browser = browser
        self.server_url = server_url
        self.server_env = server_env
        self._contexts = []
        self._refused: list[str] = []
        self.page = self.new_page()
        yield
        for context in self._contexts:
            context.close()
        assert self._refused == [], f"Content Security Policy refused: {self._refused}"

    def new_page(self, **context_options) -> Page:
        """A page in a browser context of its own (another person's browser)."""
        context = self.browser.new_context(**context_options)
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.on(
            "console",
            lambda message: (
                self._refused.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    def url(self, path: str) -> str:
        return self.server_url + path

    def sign_in(self, persona: str, password: str = "demo", page: Page | None = None) -> Page:
        page = page or self.page
        # The sign-in page itself is checked with axe in the accessibility tests.
        page.goto(self.url("/accounts/login/"))
        page.fill("#id_login", persona)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if password == "demo":
            expect(page).to_have_url(self.url("/"))
        self.expect_accessible(page)
        return page

    def visit(self, path: str, page: Page | None = None) -> Page:
        """Open a page, wait for it, and check it with axe."""
        page = page or self.page
        page.goto(self.url(path))
        page.wait_for_load_state()
        self.expect_accessible(page)
        return page

    def expect_accessible(self, page: Page | None = None) -> None:
        page = page or self.page
        violations = axe_violations(page)
        assert violations == [], f"{page.url}: {violations}"

    def run_in_server(self, code: str) -> str:
        return run_in_server_database(self.server_env, code)
