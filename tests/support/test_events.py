"""Learning events: who sees and registers, the cap, attendance only for invitees, the
suggested topics, each invitee's state for the lead, the calendar file, and the engagement
rule on coming to the latest event."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fidelis.lib.engagement import RED
from fidelis.programmes.models import Membership, Organisation, Role, Team
from fidelis.support import access, actions
from fidelis.support.engagement import facts_for, indicators_for
from fidelis.support.events import suggested_topics
from fidelis.support.models import Event, Registration
from tests.conftest import page_text


@pytest.fixture
def coming(db):
    return Event.objects.get(title="Learning exchange: families and crisis plans")


@pytest.fixture
def past(db):
    return Event.objects.get(title="Learning exchange: home treatment that lasts")


def register_url(event):
    return reverse("support_event_register", args=[event.pk])


@pytest.mark.parametrize(
    ("persona", "opens", "manages"),
    [
        ("lead", 200, 200),
        ("facilitator", 200, 403),
        ("manager", 200, 403),
        ("member", 200, 403),
        ("sponsor", 200, 403),
        ("other", 200, 403),
        ("reviewer", 404, 404),  # not invited
        ("evaluator", 404, 404),
    ],
)
def test_who_opens_and_runs_an_event(persona, opens, manages, as_user, coming, programme):
    client = as_user(persona)
    assert client.get(coming.get_absolute_url()).status_code == opens
    assert client.get(reverse("support_event_ics", args=[coming.pk])).status_code == opens
    for name in ("support_event_invitees", "support_event_attendance", "support_event_edit"):
        assert client.get(reverse(name, args=[coming.pk])).status_code == manages
    new = client.get(reverse("support_event_new", args=[programme.slug])).status_code
    assert new == (200 if persona == "lead" else 403)
    listed = page_text(client.get(reverse("support_events", args=[programme.slug])))
    assert (coming.title in listed) == (opens == 200)


def test_an_invitee_registers_and_gives_the_place_up(as_user, coming, users):
    client = as_user("manager")
    assert client.post(register_url(coming)).status_code == 302
    assert Registration.objects.filter(
        event=coming, user=users["manager"], registered=True
    ).exists()
    text = page_text(client.get(coming.get_absolute_url()))
    assert "You are registered." in text
    assert "Learning event: Learning exchange: families and crisis plans" in page_text(
        client.get("/")
    )
    client.post(register_url(coming), {"action": "cancel"})
    assert not Registration.objects.filter(event=coming, user=users["manager"]).exists()


def test_registration_beyond_the_cap_is_refused_and_nothing_saved(as_user, coming, users):
    coming.capacity = 1  # Mo has the one place
    coming.save(update_fields=["capacity"])
    client = as_user("manager")
    response = client.post(register_url(coming), follow=True)
    assert "The event is full: all 1 places are taken." in page_text(response)
    assert not Registration.objects.filter(event=coming, user=users["manager"]).exists()
    assert "Register for a place" not in page_text(client.get(coming.get_absolute_url()))


def test_someone_not_invited_cannot_register(coming, users):
    with pytest.raises(ValidationError, match=r"You are not invited to this event\."):
        actions.register(event=coming, user=users["reviewer"])
    assert not Registration.objects.filter(event=coming, user=users["reviewer"]).exists()


def test_an_event_naming_organisations_invites_only_their_people(coming, users):
    northfield = Organisation.objects.get(name__startswith="Northfield")
    coming.organisations.set([northfield])
    coming.invited_roles = [Role.TEAM_MEMBER]
    coming.save(update_fields=["invited_roles"])
    fresh = Event.objects.get(pk=coming.pk)
    assert access.is_invited(users["member"], fresh)  # Ashby is Northfield's
    assert not access.is_invited(users["other"], fresh)  # Kestrel Bay is not
    invitees = set(access.invitees_of(fresh))
    assert users["member"] in invitees and users["other"] not in invitees


def test_attendance_only_for_invitees_and_only_from_the_day(as_user, coming, past, users):
    client = as_user("lead")
    url = reverse("support_event_attendance", args=[coming.pk])
    response = client.post(url, {"step": "save", "came": [str(users["member"].pk)]})
    assert response.status_code == 400
    assert "Attendance is taken on the day of the event, or after it." in page_text(response)
    assert Registration.objects.get(event=coming, user=users["member"]).attended is None

    url = reverse("support_event_attendance", args=[past.pk])
    before = Registration.objects.filter(event=past).count()
    response = client.post(url, {"step": "add", "who": "reviewer"})
    assert response.status_code == 400
    assert "reviewer is not invited to this event" in page_text(response)
    assert Registration.objects.filter(event=past).count() == before
    marlpit = (
        Membership.objects.filter(team__slug="marlpit-crisis-team", role=Role.TEAM_MEMBER)
        .first()
        .user
    )  # nobody from Marlpit registered
    response = client.post(url, {"step": "add", "who": marlpit.username})
    assert response.status_code == 302
    came = Registration.objects.get(event=past, user=marlpit)
    assert (came.registered, came.attended) == (False, True)


def test_the_lead_sees_each_invitees_state(as_user, past, users):
    text = page_text(as_user("lead").get(reverse("support_event_invitees", args=[past.pk])))
    assert "Mo Farah" in text or "Maya Collins" in text
    assert "Came" in text and "Not registered" in text


def test_suggested_topics_are_the_items_lowest_across_the_network(as_user, programme):
    suggested = suggested_topics(programme)
    assert len(suggested) == 3
    medians = [s["spread"].median for s in suggested]
    assert medians == sorted(medians)
    html = as_user("lead").get(reverse("support_event_new", args=[programme.slug])).content
    html = html.decode()
    items = {i.number: i.pk for i in programme.scale.items.all()}
    for s in suggested:  # each ticked
        assert f'name="topics" type="checkbox" value="{items[s["number"]]}" checked' in html
    assert html.count('name="topics" type="checkbox"') == len(items)


def test_the_lead_plans_an_event_and_bad_input_changes_nothing(as_user, programme):
    url = reverse("support_event_new", args=[programme.slug])
    before = Event.objects.count()
    day = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    bad = as_user("lead").post(
        url, {"title": "Exchange", "day": day, "starts": "15:00", "ends": "10:00"}
    )
    assert bad.status_code == 400
    text = page_text(bad)
    assert "The event must end after it starts." in text
    assert "Give a place, an online link or both." in text
    assert "Choose who is invited." in text
    assert Event.objects.count() == before
    good = as_user("lead").post(
        url,
        {
            "title": "Exchange",
            "day": day,
            "starts": "10:00",
            "ends": "15:00",
            "place": "Town Hall",
            "invited_roles": ["team_manager"],
            "capacity": "30",
        },
    )
    assert good.status_code == 302
    made = Event.objects.get(title="Exchange")
    assert timezone.localtime(made.starts_at).hour == 10 and made.capacity == 30


def test_nobody_from_marlpit_came_to_the_last_event(programme):
    marlpit = Team.objects.get(slug="marlpit-crisis-team")
    ashby = Team.objects.get(slug="ashby-crisis-resolution-team")
    today = timezone.localdate()
    facts = facts_for(programme, [marlpit.pk, ashby.pk], today)
    assert facts[ashby.pk].last_event[2] is True
    assert facts[marlpit.pk].last_event[2] is False
    found = indicators_for(programme, [marlpit.pk], today)[marlpit.pk]
    assert found.level == RED
    assert any(
        r.text.startswith("Nobody from the team came to Learning exchange") for r in found.concerns
    )
    # Someone from Marlpit recorded as come: the concern goes.
    manager = Membership.objects.filter(team=marlpit, role=Role.TEAM_MANAGER).first().user
    event = Event.objects.get(title="Learning exchange: home treatment that lasts")
    Registration.objects.create(event=event, user=manager, attended=True)
    assert facts_for(programme, [marlpit.pk], today)[marlpit.pk].last_event[2] is True


def test_the_calendar_file_has_the_events_time_and_place(as_user, coming):
    body = as_user("member").get(reverse("support_event_ics", args=[coming.pk])).content.decode()
    body = body.replace("\r\n ", "")  # unfolded
    start = coming.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in body
    assert (
        "LOCATION:Harbour Hall\\, Kestrel Bay\\, https://meet.example.org/fidelis-exchange" in body
    )


def test_the_event_rule_leaves_out_teams_of_organisations_not_invited(programme, past):
    northfield = Organisation.objects.get(name__startswith="Northfield")
    past.organisations.set([northfield])
    marlpit = Team.objects.get(slug="marlpit-crisis-team")  # Southmoor's
    ashby = Team.objects.get(slug="ashby-crisis-resolution-team")  # Northfield's
    facts = facts_for(programme, [marlpit.pk, ashby.pk], timezone.localdate())
    assert facts[marlpit.pk].last_event is None
    assert facts[ashby.pk].last_event[2] is True


def test_the_attendance_page_waits_for_the_day(as_user, coming, past):
    before = page_text(as_user("lead").get(reverse("support_event_attendance", args=[coming.pk])))
    assert "Attendance is taken on the day of the event" in before
    assert "Save attendance" not in before
    on_the_day = page_text(as_user("lead").get(reverse("support_event_attendance", args=[past.pk])))
    assert "Save attendance" in on_the_day


def test_the_lead_calls_an_event_off_and_nobody_else_can(as_user, coming):
    url = reverse("support_event_cancel", args=[coming.pk])
    assert as_user("member").post(url).status_code == 403
    assert Event.objects.filter(pk=coming.pk).exists()
    text = page_text(as_user("lead").get(url))
    assert "1 person has registered: Fidelis does not tell them" in text
    assert as_user("lead").post(url).status_code == 302
    assert not Event.objects.filter(pk=coming.pk).exists()
    assert not Registration.objects.filter(event_id=coming.pk).exists()


def test_the_invitees_list_says_where_each_person_works(as_user, past):
    text = page_text(as_user("lead").get(reverse("support_event_invitees", args=[past.pk])))
    assert "Ashby Crisis Resolution Team" in text
