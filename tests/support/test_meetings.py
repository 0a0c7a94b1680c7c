"""Meetings: who records them, an agreed action going straight into the plan, the refusals
that save nothing, the scoping day's priorities offered first for the plan, the calendar
file, and meetings to come on the home page."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fidelis.improvement.models import Action, Goal, PlanStatus
from fidelis.programmes.models import Team
from fidelis.support import actions
from fidelis.support.models import Meeting, MeetingKind
from tests.conftest import page_text

ASHBY = "ashby-crisis-resolution-team"


@pytest.fixture
def ashby(db):
    return Team.objects.get(slug=ASHBY)


def new_url(team, kind="group"):
    return reverse("support_meeting_new", args=[team.organisation.programme.slug, team.slug]) + (
        f"?kind={kind}"
    )


def a_goal(team) -> Goal:
    return Goal.objects.filter(plan__team=team).exclude(plan__status=PlanStatus.CLOSED).first()


@pytest.mark.parametrize(
    ("persona", "read", "record"),
    [
        ("lead", 200, 200),
        ("facilitator", 200, 200),
        ("manager", 200, 200),
        ("member", 200, 403),
        ("sponsor", 200, 403),
        ("reviewer", 403, 403),
        ("evaluator", 404, 404),
        ("other", 404, 404),
    ],
)
def test_who_reads_and_records_a_teams_meetings(persona, read, record, as_user, ashby):
    client = as_user(persona)
    url = reverse("team_meetings", args=[ashby.organisation.programme.slug, ashby.slug])
    assert client.get(url).status_code == read
    assert client.get(new_url(ashby)).status_code == record
    meeting = Meeting.objects.filter(team=ashby).first()
    opened = {200: 200, 403: 404, 404: 404}[read]
    assert client.get(meeting.get_absolute_url()).status_code == opened
    assert client.get(reverse("support_meeting_ics", args=[meeting.pk])).status_code == opened
    edit = reverse("support_meeting_edit", args=[meeting.pk])
    assert client.get(edit).status_code == (record if opened == 200 else 404)


def test_a_group_meeting_with_an_agreed_action_puts_it_into_the_plan(as_user, ashby, users):
    goal = a_goal(ashby)
    due = goal.plan.starts_on + datetime.timedelta(days=50)
    response = as_user("manager").post(
        new_url(ashby),
        {
            "kind": "group",
            "held_on": timezone.localdate().isoformat(),
            "attendees": [str(users["manager"].pk), str(users["member"].pk)],
            "others": "Jo Bright, service user representative",
            "agenda": "The audit results.",
            "decisions": "Run the audit again in March.",
            "follow_up": "Book the March audit",
            "follow_up_goal": str(goal.pk),
            "follow_up_owner": str(users["member"].pk),
            "follow_up_due": due.isoformat(),
            "follow_up_hours": "3",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.filter(team=ashby).order_by("-pk").first()
    assert (meeting.kind, meeting.decisions, meeting.created_by) == (
        MeetingKind.GROUP,
        "Run the audit again in March.",
        users["manager"],
    )
    assert set(meeting.attendees.all()) == {users["manager"], users["member"]}
    action = meeting.actions.get()
    assert (action.title, action.goal, action.owner) == (
        "Book the March audit",
        goal,
        users["member"],
    )
    page = page_text(as_user("sponsor").get(meeting.get_absolute_url()))
    assert "Book the March audit : Mo Farah" in page
    assert "Jo Bright, service user representative" in page


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("group", {"held_on": ""}, "Give the date of the meeting."),
        ("group", {"held_on": "2099-01-01"}, "Give a date within the next year."),
        ("group", {"decisions": "Agreed."}, "Record the decisions once the meeting has been held."),
        ("working_group", {}, "Choose the goal whose working group met."),
        ("group", {"agenda": "About 943 476 5919."}, "NHS number"),
    ],
)
def test_a_bad_meeting_is_refused_and_nothing_saved(kind, change, message, as_user, ashby):
    before = Meeting.objects.count()
    data = {
        "kind": kind,
        "held_on": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "agenda": "The plan.",
    }
    data.update(change)
    response = as_user("facilitator").post(new_url(ashby, kind), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert Meeting.objects.count() == before


def test_only_the_teams_people_and_sponsors_are_recorded_as_coming(as_user, ashby, users):
    before = Meeting.objects.count()
    response = as_user("manager").post(
        new_url(ashby),
        {"kind": "group", "held_on": "2026-06-01", "attendees": [str(users["other"].pk)]},
    )
    assert response.status_code == 400
    assert Meeting.objects.count() == before


def test_the_action_itself_refuses_someone_outside_the_team(ashby, users):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.save_meeting(
            team=ashby,
            by=users["manager"],
            kind="group",
            held_on=datetime.date(2026, 6, 1),
            attendees=[users["other"]],
        )
    assert "attendees" in refused.value.message_dict
    assert Meeting.objects.count() == before


def test_an_incomplete_agreed_action_refuses_the_whole_meeting(as_user, ashby):
    goal = a_goal(ashby)
    meetings, actions = Meeting.objects.count(), Action.objects.count()
    response = as_user("manager").post(
        new_url(ashby),
        {
            "kind": "group",
            "held_on": timezone.localdate().isoformat(),
            "decisions": "Agreed the audit.",
            "follow_up": "Book the audit",
            "follow_up_goal": str(goal.pk),
        },
    )
    assert response.status_code == 400
    assert "Every action needs a named owner" in page_text(response)
    assert (Meeting.objects.count(), Action.objects.count()) == (meetings, actions)


def test_the_scoping_days_priorities_come_first_when_the_team_starts_its_plan(
    as_user, ashby, programme
):
    scoping = Meeting.objects.get(team=ashby, kind=MeetingKind.SCOPING)
    assert sorted(scoping.priorities.values_list("number", flat=True)) == [6, 12, 14]
    ashby.plans.update(status=PlanStatus.CLOSED)
    url = reverse("plan_start", args=[programme.slug, ashby.slug])
    html = as_user("manager").get(url).content.decode()
    text = page_text(as_user("manager").get(url))
    day = f"{scoping.held_on.day} {scoping.held_on:%B %Y}"
    assert f"Chosen as a priority at the scoping day on {day}." in text
    boxes = [int(n) for n in re.findall(r'name="items" type="checkbox" value="(\d+)"', html)]
    chosen = [n for n in boxes if n in {6, 12, 14}]
    assert chosen and boxes[: len(chosen)] == chosen  # offered first
    for number in chosen:  # and ticked
        assert re.search(rf'name="items" type="checkbox" value="{number}" checked', html)


def test_a_meeting_to_come_is_on_its_attendees_home_page_with_a_calendar_file(as_user, ashby):
    upcoming = Meeting.objects.filter(team=ashby, held_on__gt=timezone.localdate()).get()
    text = page_text(as_user("member").get("/"))
    assert "Meeting to come: Service improvement group (Ashby Crisis Resolution Team)" in text
    assert "Meeting to come" not in page_text(as_user("sponsor").get("/"))
    response = as_user("member").get(reverse("support_meeting_ics", args=[upcoming.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert f"DTSTART;VALUE=DATE:{upcoming.held_on:%Y%m%d}" in body
    assert "SUMMARY:Ashby Crisis Resolution Team: Service improvement group" in body


def test_the_meeting_form_offers_an_agreed_action_with_its_fields(as_user, ashby):
    html = as_user("manager").get(new_url(ashby)).content.decode()
    for name in ("follow_up", "follow_up_goal", "follow_up_owner", "follow_up_due"):
        assert f'name="{name}"' in html
