"""The Django admin signs in through Fidelis's sign-in page: two-factor authentication
and the sign-in limits apply to it, and staff must turn two-factor authentication on."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def superuser(db):
    user = get_user_model().objects.create_superuser(
        "root-admin", "root-admin@example.org", "a-long-admin-password"
    )
    return user


@pytest.fixture
def superuser_with_totp(superuser):
    TOTP.activate(superuser, "JBSWY3DPEHPK3PXP")
    assert Authenticator.objects.filter(user=superuser, type=Authenticator.Type.TOTP).exists()
    return superuser


def test_the_admin_sign_in_form_sends_people_to_the_fidelis_sign_in(superuser_with_totp):
    client = Client()
    response = client.post(
        "/admin/login/", {"username": "root-admin", "password": "a-long-admin-password"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # The password alone signed nobody in.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/accounts/login/")
    assert client.get("/programmes/").status_code == 302


def test_a_superuser_with_two_factor_needs_the_code_to_reach_the_admin(superuser_with_totp):
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"login": "root-admin", "password": "a-long-admin-password"},
        follow=True,
    )
    assert "Enter your authenticator code" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert client.get("/programmes/").status_code == 302


@pytest.fixture
def fresh_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_wrong_passwords_for_the_admin_count_toward_the_sign_in_limits(
    superuser_with_totp, settings, fresh_limits
):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/10m/ip,3/5m/key"}
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/?next=/admin/", {"login": "root-admin", "password": "x"})
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "root-admin", "password": "a-long-admin-password"},
    )
    assert "Enter your authenticator code" not in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_without_two_factor_are_sent_to_set_it_up(superuser, settings):
    settings.FIDELIS_STAFF_NEED_2FA = True
    client = Client()
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert client.get("/programmes/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_staff_with_two_factor_reach_the_admin(superuser_with_totp, settings):
    settings.FIDELIS_STAFF_NEED_2FA = True
    client = Client()
    client.force_login(superuser_with_totp)
    assert client.get("/admin/").status_code == 200


def test_people_who_are_not_staff_are_not_asked(as_user, settings):
    settings.FIDELIS_STAFF_NEED_2FA = True
    assert as_user("lead").get("/").status_code == 200
