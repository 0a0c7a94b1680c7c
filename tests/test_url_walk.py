"""Every URL pattern, as every demo persona, pointed at their own programme and at a
second programme none of them belongs to.

The second programme's objects must stay unknown to every persona (404, for a GET and for
a POST alike), and no page anywhere may fail. So an app that adds a page without its
access rule fails here before anyone can use the hole."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from fidelis.demo import DEMO_SLUG, build_seed, remove_programme
from fidelis.improvement import actions as plan_actions
from fidelis.improvement.models import GroupMember, Plan, PlanStatus
from fidelis.improvement.suggest import candidates
from fidelis.outcomes.actions import add_starter_measures
from fidelis.outcomes.models import Measure, Rebase
from fidelis.programmes import actions as programme_actions
from fidelis.programmes.models import Membership, Programme, Role, Team
from fidelis.resources import actions as resource_actions
from fidelis.resources.models import Notification
from fidelis.reviews.models import Review, Status
from fidelis.support import actions as support_actions
from fidelis.support.models import Contact
from tests.conftest import PERSONA_NAMES

SECOND = "walk-second-programme"
# Admin and sign-in pages are allauth's and Django's, tested in tests/accounts/.
SKIPPED_PREFIXES = ("accounts/", "admin/")
# Opened by anyone holding the link: the invitation token is the permission.
PUBLIC_BY_TOKEN = {"accept_invitation"}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.name

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    ]


def fill(route: str, values: dict) -> str:
    """The route with each parameter replaced by the value for it (a scale's slug on
    scale pages, the programme's elsewhere)."""
    own = dict(values)
    if route.startswith("scales/"):
        own["slug"] = values["scale_slug"]
    return "/" + PARAMETER.sub(lambda m: str(own[m.group(1)]), route)


def a_plan_for(team: Team, by):
    """The team's plan in progress, or a new one from its latest finalised review, with an
    action owned by someone in the team."""
    plan = Plan.objects.filter(team=team).exclude(status=PlanStatus.CLOSED).first()
    if plan is None:
        finalised = (
            Review.objects.filter(team=team, status=Status.FINALISED)
            .order_by("-visit_date")
            .first()
        )
        first = candidates(finalised)[0]
        plan = plan_actions.start_plan(
            team=team,
            review=finalised,
            chosen=[{"item": finalised.scale.items.get(number=first.number)}],
            by=by,
        )
    goal = plan.goals.first()
    action = goal.actions.first() or plan_actions.save_action(
        goal=goal,
        title="Walk every page",
        owner=Membership.objects.filter(team=team).first().user,
        due_on=plan.starts_on + datetime.timedelta(days=30),
        hours=Decimal("2"),
        reason="A change for the walk.",
        by=by,
    )
    member = GroupMember.objects.filter(team=team).first() or GroupMember.objects.create(
        team=team, name="Walk Member", role="lived_experience"
    )
    return plan, goal, action, member


def a_rebase_for(programme: Programme, team: Team, by) -> tuple[Measure, Rebase]:
    """A measure of the programme and a rebase of the team's chart of it."""
    measure = (
        Measure.objects.filter(programme=programme).first()
        or (add_starter_measures(programme=programme)[0])
    )
    rebase, _ = Rebase.objects.get_or_create(
        measure=measure,
        team=team,
        period=datetime.date(2026, 1, 1),
        defaults={"reason": "A change for the walk.", "created_by": by},
    )
    return measure, rebase


def a_contact_for(team: Team, by) -> Contact:
    """A facilitation contact with the team, logged by the programme lead."""
    return support_actions.save_contact(
        team=team,
        by=by,
        happened_on=datetime.date(2026, 1, 12),
        mode="visit",
        minutes=90,
        took_part=["manager"],
        goals=[],
        items=[],
        notes="A visit for the walk.",
        today=datetime.date(2026, 1, 12),
    )


def values_for(programme: Programme, *, review: Review, team: Team, person, by) -> dict:
    plan, goal, action, member = a_plan_for(team, by)
    measure, rebase = a_rebase_for(programme, team, by)
    contact = a_contact_for(team, by)
    meeting = support_actions.save_meeting(
        team=team, by=by, kind="group", held_on=datetime.date(2026, 1, 20), attendees=[]
    )
    event = support_actions.save_event(
        programme=programme,
        by=by,
        title="A learning event for the walk",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=timezone.now() + datetime.timedelta(days=30, hours=5),
        place="The walk's hall",
        invited_roles=["team_manager", "team_member", "facilitator", "sponsor"],
        organisations=[],
        topics=[],
    )
    shared = support_actions.add_event_file(
        event=event, upload=SimpleUploadedFile("walk.pdf", b"%PDF-1.4 walk"), by=by
    )
    resource = resource_actions.save_resource(
        programme=programme,
        by=by,
        title="A resource for the walk",
        kind="guide",
        audience="staff",
        use_when="When walking every address",
        body="Every page, every persona.",
        items=[programme.scale.items.get(number=1)],
    )
    notification = Notification.objects.create(
        user=person, key=f"walk:{programme.pk}", kind="action_due", text="Walk", href="/"
    )
    invitation = programme_actions.invite(
        programme=programme,
        email=f"walk-{programme.slug}@example.org",
        role=Role.EVALUATOR,
        invited_by=by,
    )
    return {
        "slug": programme.slug,
        "org_slug": team.organisation.slug,
        "team_slug": team.slug,
        "timepoint_id": review.timepoint_id,
        "invitation_id": invitation.pk,
        "token": invitation.token,
        "person_id": person.pk,
        "pk": review.pk,
        "item_id": review.preparation.first().pk,
        "number": 1,
        "scale_slug": review.scale.slug,
        "version": review.scale.version,
        "kind": "long",
        "fmt": "csv",
        "plan_id": plan.pk,
        "goal_id": goal.pk,
        "action_id": action.pk,
        "member_id": member.pk,
        "measure_id": measure.pk,
        "rebase_id": rebase.pk,
        "contact_id": contact.pk,
        "meeting_id": meeting.pk,
        "event_id": event.pk,
        "file_id": shared.pk,
        "resource_id": resource.pk,
        "notification_id": notification.pk,
    }


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo = Programme.objects.get(slug=DEMO_SLUG)
        lead = Membership.objects.get(programme=demo, role=Role.LEAD).user
        corran = Review.objects.get(team__slug="corran-home-treatment-team", timepoint__key="12m")
        mine = values_for(
            demo,
            review=corran,
            team=corran.team,
            person=Membership.objects.get(
                programme=demo, role=Role.TEAM_MEMBER, user__username="member"
            ).user,
            by=lead,
        )
        build = build_seed(teams=4, seed=7, reviews=1, slug=SECOND)
        second = build.programme
        other_review = Review.objects.filter(
            team__organisation__programme=second, status=Status.FINALISED
        ).first()
        stranger = Membership.objects.filter(programme=second, role=Role.TEAM_MEMBER).first().user
        theirs = values_for(
            second,
            review=other_review,
            team=other_review.team,
            person=stranger,
            by=build.people["lead"][0],
        )
        try:
            yield {"mine": mine, "theirs": theirs}
        finally:
            remove_programme(second)


def client_for(persona, django_db_blocker) -> Client:
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        user = get_user_model().objects.get(username=persona)
        client = Client(raise_request_exception=False)
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_no_persona_can_reach_anything_of_a_programme_they_are_not_in(
    persona, places, django_db_blocker
):
    client = client_for(persona, django_db_blocker)
    opened = {}
    with django_db_blocker.unblock():
        for route, name in routes():
            if "<" not in route or name in PUBLIC_BY_TOKEN or route.startswith("scales/"):
                continue
            path = fill(route, places["theirs"])
            for method in (client.get, client.post):
                status = method(path).status_code
                # 405 answers a GET to a POST-only address before any lookup, the same for
                # every id, so it reveals nothing.
                if status != 404 and not (method == client.get and status == 405):
                    opened[f"{method.__name__.upper()} {path} ({name})"] = status
    assert opened == {}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_no_page_fails_for_any_persona_in_their_own_programme(persona, places, django_db_blocker):
    client = client_for(persona, django_db_blocker)
    failures = {}
    with django_db_blocker.unblock():
        for route, name in routes():
            if name in {"review_report_pdf", "team_dashboard_pdf", "plan_pdf", "scale_download"}:
                continue  # tested on their own: a PDF takes a second to render
            path = fill(route, places["mine"])
            status = client.get(path).status_code
            if status >= 500 or status not in {200, 302, 403, 404, 405, 410}:
                failures[f"GET {path} ({name})"] = status
    assert failures == {}


def test_the_walk_covers_every_kind_of_object():
    covered = {m.group(1) for route, _ in routes() for m in PARAMETER.finditer(route)}
    assert covered <= {
        "slug",
        "org_slug",
        "team_slug",
        "timepoint_id",
        "invitation_id",
        "token",
        "person_id",
        "pk",
        "item_id",
        "number",
        "version",
        "kind",
        "fmt",
        "plan_id",
        "goal_id",
        "action_id",
        "member_id",
        "measure_id",
        "rebase_id",
        "contact_id",
        "meeting_id",
        "event_id",
        "file_id",
        "resource_id",
        "notification_id",
    }, "a new URL parameter: give the walk a value for it"
