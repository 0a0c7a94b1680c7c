"""Facilitation's part of the home page: a facilitator's teams with no contact this month
and teams turning amber or red; the way to log a contact; a sponsor's drifting teams."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from fidelis.lib.engagement import GREEN, RED, indicator
from fidelis.pages import HomePage, Link
from fidelis.programmes.models import Role
from fidelis.support import access
from fidelis.support.engagement import facts_for, indicators_for

#: How many teams a next-step list names before pointing to the caseload.
TEAM_LIMIT = 5


def _support_url(programme, team) -> str:
    return reverse("team_support", args=[programme.slug, team.slug])


def next_steps(page: HomePage) -> None:
    _meetings_to_come(page)
    _events(page)
    for section in page.sections:
        programme = section.programme
        if section.role == Role.FACILITATOR:
            _facilitator(section, page.today)
        elif section.role == Role.SPONSOR:
            _sponsor(section, page.today)
        elif section.role == Role.LEAD:
            section.links.append(
                Link(
                    "Facilitators' caseloads: time with each team, and who is drifting",
                    reverse("support_caseloads", args=[programme.slug]),
                )
            )
        elif section.role in (Role.TEAM_MANAGER, Role.TEAM_MEMBER):
            for membership in section.memberships:
                if membership.team is not None:
                    section.links.append(
                        Link(
                            "Your team's facilitation and engagement",
                            _support_url(programme, membership.team),
                        )
                    )


def _facilitator(section, today) -> None:
    programme = section.programme
    teams = {m.team.pk: m.team for m in section.memberships if m.team is not None}
    if not teams:
        return
    facts = facts_for(programme, list(teams), today)
    quiet = {team_id for team_id, f in facts.items() if not f.month_contacts}
    indicators = {team_id: indicator(f) for team_id, f in facts.items()}
    steps = []
    for team_id in sorted(quiet, key=lambda t: teams[t].name):
        team = teams[team_id]
        steps.append(
            Link(
                f"No contact yet this month: {team.name}",
                reverse("support_contact_new", args=[programme.slug, team.slug]),
                "Log a contact once you have been in touch.",
            )
        )
    for team_id, found in sorted(indicators.items(), key=lambda kv: teams[kv[0]].name):
        if found.level != GREEN:
            steps.append(
                Link(
                    f"{found.words}: {teams[team_id].name}",
                    _support_url(programme, teams[team_id]),
                    " ".join(r.text for r in found.concerns),
                )
            )
    caseload_url = reverse("support_caseload", args=[programme.slug])
    section.next_steps.extend(steps[:TEAM_LIMIT])
    if len(steps) > TEAM_LIMIT:
        section.next_steps.append(
            Link(f"{len(steps) - TEAM_LIMIT} more of your teams need a look", caseload_url)
        )
    section.links.insert(0, Link("Log a contact", reverse("support_log", args=[programme.slug])))
    section.links.insert(1, Link("Your caseload", caseload_url))


def _sponsor(section, today) -> None:
    programme = section.programme
    organisations = [m.organisation_id for m in section.memberships if m.organisation_id]
    teams = {t.pk: t for t in access.teams_of_organisations(organisations)}
    if not teams:
        return
    for team_id, found in sorted(
        indicators_for(programme, list(teams), today).items(), key=lambda kv: teams[kv[0]].name
    ):
        if found.level == RED:
            section.next_steps.append(
                Link(
                    f"{found.words}: {teams[team_id].name}",
                    _support_url(programme, teams[team_id]),
                    " ".join(r.text for r in found.concerns)
                    + " The teams we follow found senior support essential.",
                )
            )


def _meetings_to_come(page: HomePage) -> None:
    """Meetings the person is down to attend, in the first section of their programme."""
    meetings = list(access.upcoming_meetings_for(page.user, page.today)[:TEAM_LIMIT])
    shown: set[int] = set()
    for section in page.sections:
        programme_id = section.programme.pk
        if programme_id in shown:
            continue
        shown.add(programme_id)
        for meeting in meetings:
            if meeting.team.organisation.programme_id == programme_id:
                section.next_steps.append(
                    Link(
                        f"Meeting {'today' if meeting.held_on == page.today else 'to come'}: "
                        f"{meeting.title} ({meeting.team.name})",
                        meeting.get_absolute_url(),
                        f"{meeting.held_on.day} {meeting.held_on:%B %Y}."
                        + (
                            " Add it to your calendar from its page."
                            if meeting.held_on > page.today
                            else ""
                        ),
                    )
                )


def _events(page: HomePage) -> None:
    """The events the person is registered for, and a way to the programme's events, in
    the first section of each programme."""
    mine = list(access.upcoming_events_for(page.user, page.today)[:TEAM_LIMIT])
    shown: set[int] = set()
    for section in page.sections:
        programme = section.programme
        if programme.pk in shown:
            continue
        shown.add(programme.pk)
        for event in mine:
            if event.programme_id == programme.pk:
                section.next_steps.append(
                    Link(
                        f"Learning event: {event.title}",
                        event.get_absolute_url(),
                        f"{date_format(timezone.localtime(event.starts_at), 'j F Y, H:i')}. "
                        "You are registered.",
                    )
                )
        section.links.append(
            Link(
                "Learning events: meet the other teams",
                reverse("support_events", args=[programme.slug]),
            )
        )
