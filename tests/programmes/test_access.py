"""Every role's view of every page, including what each must not see.

404 means the persona may not know the object exists; 403 that it may see it but not
change it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PERSONA_NAMES

P = "crisis-care-2026"
ASHBY = "ashby-crisis-resolution-team"
KESTREL = "kestrel-bay-crisis-team"
NORTHFIELD = "northfield-mental-health-nhs-foundation-trust"
EASTVALE = "eastvale-partnership-nhs-trust"

ALL_OK = dict.fromkeys(PERSONA_NAMES, 200)


def only(ok: set[str], denied: int = 403, hidden: set[str] = frozenset()) -> dict:
    return {
        name: 200 if name in ok else (404 if name in hidden else denied) for name in PERSONA_NAMES
    }


NORTHFIELD_VIEWERS = {"lead", "reviewer", "expert", "facilitator", "manager", "member", "sponsor"}
ASHBY_VIEWERS = NORTHFIELD_VIEWERS

PAGES = {
    "home": ("/", ALL_OK),
    "programme": (f"/programmes/{P}/", ALL_OK),
    "programme list": ("/programmes/", ALL_OK),
    "start a programme": ("/programmes/new/", only(set())),
    "programme edit": (f"/programmes/{P}/edit/", only({"lead"})),
    "people": (f"/programmes/{P}/people/", only({"lead"})),
    "timepoints": (f"/programmes/{P}/timepoints/", only({"lead"})),
    "reviews": ("/reviews/", ALL_OK),
    "plan a review": (f"/programmes/{P}/reviews/new/", only({"lead"})),
    "agreement": (
        f"/programmes/{P}/agreement/",
        only({"lead", "reviewer", "expert", "evaluator"}),
    ),
    "invite": (f"/programmes/{P}/people/invite/", only({"lead"})),
    "organisation create": (f"/programmes/{P}/organisations/new/", only({"lead"})),
    "team create": (f"/programmes/{P}/teams/new/", only({"lead"})),
    "own organisation": (
        f"/programmes/{P}/organisations/{NORTHFIELD}/",
        only(NORTHFIELD_VIEWERS, denied=404),
    ),
    "another organisation": (
        f"/programmes/{P}/organisations/{EASTVALE}/",
        only({"lead", "reviewer", "expert", "other"}, denied=404),
    ),
    "organisation edit": (
        f"/programmes/{P}/organisations/{NORTHFIELD}/edit/",
        only({"lead"}, hidden={"evaluator", "other"}),
    ),
    "Ashby team": (f"/programmes/{P}/teams/{ASHBY}/", only(ASHBY_VIEWERS, denied=404)),
    "Kestrel Bay team": (
        f"/programmes/{P}/teams/{KESTREL}/",
        only({"lead", "reviewer", "expert", "other"}, denied=404),
    ),
    "Ashby team edit": (
        f"/programmes/{P}/teams/{ASHBY}/edit/",
        only({"lead", "manager"}, hidden={"evaluator", "other"}),
    ),
    "account": ("/account/", ALL_OK),
    "scales": ("/scales/", ALL_OK),
    "scale": ("/scales/crisis-demo/1.0/", ALL_OK),
    "scale item": ("/scales/crisis-demo/1.0/items/1/", ALL_OK),
    "missing programme": ("/programmes/no-such-programme/", dict.fromkeys(PERSONA_NAMES, 404)),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_each_persona_gets_the_expected_answer_on_each_page(page, persona, as_user):
    path, expected = PAGES[page]
    assert as_user(persona).get(path).status_code == expected[persona]


@pytest.mark.parametrize("page", [p for p in PAGES if p != "home"])
def test_signed_out_visitors_are_sent_to_sign_in(page, db):
    path, _ = PAGES[page]
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("lead", 200),
        ("facilitator", 200),
        ("manager", 200),
        ("member", 200),
        ("sponsor", 200),
        ("reviewer", 404),
        ("expert", 404),
        ("evaluator", 404),
        ("other", 404),
    ],
)
def test_a_team_members_page_is_open_only_to_those_who_work_with_them(
    persona, expected, as_user, users
):
    path = reverse("person", args=[users["member"].pk])
    assert as_user(persona).get(path).status_code == expected


def test_a_user_without_a_role_sees_no_programme(db):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("stranger", password="x-long-password")
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/programmes/{P}/").status_code == 404
    assert "do not have a role" in client.get("/").content.decode()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_team_checks_and_team_lists_agree(persona, users, db):
    from fidelis.programmes import access
    from fidelis.programmes.models import Organisation, Team

    user = users[persona]
    listed = set(access.teams_visible_to(user))
    for team in Team.objects.select_related("organisation__programme"):
        assert access.can_view_team(user, team) == (team in listed), team.name
    # The programme page's list marks as open exactly the teams the user may open, and
    # labels every other team with its pseudonym.
    programme = Team.objects.first().organisation.programme
    for team in access.teams_listed_for(user, programme).select_related("organisation__programme"):
        assert team.open == access.can_view_team(user, team), team.name
        assert team.label == access.team_label(user, team), team.name
    listed_orgs = set(access.organisations_visible_to(user))
    for organisation in Organisation.objects.all():
        assert access.can_view_organisation(user, organisation) == (organisation in listed_orgs)


def test_named_benchmarking_shows_team_names_to_other_teams(as_user, programme):
    programme.named_benchmarking = True
    programme.save(update_fields=["named_benchmarking"])
    body = as_user("member").get(programme.get_absolute_url()).content.decode()
    assert "Kestrel Bay Crisis Team" in body
    # Evaluators work with pseudonymised data whatever the setting.
    body = as_user("evaluator").get(programme.get_absolute_url()).content.decode()
    assert "Kestrel Bay Crisis Team" not in body


def test_the_evaluator_sees_only_pseudonyms(as_user, programme):
    from fidelis.programmes.models import Team

    body = as_user("evaluator").get(programme.get_absolute_url()).content.decode()
    for team in Team.objects.all():
        assert team.name not in body
        assert team.pseudonym in body


def test_a_pseudonymous_teams_organisation_is_not_shown(as_user, programme):
    from fidelis.programmes.models import Team

    body = as_user("member").get(f"/programmes/{P}/").content.decode()
    corran = Team.objects.get(slug="corran-home-treatment-team")  # same trust as Ashby
    row = body[body.index(corran.pseudonym) :][:600]
    assert "Northfield" not in row
