"""Facilitation's panel on the team page: its engagement indicator with the reasons, its
latest contact, and the way into its facilitation page."""

from django.urls import reverse
from django.utils import timezone

from fidelis.pages import Panel
from fidelis.support import access
from fidelis.support.engagement import indicators_for


def team_panel(user, team) -> Panel | None:
    if not access.can_view_support(user, team):
        return None
    programme = team.organisation.programme
    return Panel(
        "Facilitation and engagement",
        "support/_team_panel.jinja",
        {
            "indicator": indicators_for(programme, [team.pk], timezone.localdate())[team.pk],
            "last": access.contacts_of(team).first(),
            "href": reverse("team_support", args=[programme.slug, team.slug]),
            "log_href": reverse("support_contact_new", args=[programme.slug, team.slug])
            if access.can_log_contact(user, team)
            else None,
        },
    )
