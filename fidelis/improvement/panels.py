"""The plans' panel on the team page: where the team's plan stands, and a way into it."""

from django.urls import reverse

from fidelis.improvement import access
from fidelis.improvement.models import Plan, PlanStatus
from fidelis.pages import Panel


def team_panel(user, team) -> Panel | None:
    if not access.can_view_plans(user, team):
        return None
    current = Plan.objects.filter(team=team).exclude(status=PlanStatus.CLOSED).first()
    return Panel(
        "Service improvement plan",
        "improvement/_team_panel.jinja",
        {
            "plan": current,
            "href": reverse("team_plan", args=[team.organisation.programme.slug, team.slug]),
            "can_start": current is None and access.can_edit_plans(user, team),
        },
    )
