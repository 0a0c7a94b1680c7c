"""A panel's day in Chromium: a reviewer rates a whole demo review by keyboard alone, one
key per criterion decision and one per item to move on; choosing "Met" on a criterion that
needs every source, with a source unticked, says at once that it counts as not met."""

import re

from playwright.sync_api import expect

from tests.browser.base import SystemTest

AT_RATING = """
import datetime
from django.contrib.auth import get_user_model
from fidelis.programmes.models import Programme, ReviewTimepoint, Team
from fidelis.reviews import actions
from fidelis.reviews.models import PanelRole
User = get_user_model()
p = Programme.objects.get(slug="crisis-care-2026")
tp, _ = ReviewTimepoint.objects.get_or_create(programme=p, key="18m",
    defaults={"label": "18 months", "month": 18, "order": 18})
lead = User.objects.get(username="lead")
review = actions.plan_review(team=Team.objects.get(slug="ashby-crisis-resolution-team"),
    timepoint=tp, visit_date=datetime.date(2027, 5, 4),
    panel=[(User.objects.get(username="reviewer"), PanelRole.CLINICIAN),
           (User.objects.get(username="expert"), PanelRole.EXPERT)], by=lead)
actions.advance(review=review, by=lead)
actions.advance(review=review, by=lead)
print(review.pk)
"""


class TestRatingByKeyboard(SystemTest):
    def test_a_whole_review_is_rated_by_keyboard_alone(self):
        pk = int(self.run_in_server(AT_RATING).strip().splitlines()[-1])
        page = self.sign_in("reviewer")
        self.visit(f"/reviews/{pk}/rate/1/", page=page)
        actions = decisions = items = 0
        while True:
            items += 1
            number = int(re.search(r"/rate/(\d+)/", page.url).group(1))
            anchors = page.locator("[data-fidelis-anchors]")
            if anchors.count():
                # The level's number chooses it; the page opens with the levels focused.
                expect(page.locator("[data-fidelis-anchors] input:focus")).to_have_count(1)
                page.keyboard.press("4")
                actions += 1
                decisions += 1
            else:
                groups = page.locator("[data-fidelis-criterion]")
                for index in range(groups.count()):
                    group = groups.nth(index)
                    # Focus is already on this criterion's choices: no Tab needed.
                    expect(group.locator("input[type=radio]:focus")).to_have_count(1)
                    every = group.get_attribute("data-all-sources") is not None
                    page.keyboard.press("a" if every else "m")
                    actions += 1
                    decisions += 1
            expect(page.locator("[data-fidelis-next]")).to_be_focused()
            here = page.url
            page.keyboard.press("Enter")
            actions += 1
            page.wait_for_url(lambda url, here=here: url != here)
            page.wait_for_load_state()
            if re.search(r"/rate/(\d+)/", page.url) is None:
                break
            assert int(re.search(r"/rate/(\d+)/", page.url).group(1)) == number + 1
        assert items == 28
        assert actions <= decisions + items, (actions, decisions, items)
        # Every item is rated, and met everywhere it was chosen so.
        expect(page.get_by_text("You have rated 28 of 28 items")).to_be_visible()
        scores = self.run_in_server(
            f"from fidelis.reviews.models import Rating\n"
            f"print(sorted(set(Rating.objects.filter(panel_member__review_id={pk}, "
            f"panel_member__user__username='reviewer').values_list('score', flat=True))))"
        )
        assert scores.strip().splitlines()[-1] in ("[4, 5]", "[5, 4]")
        self.expect_accessible(page)

    def test_met_without_every_source_says_so_at_once(self):
        pk = int(self.run_in_server(AT_RATING).strip().splitlines()[-1])
        # Items 1 and 12 each have a criterion that needs every source.
        for width, number in ((1280, 1), (390, 12)):
            page = self.new_page(viewport={"width": width, "height": 900})
            self.sign_in("reviewer", page=page)
            self.visit(f"/reviews/{pk}/rate/{number}/", page=page)
            group = page.locator("[data-fidelis-criterion][data-all-sources]").first
            letter = group.get_attribute("data-fidelis-criterion")
            warning = page.locator(f"#{letter}-warning")
            expect(warning).to_be_hidden()
            expect(group).to_contain_text("Needs every source")
            page.check(f"#{letter}-met")
            expect(warning).to_be_visible()
            expect(warning).to_have_text(re.compile("^Counts as not met: every source"))
            self.expect_accessible(page)
            boxes = group.locator("input[data-fidelis-source]")
            for index in range(boxes.count()):
                boxes.nth(index).check()
            expect(warning).to_be_hidden()
            expect(page.locator("#rating-status")).to_contain_text("Saved at")
            page.check(f"#{letter}-not_met")
            page.check(f"#{letter}-met")
            expect(warning).to_be_hidden()
