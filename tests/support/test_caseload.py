"""Caseloads and engagement: the time per team and month matches the logged contacts, each
team's indicator follows its reviews, plan, actions and contacts by the written rules, the
lead sees every facilitator's caseload and sets the dose, and the home page points at
the teams that need a look."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from fidelis.improvement.models import Action, Plan, PlanStatus
from fidelis.lib.engagement import AMBER, GREEN, RED
from fidelis.programmes.models import Membership, Role, Team, add_months
from fidelis.reviews.models import Review, Status
from fidelis.support import access, caseload
from fidelis.support.actions import settings_for
from fidelis.support.engagement import due_timepoint, facts_for, indicators_for
from fidelis.support.models import Contact, SupportSettings
from tests.conftest import page_text


@pytest.fixture
def today():
    return timezone.localdate()


def team(slug) -> Team:
    return Team.objects.get(slug=slug)


def level(programme, t, today):
    return indicators_for(programme, [t.pk], today)[t.pk]


def test_the_caseload_counts_each_months_time_from_the_logged_contacts(programme, users, today):
    mine = access.caseload_teams(users["facilitator"], programme)
    assert {t.name for t in mine} == {
        "Ashby Crisis Resolution Team",
        "Corran Home Treatment Team",
        "Marlpit Crisis Team",
    }
    rows = caseload.caseload(programme, mine, settings_for(programme), today)
    for row in rows:
        for month in row.months:
            logged = Contact.objects.filter(
                team=row.team,
                happened_on__gte=month.month,
                happened_on__lt=add_months(month.month, 1),
            )
            assert month.minutes == (logged.aggregate(m=Sum("minutes"))["m"] or 0)
            assert month.contacts == logged.count()
            assert month.dose == round(1 * 2 * 60 * 52 / 12)


def test_the_demo_has_marlpit_drifting_with_its_reasons(programme, today):
    marlpit = level(programme, team("marlpit-crisis-team"), today)
    assert marlpit.level == RED
    texts = " ".join(r.text for r in marlpit.concerns)
    assert "No facilitation contact in the last 4 weeks" in texts
    assert "open plan actions, none updated in the last 4 weeks" in texts
    assert level(programme, team("ashby-crisis-resolution-team"), today).level == GREEN


def test_each_rule_moves_the_level(programme, today):
    ashby = team("ashby-crisis-resolution-team")
    assert level(programme, ashby, today).level == GREEN
    # No contact in the last 4 weeks: one concern.
    recent = today - datetime.timedelta(weeks=4)
    Contact.objects.filter(team=ashby, happened_on__gt=recent).delete()
    assert level(programme, ashby, today).level == AMBER
    # Open actions none of which was updated in the last 4 weeks: a second.
    plan = Plan.objects.filter(team=ashby).exclude(status=PlanStatus.CLOSED).get()
    assert plan.status == PlanStatus.SIGNED_OFF
    Action.objects.filter(goal__plan=plan).update(
        updated_at=timezone.now() - datetime.timedelta(weeks=4, hours=1)
    )
    assert level(programme, ashby, today).level == RED
    # The plan not signed off 8 weeks after the last review was finalised: a third.
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.AWAITING_SIGN_OFF)
    Review.objects.filter(team=ashby, status=Status.FINALISED).update(
        finalised_at=timezone.now() - datetime.timedelta(weeks=8, days=1)
    )
    found = level(programme, ashby, today)
    assert len(found.concerns) == 3
    assert any("No signed-off plan 8 weeks after" in r.text for r in found.concerns)


def test_the_review_rule_reads_the_latest_timepoint_that_has_started(programme, today):
    timepoint = due_timepoint(programme, today)
    assert timepoint == max(
        (t for t in programme.timepoints.all() if t.due_date <= today), key=lambda t: t.due_date
    )
    kestrel = team("kestrel-bay-crisis-team")
    facts = facts_for(programme, [kestrel.pk], today)[kestrel.pk]
    finalised = Review.objects.filter(
        team=kestrel, timepoint=timepoint, status=Status.FINALISED
    ).exists()
    assert facts.due_review == (timepoint.label, timepoint.due_date, finalised)
    Review.objects.filter(team=kestrel, timepoint=timepoint).update(status=Status.RATING)
    later = today + datetime.timedelta(weeks=9)
    facts = facts_for(programme, [kestrel.pk], later)[kestrel.pk]
    assert facts.due_review[2] is False
    assert any(
        "review, due from" in r.text
        for r in indicators_for(programme, [kestrel.pk], later)[kestrel.pk].concerns
    )


def test_the_lead_sees_every_facilitators_caseload_and_opens_one(as_user, programme, users):
    text = page_text(as_user("lead").get(reverse("support_caseloads", args=[programme.slug])))
    facilitators = Membership.objects.filter(programme=programme, role=Role.FACILITATOR)
    for person in {m.user for m in facilitators}:
        assert person.display_name in text
    row = caseload.summaries(programme, [users["facilitator"]], timezone.localdate())[0]
    assert (row.teams, row.red) == (3, 1)
    page = as_user("lead").get(
        reverse("support_facilitator_caseload", args=[programme.slug, users["facilitator"].pk])
    )
    assert "Faisal Ahmed's caseload" in page_text(page)
    assert "Marlpit Crisis Team" in page_text(page)
    other = as_user("facilitator").get(
        reverse("support_facilitator_caseload", args=[programme.slug, users["lead"].pk])
    )
    assert other.status_code == 404  # the lead is not a facilitator
    not_mine = (
        Membership.objects.filter(programme=programme, role=Role.FACILITATOR)
        .exclude(user=users["facilitator"])
        .first()
        .user
    )
    assert (
        as_user("facilitator")
        .get(reverse("support_facilitator_caseload", args=[programme.slug, not_mine.pk]))
        .status_code
        == 403
    )


def test_the_lead_sets_the_dose_and_bad_values_change_nothing(as_user, programme):
    url = reverse("support_settings", args=[programme.slug])
    response = as_user("lead").post(url, {"weekly_sessions": "0", "session_hours": "2"})
    assert response.status_code == 400
    assert "from 0.5 to 10" in page_text(response)
    assert not SupportSettings.objects.filter(programme=programme).exists()
    response = as_user("lead").post(url, {"weekly_sessions": "0.5", "session_hours": "3"})
    assert response.status_code == 302
    saved = settings_for(programme)
    assert (saved.weekly_sessions, saved.session_hours) == (Decimal("0.5"), Decimal("3"))
    assert caseload.monthly_dose_minutes(saved) == 390
    assert as_user("facilitator").post(url, {"weekly_sessions": "2"}).status_code == 403


def test_the_facilitators_home_page_names_the_teams_to_contact_and_the_drifting_ones(as_user):
    text = page_text(as_user("facilitator").get("/"))
    assert "No contact yet this month: Marlpit Crisis Team" in text
    assert "Drifting: Marlpit Crisis Team" in text
    assert "Log a contact" in text and "Your caseload" in text


def test_a_sponsor_is_told_when_one_of_their_teams_drifts(as_user, programme, today):
    corran = team("corran-home-treatment-team")
    assert "Drifting: Corran" not in page_text(as_user("sponsor").get("/"))
    Contact.objects.filter(team=corran).delete()
    assert level(programme, corran, today).level == RED
    text = page_text(as_user("sponsor").get("/"))
    assert "Drifting: Corran Home Treatment Team" in text
    assert "No facilitation contact logged yet." in text


def test_the_team_page_panel_shows_the_indicator_to_the_team_only(as_user, programme):
    ashby = team("ashby-crisis-resolution-team")
    url = ashby.get_absolute_url()
    assert "Facilitation and engagement" in page_text(as_user("member").get(url))
    assert "Facilitation and engagement" not in page_text(as_user("reviewer").get(url))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("facilitator", 403),
        ("manager", 403),
        ("member", 403),
        ("sponsor", 403),
        ("reviewer", 403),
        ("evaluator", 403),
        ("other", 403),
    ],
)
def test_every_facilitators_caseload_is_for_the_lead(persona, status, as_user, programme):
    client = as_user(persona)
    assert client.get(reverse("support_caseloads", args=[programme.slug])).status_code == status
    assert client.get(reverse("support_settings", args=[programme.slug])).status_code == status
