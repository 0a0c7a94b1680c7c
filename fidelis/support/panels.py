"""Facilitation's panel on the team page: its engagement indicator with the reasons, and
the way into its facilitation page and to log a contact."""

from django.urls import reverse
from django.utils import timezone

from fidelis.lib.engagement import indicator
from fidelis.pages import Panel
from fidelis.support import access
from fidelis.support.engagement import facts_for


def team_panel(user, team) -> Panel | None:
    if not access.can_view_support(user, team):
        return None
    programme = team.organisation.programme
    facts = facts_for(programme, [team.pk], timezone.localdate())[team.pk]
    return Panel(
        "Facilitation and engagement",
        "support/_team_panel.jinja",
        {
            "facts": facts,
            "indicator": indicator(facts),
            "href": reverse("team_support", args=[programme.slug, team.slug]),
            "log_href": reverse("support_contact_new", args=[programme.slug, team.slug])
            if access.can_log_contact(user, team)
            else None,
        },
    )
