"""Bad input gets a clear message in the NHS error summary and changes nothing."""

from fidelis.programmes.models import Invitation, Team
from tests.conftest import page_text

P = "crisis-care-2026"
ASHBY = "ashby-crisis-resolution-team"


def test_a_team_form_with_bad_input_shows_the_error_summary_and_saves_nothing(as_user):
    client = as_user("manager")
    before = Team.objects.get(slug=ASHBY)
    response = client.post(
        f"/programmes/{P}/teams/{ASHBY}/edit/",
        {"area_served": "Ashby and the villages", "staff_count": "lots"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "nhsuk-error-summary" in body
    assert "<title>Error: " in body
    assert "Enter a whole number" in page_text(response)
    # What the user typed is still in the form.
    assert "Ashby and the villages" in body
    after = Team.objects.get(slug=ASHBY)
    assert (after.area_served, after.staff_count) == (before.area_served, before.staff_count)


def test_an_nhs_number_in_a_free_text_field_is_refused_with_a_reason(as_user):
    client = as_user("manager")
    response = client.post(
        f"/programmes/{P}/teams/{ASHBY}/edit/",
        {"area_served": "Patient 943 476 5919 lives here", "staff_count": "20"},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "NHS number" in text
    assert "must not hold information that identifies patients" in text
    assert "943 476 5919" not in Team.objects.get(slug=ASHBY).area_served


def test_a_manager_can_change_their_teams_details(as_user):
    response = as_user("manager").post(
        f"/programmes/{P}/teams/{ASHBY}/edit/",
        {"area_served": "Ashby and the northern villages", "staff_count": "25"},
    )
    assert response.status_code == 302
    assert Team.objects.get(slug=ASHBY).staff_count == 25


def test_a_manager_cannot_rename_or_move_their_team(as_user):
    as_user("manager").post(
        f"/programmes/{P}/teams/{ASHBY}/edit/",
        {"name": "Renamed", "area_served": "Ashby", "staff_count": "25"},
    )
    assert Team.objects.get(slug=ASHBY).name == "Ashby Crisis Resolution Team"


def test_the_lead_adds_a_team_which_gets_an_unused_pseudonym(as_user, programme):
    from fidelis.programmes.models import Organisation

    organisation = Organisation.objects.filter(programme=programme).first()
    response = as_user("lead").post(
        f"/programmes/{P}/teams/new/",
        {
            "name": "Brightwater Crisis Team",
            "organisation": organisation.pk,
            "area_served": "Brightwater",
            "staff_count": "12",
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Brightwater Crisis Team")
    others = set(Team.objects.exclude(pk=team.pk).values_list("pseudonym", flat=True))
    assert team.pseudonym.startswith("Team ") and team.pseudonym not in others


def test_a_duplicate_team_name_is_refused(as_user, programme):
    from fidelis.programmes.models import Organisation

    organisation = Organisation.objects.filter(programme=programme).first()
    response = as_user("lead").post(
        f"/programmes/{P}/teams/new/",
        {"name": "Ashby Crisis Resolution Team", "organisation": organisation.pk},
    )
    assert "already in the programme" in page_text(response)
    assert Team.objects.filter(name="Ashby Crisis Resolution Team").count() == 1


def test_an_invitation_without_its_team_is_refused_and_nothing_is_sent(as_user, mailoutbox):
    response = as_user("lead").post(
        f"/programmes/{P}/people/invite/",
        {"email": "new.person@example.org", "role": "team_member"},
    )
    assert "Choose the team this team member works with" in page_text(response)
    assert not Invitation.objects.filter(email="new.person@example.org").exists()
    assert mailoutbox == []


def test_an_invitation_with_a_bad_email_keeps_what_was_typed(as_user):
    response = as_user("lead").post(
        f"/programmes/{P}/people/invite/",
        {"email": "not-an-email", "role": "evaluator", "message": "Welcome aboard"},
    )
    body = response.content.decode()
    assert "Enter a valid email address" in page_text(response)
    assert "Welcome aboard" in body
    assert "not-an-email" in body


def test_the_lead_adds_and_removes_a_review_timepoint(as_user, programme):
    client = as_user("lead")
    response = client.post(f"/programmes/{P}/timepoints/", {"label": "18 months", "month": "18"})
    assert response.status_code == 302
    timepoint = programme.timepoints.get(key="18-months")
    assert timepoint.month == 18
    client.post(f"/programmes/{P}/timepoints/{timepoint.pk}/remove/")
    assert not programme.timepoints.filter(key="18-months").exists()


def test_a_timepoint_with_reviews_cannot_be_removed(as_user, programme):
    baseline = programme.timepoints.get(key="baseline")
    assert baseline.reviews.exists()
    as_user("lead").post(f"/programmes/{P}/timepoints/{baseline.pk}/remove/")
    assert programme.timepoints.filter(key="baseline").exists()


def test_the_scale_cannot_change_once_reviews_use_it(as_user, programme):
    import yaml

    from fidelis.lib.scalefile import parse_scale
    from fidelis.scales.actions import BUNDLED_DIR, import_scale

    data = yaml.safe_load((BUNDLED_DIR / "crisis-demo.yaml").read_text())
    data["version"] = "2.0"
    other = import_scale(scale=parse_scale(yaml.safe_dump(data)))
    response = as_user("lead").post(
        f"/programmes/{P}/edit/",
        {
            "name": programme.name,
            "start_date": programme.start_date.isoformat(),
            "length_months": "12",
            "scale": other.pk,
        },
    )
    assert "already use its scale" in page_text(response)
    programme.refresh_from_db()
    assert programme.scale.version == "1.0"


def test_links_in_summary_rows_are_links_not_text(as_user, programme):
    for path in [f"/programmes/{P}/", f"/programmes/{P}/teams/{ASHBY}/"]:
        body = as_user("lead").get(path).content.decode()
        assert "&lt;a href" not in body, path


def test_the_sign_in_page_shows_no_markup_as_text(db):
    from django.test import Client

    body = Client().get("/accounts/login/").content.decode()
    assert "&lt;a href" not in body
    assert "Username or email address" in body


def test_an_administrator_starts_a_programme_and_becomes_its_lead(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from fidelis.programmes.models import Membership, Programme, Role
    from fidelis.scales.models import FidelityScale

    admin = get_user_model().objects.create_superuser("admin2", "a2@b.org", "x-long-pass-2")
    client = Client()
    client.force_login(admin)
    scale = FidelityScale.objects.get(slug="crisis-demo")
    bad = client.post(
        "/programmes/new/",
        {
            "name": "North West",
            "slug": "crisis-care-2026",
            "start_date": "2027-01-04",
            "length_months": "12",
            "scale": scale.pk,
        },
    )
    assert "already uses this short name" in page_text(bad)
    response = client.post(
        "/programmes/new/",
        {
            "name": "North West Crisis Care",
            "slug": "north-west",
            "start_date": "2027-01-04",
            "length_months": "12",
            "scale": scale.pk,
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(slug="north-west")
    assert [t.key for t in programme.timepoints.all()] == ["baseline", "6m", "12m"]
    assert Membership.objects.filter(user=admin, programme=programme, role=Role.LEAD).exists()


def test_only_administrators_start_programmes(as_user):
    assert as_user("lead").get("/programmes/new/").status_code == 403


def test_the_smallest_comparison_cannot_go_below_three_teams(as_user, programme):
    def edit(value):
        return as_user("lead").post(
            f"/programmes/{P}/edit/",
            {
                "name": programme.name,
                "start_date": programme.start_date.isoformat(),
                "length_months": "12",
                "scale": programme.scale_id,
                "benchmark_min_teams": value,
            },
        )

    response = edit("2")
    assert "Enter 3 or more" in page_text(response)
    programme.refresh_from_db()
    assert programme.benchmark_min_teams == 5
    assert edit("8").status_code == 302
    programme.refresh_from_db()
    assert programme.benchmark_min_teams == 8
