"""What the programme, organisation, people and team pages show, and how long lists page."""

import re

from django.urls import reverse

from fidelis.programmes import actions
from fidelis.programmes.models import Organisation
from tests.conftest import page_text

P = "crisis-care-2026"
NORTHFIELD = "northfield-mental-health-nhs-foundation-trust"


def test_an_organisation_page_counts_the_teams_a_member_may_not_see_listed(as_user):
    text = page_text(as_user("member").get(f"/programmes/{P}/organisations/{NORTHFIELD}/"))
    assert "Ashby Crisis Resolution Team" in text
    assert "2 other teams from Northfield Mental Health NHS Foundation Trust take part." in text
    assert "Corran" not in text


def test_the_sponsor_sees_every_team_of_their_organisation_and_no_count(as_user):
    text = page_text(as_user("sponsor").get(f"/programmes/{P}/organisations/{NORTHFIELD}/"))
    assert "Corran Home Treatment Team" in text
    assert "other teams from" not in text


def test_the_programme_page_pages_its_teams(as_user, programme):
    organisation = Organisation.objects.get(slug=NORTHFIELD)
    for n in range(60):
        actions.create_team(organisation=organisation, name=f"Extra Crisis Team {n:02d}")
    client = as_user("lead")
    first = page_text(client.get(f"/programmes/{P}/"))
    assert "Teams (73)" in first
    assert "Showing 1 to 50 of 73" in first
    second = client.get(f"/programmes/{P}/?page=2")
    assert "Showing 51 to 73 of 73" in page_text(second)
    assert 'rel="prev"' in second.content.decode()
    # A member sees their own team first, then the rest under pseudonyms.
    rows = page_text(as_user("member").get(f"/programmes/{P}/")).split("Organisation Staff")[1]
    first_pseudonym = re.search(r"Team [A-Z]{1,2} Organisation", rows)
    assert rows.index("Ashby Crisis Resolution Team") < first_pseudonym.start()
    assert "Extra Crisis Team" not in rows


def test_a_page_number_out_of_range_shows_the_last_page(as_user):
    response = as_user("lead").get(f"/programmes/{P}/?page=999")
    assert response.status_code == 200
    response = as_user("lead").get(f"/programmes/{P}/?page=abc")
    assert response.status_code == 200


def test_the_people_page_finds_a_person_by_name(as_user, users):
    client = as_user("lead")
    text = page_text(client.get(reverse("people", args=[P]), {"q": "Maya Collins"}))
    assert "People (1 matching ‘Maya Collins’)" in text
    assert "Team manager (Ashby Crisis Resolution Team)" in text
    text = page_text(client.get(reverse("people", args=[P]), {"q": "nobody-by-this-name"}))
    assert "No one matches" in text


def test_the_team_page_shows_each_apps_panel(as_user):
    text = page_text(as_user("manager").get(f"/programmes/{P}/teams/ashby-crisis-resolution-team/"))
    assert "Fidelity reviews" in text
    assert "Baseline review" in text and "mean item score" in text


def test_with_many_teams_the_invitation_asks_for_the_teams_name(as_user, programme, mailoutbox):
    from fidelis.programmes.models import Invitation

    organisation = Organisation.objects.get(slug=NORTHFIELD)
    for n in range(100):
        actions.create_team(organisation=organisation, name=f"Extra Crisis Team {n:03d}")
    client = as_user("lead")
    page = client.get(reverse("invite", args=[P]))
    html = page.content.decode()
    assert re.search(r'<input[^>]*id="id_team"', html)
    assert not re.search(r'<select[^>]*id="id_team"', html)
    assert "Type the team's name" in page_text(page)
    data = {"email": "new.member@example.org", "role": "team_member"}
    wrong = client.post(reverse("invite", args=[P]), {**data, "team": "Ashbee Crisis Team"})
    assert wrong.status_code == 400
    assert "No team in the programme is called ‘Ashbee Crisis Team’" in page_text(wrong)
    assert 'value="Ashbee Crisis Team"' in wrong.content.decode()  # what was typed stays
    client.post(reverse("invite", args=[P]), {**data, "team": "ashby crisis resolution team"})
    invitation = Invitation.objects.get(email="new.member@example.org")
    assert invitation.team.slug == "ashby-crisis-resolution-team"
