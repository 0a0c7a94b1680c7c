"""A programme lead invites people by email; the link lets them set a password."""

import re

import pytest
from django.test import Client

from fidelis.programmes.models import Invitation, Membership, Role, Team

P = "crisis-care-2026"


@pytest.fixture
def invite(as_user, django_capture_on_commit_callbacks):
    def send(**data):
        with django_capture_on_commit_callbacks(execute=True):
            response = as_user("lead").post(f"/programmes/{P}/people/invite/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return Invitation.objects.get(email=data["email"])

    return send


def test_the_invitation_email_carries_a_link_that_creates_the_account(invite, as_user, mailoutbox):
    team = Team.objects.get(slug="marlpit-crisis-team")
    invitation = invite(
        email="nia.jones@example.org",
        role="team_member",
        team=team.pk,
        message="See you at the scoping day.",
    )
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nia.jones@example.org"]
    assert "See you at the scoping day." in email.body
    link = re.search(r"https?://\S+(/invitations/\S+/)", email.body).group(1)
    assert link == invitation.get_absolute_url()

    client = Client()
    page = client.get(link)
    assert "Set up your Fidelis account" in page.content.decode()
    response = client.post(
        link,
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "username": "nia",
            "password1": "harbour-lantern-42",
            "password2": "harbour-lantern-42",
        },
    )
    assert response.status_code == 302
    home = client.get("/")
    assert "Team member: Marlpit Crisis Team" in home.content.decode()
    assert Membership.objects.filter(
        user__username="nia", role=Role.TEAM_MEMBER, team=team
    ).exists()
    # The link works once.
    assert Client().get(link).status_code == 410


def test_a_weak_password_is_refused_and_no_account_is_made(invite, as_user):
    from django.contrib.auth import get_user_model

    invitation = invite(email="weak@example.org", role="evaluator")
    response = Client().post(
        invitation.get_absolute_url(),
        {
            "first_name": "Wei",
            "last_name": "K",
            "username": "weak",
            "password1": "password",
            "password2": "password",
        },
    )
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    assert not get_user_model().objects.filter(username="weak").exists()
    assert Invitation.objects.get(pk=invitation.pk).is_pending


def test_a_signed_in_person_accepts_an_extra_role(invite, as_user, users):
    invitation = invite(email=users["reviewer"].email, role="evaluator")
    client = as_user("reviewer")
    assert "Accept invitation" in client.get(invitation.get_absolute_url()).content.decode()
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(user=users["reviewer"], role=Role.EVALUATOR).exists()


def test_a_withdrawn_invitation_no_longer_works(invite, as_user):
    invitation = invite(email="gone@example.org", role="evaluator")
    as_user("lead").post(f"/programmes/{P}/invitations/{invitation.pk}/withdraw/")
    assert Client().get(invitation.get_absolute_url()).status_code == 410


def test_an_unknown_invitation_link_is_not_found(db):
    assert Client().get("/invitations/not-a-real-token/").status_code == 404


def test_only_the_lead_can_withdraw_invitations(invite, as_user):
    invitation = invite(email="keep@example.org", role="evaluator")
    response = as_user("manager").post(f"/programmes/{P}/invitations/{invitation.pk}/withdraw/")
    assert response.status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).is_pending


def test_an_invitation_for_another_address_is_not_given_to_the_signed_in_user(
    invite, as_user, users
):
    invitation = invite(email="someone.else@example.org", role="evaluator")
    client = as_user("member")
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 403
    assert not Membership.objects.filter(user=users["member"], role=Role.EVALUATOR).exists()
    assert Invitation.objects.get(pk=invitation.pk).is_pending


def test_a_new_account_cannot_reuse_an_email_that_has_an_account(invite, users):
    invitation = invite(email=users["member"].email, role="evaluator")
    response = Client().post(
        invitation.get_absolute_url(),
        {
            "first_name": "Mo",
            "last_name": "F",
            "username": "mo2",
            "password1": "harbour-lantern-42",
            "password2": "harbour-lantern-42",
        },
    )
    assert "already uses" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).is_pending


def test_invitation_links_follow_the_address_the_lead_uses(
    as_user, mailoutbox, django_capture_on_commit_callbacks, settings
):
    # `make demo PORT=8001` serves on 8001: the emailed link must point there.
    settings.FIDELIS_BASE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        as_user("lead").post(
            f"/programmes/{P}/people/invite/",
            {"email": "port@example.org", "role": "evaluator"},
            HTTP_HOST="127.0.0.1:8001",
        )
    assert "http://127.0.0.1:8001/invitations/" in mailoutbox[0].body


def test_a_configured_public_address_wins_over_the_one_the_lead_uses(
    as_user, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.FIDELIS_BASE_URL = "https://fidelis.example.nhs.uk"
    with django_capture_on_commit_callbacks(execute=True):
        as_user("lead").post(
            f"/programmes/{P}/people/invite/",
            {"email": "public@example.org", "role": "evaluator"},
            HTTP_HOST="127.0.0.1:8001",
        )
    assert "https://fidelis.example.nhs.uk/invitations/" in mailoutbox[0].body


@pytest.mark.parametrize("username", ["xss<script>user", "with space", "943 476 5919"])
def test_an_invitation_sign_up_refuses_a_username_that_is_not_plain(invite, username):
    invitation = invite(email="plain@example.org", role="evaluator")
    response = Client().post(
        invitation.get_absolute_url(),
        {
            "first_name": "Pat",
            "last_name": "Lee",
            "username": username,
            "password1": "river-otter-lamp-77",
            "password2": "river-otter-lamp-77",
        },
    )
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="plain@example.org").exists()
