"""axe-core on the review pages and states the second pass changed, at desktop and phone
widths: the team preparing its review and choosing its focus (and the refusal of too many),
the "what happens next" box, consensus with its live score, the report's one-screen
summary with its items folded on a phone, and a scale item with guidance, parts and a
precondition."""

import re

from playwright.sync_api import expect

from tests.browser.base import SystemTest

SETUP = """
import io
from django.core.management import call_command
from django.contrib.auth import get_user_model
from fidelis.programmes.models import Programme
from fidelis.reviews import actions
from fidelis.reviews.models import Review
from tests.conftest import PERSONA_NAMES
from tests.reviews.helpers import at_consensus, planned_review
call_command("scale", "import", "docs/examples/structures.yaml", stdout=io.StringIO())
p = Programme.objects.get(slug="crisis-care-2026")
users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONA_NAMES)}
preparing = planned_review(p, users, team_slug="ashby-crisis-resolution-team", key="18m")
actions.advance(review=preparing, by=users["lead"])
agreeing = at_consensus(p, users, team_slug="corran-home-treatment-team", key="24m")
report = Review.objects.get(team__slug="ashby-crisis-resolution-team", timepoint__key="12m")
print(preparing.pk, agreeing.pk, report.pk)
"""

WIDTHS = (1280, 390)


class TestReviewPagesAccessibility(SystemTest):
    def setup_reviews(self):
        out = self.run_in_server(SETUP).strip().splitlines()[-1]
        return [int(n) for n in out.split()]

    def test_the_teams_preparation_pages(self):
        preparing, _, _ = self.setup_reviews()
        for width in WIDTHS:
            page = self.new_page(viewport={"width": width, "height": 900})
            self.sign_in("manager", page=page)
            self.visit(f"/reviews/{preparing}/", page=page)
            expect(page.get_by_text("What happens next")).to_be_visible()
            self.visit(f"/reviews/{preparing}/focus/", page=page)
            boxes = page.locator("input[name=items]")
            for index in range(6):
                boxes.nth(index).check()
            page.get_by_role("button", name="Save the team's focus").click()
            page.wait_for_load_state()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            self.expect_accessible(page)
            boxes.nth(0).uncheck()
            page.get_by_role("button", name="Save the team's focus").click()
            page.wait_for_url(re.compile(rf"/reviews/{preparing}/$"))
            self.expect_accessible(page)
            # Ticking the checklist saves at once and says who did it.
            first = page.locator("input[name=done]").first
            first.check()
            expect(page.get_by_text(re.compile("Ticked by Maya Collins"))).to_be_visible()
            self.expect_accessible(page)
            first.uncheck()
            expect(page.get_by_text(re.compile("Ticked by Maya Collins"))).to_have_count(0)

    def test_consensus_with_a_live_score(self):
        _, agreeing, _ = self.setup_reviews()
        for width in WIDTHS:
            page = self.new_page(viewport={"width": width, "height": 900})
            self.sign_in("reviewer", page=page)
            self.visit(f"/reviews/{agreeing}/consensus/2/", page=page)
            score = page.locator("#consensus-score")
            letters = page.locator("input[name=criteria]").evaluate_all(
                "els => els.map(e => e.value)"
            )
            for letter in letters:
                page.check(f"#c-{letter}-not_met")
            expect(score).to_contain_text("Agreed score: 1")
            for letter in letters:
                page.check(f"#c-{letter}-met")
            expect(score).to_contain_text(re.compile(r"Agreed score: [45]"))
            self.expect_accessible(page)

    def test_the_report_summary_and_folded_items(self):
        _, _, report = self.setup_reviews()
        for width in WIDTHS:
            page = self.new_page(viewport={"width": width, "height": 900})
            self.sign_in("manager", page=page)
            self.visit(f"/reviews/{report}/report/", page=page)
            expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
            folded = page.locator("details[data-fidelis-fold]")
            first = folded.first
            if width < 600:
                expect(first).not_to_have_attribute("open", "")
                first.locator("summary").click()
                expect(first).to_have_attribute("open", "")
            else:
                expect(first).to_have_attribute("open", "")
            self.expect_accessible(page)

    def test_a_scale_item_with_guidance_parts_and_a_precondition(self):
        self.setup_reviews()
        for width in WIDTHS:
            page = self.new_page(viewport={"width": width, "height": 900})
            self.sign_in("reviewer", page=page)
            self.visit("/scales/structures-example/1.0/items/1/", page=page)
            expect(page.get_by_text("Guidance for reviewers")).to_be_visible()
            expect(page.get_by_text("Precondition:", exact=True)).to_be_visible()
            expect(page.get_by_text("iv. Money and benefits")).to_be_visible()

    def test_planning_a_review(self):
        for width in WIDTHS:
            page = self.new_page(viewport={"width": width, "height": 900})
            self.sign_in("lead", page=page)
            self.visit("/programmes/crisis-care-2026/reviews/new/", page=page)
            expect(page.get_by_text("Which teams still need each review")).to_be_visible()
            page.get_by_role("button", name="Plan review").click()
            page.wait_for_load_state()
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            self.expect_accessible(page)
