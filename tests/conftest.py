"""Shared fixtures: the demo programme is the fixture every test starts from.

It is built once per test session into the test database; each test runs in a
transaction that is rolled back, so tests never see each other's changes.
"""

import re
import tempfile
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import settings as hypothesis_settings

from fidelis.demo import PERSONAS

PERSONA_NAMES = [persona.username for persona in PERSONAS]

# A template variable a view forgets to pass fails the test that renders it. (Set before
# any template renders: the Jinja environment reads it once.)
settings.FIDELIS_STRICT_TEMPLATES = True
# Files a test uploads go to a folder of the test run's own, never the working directory.
settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="fidelis-test-media-")
# Property tests check results, not time: on a busy two-core machine one example can take
# longer than Hypothesis's default 200 ms, which would fail a correct test.
hypothesis_settings.register_profile("fidelis", deadline=None)
hypothesis_settings.load_profile("fidelis")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from fidelis.demo import build_demo

        build_demo()


@pytest.fixture(autouse=True)
def _no_kept_lists():
    """What a worker keeps in memory for a minute (caches["local"]) is not rolled back
    with a test's database changes: each test starts without it."""
    from django.core.cache import caches

    caches["local"].clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def programme(db):
    from fidelis.demo import DEMO_SLUG
    from fidelis.programmes.models import Programme

    return Programme.objects.get(slug=DEMO_SLUG)


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=PERSONA_NAMES)}


@pytest.fixture
def as_user(db, users):
    """as_user("manager") -> a test client signed in as that demo persona."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(users[name])
        return client

    return make


def page_text(response) -> str:
    """The visible text of a page, roughly: tags removed, entities decoded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
