"""The benchmarks' part of the shared pages: links to the dashboards."""

from django.urls import reverse

from fidelis.benchmarks import access
from fidelis.pages import HomePage, Link
from fidelis.programmes.models import Role

TEAM_ROLES_WITH_DASHBOARD = {Role.TEAM_MANAGER, Role.TEAM_MEMBER, Role.FACILITATOR}


def links(page: HomePage) -> None:
    """The programme dashboard for those who have one; each team's own dashboard."""
    offered = set()
    for section in page.sections:
        programme = section.programme
        first = []
        if (
            programme.pk not in offered
            and access.dashboard_scope(page.user, programme) is not None
            and section.role != Role.TEAM_MEMBER
            and section.role != Role.TEAM_MANAGER
        ):
            offered.add(programme.pk)
            first.append(
                Link(
                    "Programme dashboard: where the teams stand",
                    reverse("programme_dashboard", args=[programme.slug]),
                )
            )
        if section.role in TEAM_ROLES_WITH_DASHBOARD:
            for team in sorted((m.team for m in section.memberships), key=lambda t: t.name):
                first.append(
                    Link(
                        f"Dashboard: {team.name}"
                        if section.role == Role.FACILITATOR
                        else "Your team's dashboard: where it stands and how it has moved",
                        reverse("team_dashboard", args=[programme.slug, team.slug]),
                    )
                )
        # First in the section, the teams by name (as the section lists them).
        section.links[0:0] = first
