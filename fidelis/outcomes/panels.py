"""The measures' panel on the team page: the latest reading of each chart, in words."""

from django.urls import reverse

from fidelis.outcomes import access
from fidelis.pages import Panel


def team_panel(user, team) -> Panel | None:
    if not access.can_view_measures(user, team):
        return None
    programme = team.organisation.programme
    if not access.has_measures(programme):
        return None
    return Panel(
        "Measures",
        "outcomes/_team_panel.jinja",
        {
            "href": reverse("team_measures", args=[programme.slug, team.slug]),
            "months": access.months_with_values(team),
        },
    )
