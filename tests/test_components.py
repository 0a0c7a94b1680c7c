"""The page header and footer are drawn once per distinct header in each process
(fidelis.jinja2.Components): the kept HTML must be exactly what the frontend's macro draws,
each request must still get its own sign-out token, and nothing a user typed can pass for
the template's marker."""

import re

import pytest
from django.template import engines
from django.test import Client

from fidelis.jinja2 import Components

PARAMS = {
    "service": {"text": "Fidelis", "href": "/"},
    "account": {"items": [{"href": "/account/", "text": "Sam <Jones>", "icon": True}]},
    "navigation": {"items": [{"text": "Home", "href": "/", "current": True}]},
}


@pytest.fixture
def env():
    return engines["jinja2"].env


def test_a_kept_header_is_what_the_frontend_macro_draws(env):
    components = Components(env)
    macro = env.get_template("nhsuk/components/header/macro.jinja").module.header
    first = components("header", PARAMS)
    assert str(first) == str(macro(PARAMS))
    # Drawn once: the second call returns the kept HTML.
    assert len(components.drawn) == 1
    assert components("header", PARAMS) == first
    assert len(components.drawn) == 1
    assert "Sam &lt;Jones&gt;" in first


def test_different_parameters_draw_different_headers_and_only_the_latest_few_are_kept(env):
    components = Components(env, size=2)
    names = ["Ann", "Bea", "Cal"]
    drawn = [
        components("header", {**PARAMS, "account": {"items": [{"href": "/", "text": n}]}})
        for n in names
    ]
    for name, html in zip(names, drawn, strict=True):
        assert f">{name}<" in re.sub(r"\s+", "", str(html))
    assert len(components.drawn) == 2
    assert not any("Ann" in html for html in components.drawn.values())


def test_fill_puts_the_value_in_place_of_the_marker(env):
    components = Components(env)
    params = {**PARAMS, "account": {"items": [{"html": "<form><fidelis-csrf></form>"}]}}
    one = components("header", params, fill={"<fidelis-csrf>": "<input value=one>"})
    two = components("header", params, fill={"<fidelis-csrf>": "<input value=two>"})
    assert "<form><input value=one></form>" in one
    assert "<form><input value=two></form>" in two
    assert "<fidelis-csrf>" not in one + two
    assert len(components.drawn) == 1


def test_a_name_that_looks_like_the_marker_is_shown_as_text(as_user, users):
    """A user's own text is escaped before it is kept, so it never becomes the token."""
    user = users["member"]
    user.first_name, user.last_name = "<fidelis-csrf>", "Smith"
    user.save()
    html = as_user("member").get("/account/").content.decode()
    assert "&lt;fidelis-csrf&gt; Smith" in html
    assert "<fidelis-csrf>" not in html
    sign_out = re.search(r'<form class="nhsuk-header__account-form".*?</form>', html, re.S)
    assert 'name="csrfmiddlewaretoken"' in sign_out.group(0)


def test_each_request_gets_its_own_sign_out_token_and_signing_out_works(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    tokens = []
    for _ in range(2):
        html = client.get("/account/").content.decode()
        form = re.search(r'<form class="nhsuk-header__account-form".*?</form>', html, re.S)
        assert form is not None
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
        assert token is not None
        tokens.append(token.group(1))
    # Django masks the token afresh for every response: a kept header would repeat it.
    assert tokens[0] != tokens[1]
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
