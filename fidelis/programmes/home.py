"""The programmes' part of the home page: one section per role a person holds in a
programme, with the programme's own next steps. Later apps add theirs to these sections
(settings.FIDELIS_HOME lists the contributions in order)."""

import datetime

from django.urls import reverse

from fidelis.pages import HomePage, Link, Section
from fidelis.programmes import access
from fidelis.programmes.models import Invitation, Membership, Programme, Role, Team


def next_timepoint(programme: Programme, today: datetime.date):
    for timepoint in programme.timepoints.all():
        if timepoint.due_date >= today:
            return timepoint
    return None


def sections(page: HomePage) -> None:
    """Add a section for each role the user holds in each programme."""
    memberships = list(
        Membership.objects.filter(user=page.user)
        .select_related("programme", "team__organisation__programme", "organisation")
        .prefetch_related("programme__timepoints")
        .order_by("programme__name", "role")
    )
    builders = {
        Role.LEAD: _lead,
        Role.FACILITATOR: _facilitator,
        Role.REVIEWER: _reviewer,
        Role.EXPERT_REVIEWER: _reviewer,
        Role.TEAM_MANAGER: _team_person,
        Role.TEAM_MEMBER: _team_person,
        Role.SPONSOR: _sponsor,
        Role.EVALUATOR: _evaluator,
    }
    grouped: dict[tuple[int, str], list[Membership]] = {}
    for membership in memberships:
        grouped.setdefault((membership.programme_id, membership.role), []).append(membership)
    for (_, role), group in grouped.items():
        section = builders[role](page.user, group, page.today)
        section.memberships = group
        page.sections.append(section)


def navigation(user) -> list[Link]:
    """Header links: the user's programmes (three at most) and, for a lead, its people."""
    links = []
    programmes = list(access.programmes_visible_to(user).only("slug", "name")[:3])
    for programme in programmes:
        links.append(
            Link(
                programme.name if len(programmes) > 1 else "Programme",
                programme.get_absolute_url(),
            )
        )
        if access.can_manage_programme(user, programme):
            links.append(Link("People", reverse("people", args=[programme.slug])))
    return links


def _timeline_fact(programme: Programme, today) -> tuple[str, str]:
    upcoming = next_timepoint(programme, today)
    if upcoming is None:
        return ("Review timeline", "All review timepoints have passed")
    return ("Review timeline", f"Next: {upcoming.label}, due {upcoming.due_date:%-d %B %Y}")


def _lead(user, group, today) -> Section:
    programme = group[0].programme
    teams = Team.objects.in_programme(programme)
    supported = Membership.objects.filter(programme=programme, role=Role.FACILITATOR)
    unsupported = list(
        teams.exclude(pk__in=supported.values("team_id")).values_list("name", "slug")[:5]
    )
    pending = Invitation.objects.filter(programme=programme).pending().count()
    section = Section(
        role=Role.LEAD,
        title=f"Programme lead: {programme.name}",
        programme=programme,
        intro="You set up the programme and see everything in it.",
        facts=[
            ("Teams", str(teams.count())),
            ("Organisations", str(programme.organisations.count())),
            ("Invitations waiting", str(pending)),
            _timeline_fact(programme, today),
        ],
        links=[
            Link("Programme overview", programme.get_absolute_url()),
            Link("People and invitations", reverse("people", args=[programme.slug])),
            Link("Invite someone", reverse("invite", args=[programme.slug])),
            Link("Add a team", reverse("team_create", args=[programme.slug])),
        ],
    )
    for name, _slug in unsupported:
        section.next_steps.append(
            Link(
                f"Assign a facilitator to {name}",
                reverse("invite", args=[programme.slug]),
                "This team has no facilitator yet.",
            )
        )
    return section


def _facilitator(user, group, today) -> Section:
    programme = group[0].programme
    section = Section(
        role=Role.FACILITATOR,
        title=f"Facilitator: {programme.name}",
        programme=programme,
        intro="You support these teams through the programme.",
        facts=[_timeline_fact(programme, today)],
    )
    for membership in group:
        section.links.append(
            Link(
                membership.team.name,
                membership.team.get_absolute_url(),
                membership.team.organisation.name,
            )
        )
    return section


def _reviewer(user, group, today) -> Section:
    programme = group[0].programme
    label = Role(group[0].role).label
    section = Section(
        role=group[0].role,
        title=f"{label}: {programme.name}",
        programme=programme,
        intro="You rate teams at fidelity reviews, agree consensus scores and write reports.",
        facts=[_timeline_fact(programme, today)],
        links=[Link("Teams in the programme", programme.get_absolute_url())],
    )
    return section


def _team_person(user, group, today) -> Section:
    membership = group[0]
    team = membership.team
    programme = membership.programme
    is_manager = membership.role == Role.TEAM_MANAGER
    section = Section(
        role=membership.role,
        title=f"{Role(membership.role).label}: {team.name}",
        programme=programme,
        intro=(
            "You own your team's improvement work: its results, its plan and who does what."
            if is_manager
            else "See your team's results and the work you have taken on."
        ),
        facts=[_timeline_fact(programme, today)],
        links=[
            Link("Your team", team.get_absolute_url()),
            Link("The programme", programme.get_absolute_url()),
        ],
    )
    if is_manager and (team.staff_count is None or not team.area_served):
        section.next_steps.append(
            Link(
                "Complete your team's details",
                reverse("team_edit", args=[programme.slug, team.slug]),
                "Reviewers and benchmarks use the team's size and the area it serves.",
            )
        )
    return section


def _sponsor(user, group, today) -> Section:
    membership = group[0]
    organisation = membership.organisation
    section = Section(
        role=Role.SPONSOR,
        title=f"Senior sponsor: {organisation.name}",
        programme=membership.programme,
        intro="You follow your organisation's crisis teams through the programme: their "
        "fidelity reviews and feedback reports.",
        facts=[_timeline_fact(membership.programme, today)],
        links=[Link("Your organisation", organisation.get_absolute_url())],
    )
    for team in organisation.teams.all():
        section.links.append(Link(team.name, team.get_absolute_url()))
    return section


def _evaluator(user, group, today) -> Section:
    programme = group[0].programme
    teams = Team.objects.in_programme(programme).count()
    section = Section(
        role=Role.EVALUATOR,
        title=f"Evaluator: {programme.name}",
        programme=programme,
        intro="You see pseudonymised programme data for the process and outcome evaluation.",
        facts=[("Teams taking part", str(teams)), _timeline_fact(programme, today)],
        links=[Link("Programme overview (pseudonymised)", programme.get_absolute_url())],
    )
    return section
