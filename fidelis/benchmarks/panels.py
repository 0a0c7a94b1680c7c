"""The benchmarks' panel on the team page: a way into the team's dashboard."""

from django.urls import reverse

from fidelis.benchmarks import access
from fidelis.pages import Panel


def team_panel(user, team) -> Panel | None:
    if not access.can_view_team_dashboard(user, team):
        return None
    return Panel(
        "Dashboard",
        "benchmarks/_team_panel.jinja",
        {"href": reverse("team_dashboard", args=[team.organisation.programme.slug, team.slug])},
    )
