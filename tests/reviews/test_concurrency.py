"""Two people acting on one review at the same moment, on PostgreSQL, in real threads.

The row locks in the review actions decide who goes first; SQLite serialises every writer
anyway, so these tests run on PostgreSQL only (`.ci/run` runs the suite there). The data
they use is committed (each thread has its own connection and sees only committed rows),
so each test builds its own review and removes it afterwards.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client

from fidelis.demo import DEMO_SLUG
from fidelis.programmes.models import Programme
from fidelis.reviews import actions
from fidelis.reviews.models import PanelMember, Rating, Review, Status
from fidelis.reviews.synthetic import delete_reviews
from tests.reviews.helpers import at_rating, place_of, rate_everything

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; SQLite lets one writer in at a time",
)


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """A review at the rating stage, committed so other threads' connections see it."""
    if not connection.settings_dict["NAME"].startswith("test_"):
        # pytest-django makes the test database only when a collected test asks for `db`.
        pytest.skip("run with the rest of the suite, which sets up the test database")
    with django_db_blocker.unblock():
        programme = Programme.objects.get(slug=DEMO_SLUG)
        users = {
            u.username: u
            for u in get_user_model().objects.filter(username__in=["lead", "reviewer", "expert"])
        }
        review = at_rating(programme, users, key="concurrency")
        try:
            yield review, users
        finally:
            timepoint = review.timepoint
            delete_reviews(Review.objects.filter(pk=review.pk))
            timepoint.delete()


def in_threads(*targets, timeout=30):
    """Run each target in its own thread (its own database connection); return what each
    returned or raised."""
    results = [None] * len(targets)

    def run(index, target):
        try:
            results[index] = target()
        except Exception as error:  # kept for the test to inspect
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def test_a_save_racing_a_submit_never_leaves_a_submitted_item_unscored(committed, monkeypatch):
    review, users = committed
    place = place_of(review, users["reviewer"])
    rate_everything(place, status="met", level=4)
    item = review.scale.items.get(number=1)
    submitting, original_save = threading.Event(), PanelMember.save

    def slow_save(self, *args, **kwargs):
        # The submit has taken its locks and checked every item is scored: hold the
        # transaction open while the other tab saves.
        original_save(self, *args, **kwargs)
        if threading.current_thread().name == "submit":
            submitting.set()
            time.sleep(1.0)

    monkeypatch.setattr(PanelMember, "save", slow_save)

    def submit():
        threading.current_thread().name = "submit"
        return actions.submit_ratings(panel_member=PanelMember.objects.get(pk=place.pk))

    def clear_a_criterion():
        assert submitting.wait(10)
        return actions.record_rating(
            panel_member=PanelMember.objects.get(pk=place.pk),
            item=item,
            decisions={"a": ("", [])},
        )

    submitted, cleared = in_threads(submit, clear_a_criterion)
    assert isinstance(submitted, PanelMember), submitted
    # The save waited for the submit, then was refused: the item keeps its score.
    assert isinstance(cleared, actions.ReviewError), cleared
    assert "submitted your ratings" in str(cleared)
    assert Rating.objects.get(panel_member=place, item=item).score is not None


def test_two_reviewers_saving_the_same_item_at_once_keep_their_own_ratings(committed):
    review, users = committed
    item = review.scale.items.get(number=6)
    letters = [c.letter for c in item.criteria.all()]
    start = threading.Barrier(2)

    def save_as(username, status):
        def post():
            client = Client()
            client.force_login(users[username])
            data = {"criteria": letters, **{f"{letter}-status": status for letter in letters}}
            start.wait(10)
            return client.post(
                f"/reviews/{review.pk}/rate/6/", data, headers={"HX-Request": "true"}
            ).status_code

        return post

    codes = in_threads(save_as("reviewer", "met"), save_as("expert", "not_met"))
    assert codes == [200, 200]
    scores = dict(
        Rating.objects.filter(panel_member__review=review, item=item).values_list(
            "panel_member__user__username", "score"
        )
    )
    assert scores == {"reviewer": 5, "expert": 1}


def test_the_last_two_reviewers_submitting_at_once_open_consensus(committed):
    review, users = committed
    places = [place_of(review, users[name]) for name in ("reviewer", "expert")]
    for place in places:
        rate_everything(place, status="met", level=4)
    start = threading.Barrier(2)

    def submit(place):
        def go():
            start.wait(10)
            return actions.submit_ratings(panel_member=PanelMember.objects.get(pk=place.pk))

        return go

    results = in_threads(*(submit(place) for place in places))
    assert all(isinstance(r, PanelMember) for r in results), results
    review.refresh_from_db()
    assert review.status == Status.CONSENSUS
    assert review.consensus.count() == review.scale.items.count()
