"""Sign-in limits: per account (however it is named), per client address behind a proxy,
kept in a cache every worker shares; and a failed sign-in costs the same either way."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

BAD = "not-the-password"


@pytest.fixture(autouse=True)
def limits(settings, db):
    settings.ACCOUNT_RATE_LIMITS = {}  # allauth's defaults: 10 a minute per address, 5 per key
    cache.clear()
    yield
    cache.clear()


def sign_in(client, login, password, address="203.0.113.9"):
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, HTTP_X_FORWARDED_FOR=address
    )


def too_many(response) -> bool:
    return "Too many failed" in response.content.decode() or response.status_code == 429


def test_guesses_by_username_and_by_email_count_toward_one_account(db):
    client = Client()
    for login in ["lead", "lead@demo.fidelis.invalid", "LEAD", "lead", "lead@demo.fidelis.invalid"]:
        sign_in(client, login, BAD)
    # Five guesses in all, named two ways: the sixth try, even with the right password,
    # is refused.
    response = sign_in(client, "lead@demo.fidelis.invalid", "demo")
    assert too_many(response)
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_one_clients_guesses_do_not_lock_out_another(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = Client()
    for n in range(11):
        sign_in(attacker, f"nobody{n}", BAD, address="198.51.100.7")
    assert too_many(sign_in(attacker, "member", "demo", address="198.51.100.7"))
    colleague = Client()
    response = sign_in(colleague, "member", "demo", address="192.0.2.44")
    assert response.status_code == 302
    assert colleague.session["_auth_user_id"]


def test_without_a_trusted_proxy_the_connections_address_is_what_counts(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    first = Client()
    for n in range(11):
        # The forwarded header is anyone's to write: without a trusted proxy it is ignored.
        sign_in(first, f"nobody{n}", BAD, address=f"198.51.100.{n}")
    assert too_many(sign_in(Client(), "member", "demo", address="192.0.2.44"))


def test_the_limits_are_kept_in_the_shared_database_cache(db, settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("fidelis-probe", 1)
    assert cache.get("fidelis-probe") == 1


@pytest.mark.parametrize("login", ["lead@demo.fidelis.invalid", "nobody@example.org", "lead"])
def test_a_failed_sign_in_checks_one_password_whoever_it_names(login, db, monkeypatch):
    User = get_user_model()
    hashes = []
    real_check, real_set = User.check_password, User.set_password
    monkeypatch.setattr(
        User, "check_password", lambda self, raw: hashes.append("check") or real_check(self, raw)
    )
    monkeypatch.setattr(
        User, "set_password", lambda self, raw: hashes.append("dummy") or real_set(self, raw)
    )
    sign_in(Client(), login, BAD)
    assert len(hashes) == 1, hashes


@pytest.mark.parametrize("field", ["login", "password"])
def test_a_sign_in_field_too_long_to_be_real_is_refused_with_a_message(field, db):
    data = {"login": "lead", "password": "demo", field: "x" * 100_000}
    response = Client().post("/accounts/login/", data)
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()


def test_no_one_adds_an_email_address_to_their_account(as_user):
    from allauth.account.models import EmailAddress

    client = as_user("member")
    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "lead@demo.fidelis.invalid"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert not EmailAddress.objects.filter(email__iexact="lead@demo.fidelis.invalid").exists()


def test_an_unverified_address_added_to_an_account_does_not_sign_in_to_it(users):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=users["member"], email="taken-over@example.org", verified=False, primary=False
    )
    response = sign_in(Client(), "taken-over@example.org", "demo")
    assert response.status_code == 200
    EmailAddress.objects.filter(email="taken-over@example.org").update(verified=True)
    assert sign_in(Client(), "taken-over@example.org", "demo").status_code == 302
