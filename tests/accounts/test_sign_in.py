"""Signing in, out, password reset and two-factor authentication."""

import re

import pytest
from django.test import Client

from tests.conftest import PERSONA_NAMES

HOME_HEADINGS = {
    "lead": "Programme lead: Crisis Care Improvement Programme",
    "facilitator": "Facilitator: Crisis Care Improvement Programme",
    "reviewer": "Reviewer: Crisis Care Improvement Programme",
    "expert": "Expert-by-experience reviewer: Crisis Care Improvement Programme",
    "manager": "Team manager: Ashby Crisis Resolution Team",
    "member": "Team member: Ashby Crisis Resolution Team",
    "sponsor": "Senior sponsor: Northfield Mental Health NHS Foundation Trust",
    "evaluator": "Evaluator: Crisis Care Improvement Programme",
    "other": "Team member: Kestrel Bay Crisis Team",
}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_each_demo_account_signs_in_with_the_demo_password_and_lands_home(persona, db):
    client = Client()
    response = client.post("/accounts/login/", {"login": persona, "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert HOME_HEADINGS[persona] in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(db):
    response = Client().post("/accounts/login/", {"login": "lead", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "nhsuk-error-summary" in body
    assert "<title>Error: " in body


def test_signing_out_needs_a_post_and_ends_the_session(as_user):
    client = as_user("member")
    client.post("/accounts/logout/")
    assert client.get("/programmes/").status_code == 302


def test_password_reset_sends_a_link_by_email(db, mailoutbox):
    response = Client().post("/accounts/password/reset/", {"email": "lead@demo.fidelis.invalid"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link
    client = Client()
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {"password1": "river-otter-lamp-77", "password2": "river-otter-lamp-77"},
    )
    assert response.status_code == 302
    assert Client().login(username="lead", password="river-otter-lamp-77")


def test_two_factor_authentication_can_be_turned_on_and_is_then_asked_for(as_user, users):
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    client = Client()
    client.post("/accounts/login/", {"login": "manager", "password": "demo"})
    # Security changes ask for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post(response["Location"], {"password": "demo"})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    code = hotp_value(secret, next(yield_hotp_counters_from_time()))
    response = client.post("/accounts/2fa/totp/activate/", {"code": f"{code:06d}"})
    assert response.status_code == 302, response.content.decode()[:3000]

    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": "manager", "password": "demo"}, follow=True)
    assert "Enter your authenticator code" in response.content.decode()
    assert fresh.get("/programmes/").status_code == 302
