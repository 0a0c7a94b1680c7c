"""The library's and the reminders' part of the header and the home page: the library
and the notifications (with their count) in the header; shared resources to approve for
the lead; a team's resources not approved; the way to share good practice."""

from __future__ import annotations

from django.urls import reverse

from fidelis.pages import HomePage, Link
from fidelis.programmes.models import Role
from fidelis.resources import access, library
from fidelis.resources.models import Status
from fidelis.resources.notify import unread_count


def navigation(user) -> list[Link]:
    unread = unread_count(user)
    return [
        Link("Resources", reverse("library_start")),
        Link(f"Notifications ({unread})" if unread else "Notifications", reverse("notifications")),
    ]


def next_steps(page: HomePage) -> None:
    offered: set[int] = set()
    for section in page.sections:
        programme = section.programme
        if section.role == Role.LEAD:
            waiting = library.awaiting([programme.pk]).count()
            if waiting:
                section.next_steps.append(
                    Link(
                        f"Approve or decline {waiting} resource{'s' if waiting != 1 else ''} "
                        "shared by teams",
                        reverse("resource_approvals", args=[programme.slug]),
                        "Other teams see a team's resource only once you approve it.",
                    )
                )
            section.links.append(
                Link(
                    "How the library is used: resources and low items nobody opened",
                    reverse("resource_usage", args=[programme.slug]),
                )
            )
        if section.role in access.SHARERS:
            teams = [m.team for m in section.memberships if m.team is not None]
            for found in library.shared_by_teams(page.user, programme, teams):
                if found.status == Status.DECLINED:
                    section.next_steps.append(
                        Link(
                            f"Not approved yet: {found.title}",
                            found.get_absolute_url(),
                            "Read the lead's reason, change it and it is asked again.",
                        )
                    )
        if programme.pk not in offered:
            offered.add(programme.pk)
            section.links.append(
                Link(
                    "Resource library: guides, templates and examples for each item",
                    reverse("library", args=[programme.slug]),
                )
            )
            if section.role in access.SHARERS:
                section.links.append(
                    Link(
                        "Share your team's good practice with other teams",
                        reverse("resource_share", args=[programme.slug]),
                    )
                )
