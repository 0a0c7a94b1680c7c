"""Who may see, add, share, approve and count resources, and read their own reminders.
Every resources view decides access here.

Rules, in words:
- A programme's library is open to everyone with a role in the programme. The programme
  lead adds, changes and removes the programme's own resources.
- A team may share its own good practice: its managers, members and facilitators share a
  resource for the team. Until the lead approves it, it is seen only by the lead and by
  the sharing team's managers, members and facilitators; other teams never see it, and do
  not learn it exists. A declined resource stays with the sharing team, with the lead's
  reason. An approved one is in everyone's library, under the team's name only when the
  team agreed; the sharing team and the lead always see whose it is.
- A file is downloaded only by someone who may see its resource.
- Usage is counted per team, never per person; the lead sees it for every team and the
  network (the page and its CSV).
- A person's notifications and digest settings are theirs alone.

Denied is 404 for a resource the user may not know exists, 403 otherwise.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fidelis.programmes import access as programme_access
from fidelis.programmes.models import Programme, Role, Team
from fidelis.resources.models import Notification, Resource, Status

#: Team roles that may share a resource for their team and see it before approval.
SHARERS = frozenset({Role.TEAM_MANAGER, Role.TEAM_MEMBER, Role.FACILITATOR})
#: Team roles whose opening a resource counts as the team's use.
TEAM_STAFF = frozenset({Role.TEAM_MANAGER, Role.TEAM_MEMBER})


def _visible_q(user) -> Q:
    s = programme_access.scopes(user)
    return (
        Q(programme_id__in=s.programmes_with(Role.LEAD))
        | Q(programme_id__in=s.programmes_with(), status=Status.PUBLISHED)
        | Q(shared_by_id__in=s.teams_with(*SHARERS))
    )


def resources_visible_to(user, queryset=None):
    queryset = Resource.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(_visible_q(user))


def sees_whole_library(user, programme: Programme) -> bool:
    """Everyone with a role in the programme (and an administrator) sees every published
    resource in its library; nobody else sees any."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(programme_access.scopes(user).roles_in_programme(programme.pk))


def can_view_resource(user, resource: Resource) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    s = programme_access.scopes(user)
    if Role.LEAD in s.roles_in_programme(resource.programme_id):
        return True
    if resource.shared_by_id and s.roles_in_team(resource.shared_by_id) & SHARERS:
        return True
    return resource.status == Status.PUBLISHED and bool(s.roles_in_programme(resource.programme_id))


def can_manage_library(user, programme: Programme) -> bool:
    return programme_access.is_lead(user, programme)


def can_change_resource(user, resource: Resource) -> bool:
    """The lead changes any resource; until the lead approves a shared one, the person who
    shared it (while still in the team) and the team's managers change it."""
    if programme_access.is_lead(user, resource.programme):
        return True
    if not resource.shared_by_id or resource.status == Status.PUBLISHED:
        return False
    roles = programme_access.scopes(user).roles_in_team(resource.shared_by_id)
    return Role.TEAM_MANAGER in roles or bool(resource.added_by_id == user.pk and roles & SHARERS)


def can_decide(user, resource: Resource) -> bool:
    return resource.status == Status.PENDING and programme_access.is_lead(user, resource.programme)


def shows_sharer(user, resource: Resource) -> bool:
    """Whether the user sees which team shared a resource."""
    if resource.shared_by_id is None:
        return False
    if resource.show_team_name and resource.status == Status.PUBLISHED:
        return True
    s = programme_access.scopes(user)
    return bool(
        user.is_superuser
        or Role.LEAD in s.roles_in_programme(resource.programme_id)
        or s.roles_in_team(resource.shared_by_id) & SHARERS
    )


def teams_sharing_for(user, programme: Programme) -> list[Team]:
    """The teams the user may share a resource for, in the programme."""
    if not user.is_authenticated:
        return []
    ids = programme_access.scopes(user).teams_with(*SHARERS)
    return list(
        Team.objects.filter(pk__in=ids, organisation__programme=programme).order_by("name", "pk")
    )


def using_team(user, programme_id: int, team_id: int | None) -> int | None:
    """The team whose use an opening counts as: the team named by the page the person came
    from when they are on its staff, else their one team in the programme, else none."""
    staff = programme_access.scopes(user).teams_with(*TEAM_STAFF)
    if not staff:
        return None
    in_programme = set(
        Team.objects.filter(pk__in=staff, organisation__programme_id=programme_id).values_list(
            "pk", flat=True
        )
    )
    if team_id in in_programme:
        return team_id
    return next(iter(in_programme)) if len(in_programme) == 1 else None


# One object, or 404/403 ---------------------------------------------------------------------


def programme_for_library(user, slug: str) -> Programme:
    return programme_access.programme_for_view(user, slug)


def programme_for_library_management(user, slug: str) -> Programme:
    programme = programme_access.programme_for_view(user, slug)
    if not can_manage_library(user, programme):
        raise PermissionDenied("Only the programme lead adds to the programme's library.")
    return programme


def programme_for_sharing(user, slug: str) -> Programme:
    programme = programme_access.programme_for_view(user, slug)
    if not teams_sharing_for(user, programme) and not can_manage_library(user, programme):
        raise PermissionDenied(
            "Resources are shared by a team's managers, members and facilitators."
        )
    return programme


def programme_for_usage(user, slug: str) -> Programme:
    programme = programme_access.programme_for_view(user, slug)
    if not programme_access.is_lead(user, programme):
        raise PermissionDenied("Only the programme lead sees how the library is used.")
    return programme


def _resource(pk: int) -> Resource | None:
    return (
        Resource.objects.select_related("programme__scale", "shared_by__organisation")
        .filter(pk=pk)
        .first()
    )


def resource_for_view(user, pk: int) -> Resource:
    found = _resource(pk)
    if found is None or not can_view_resource(user, found):
        raise Http404("No such resource")
    return found


def resource_for_edit(user, pk: int) -> Resource:
    found = resource_for_view(user, pk)
    if not can_change_resource(user, found):
        raise PermissionDenied(
            "Only the programme lead changes this resource"
            + (
                "; the team that shared it may change it until it is approved."
                if found.shared_by_id
                else "."
            )
        )
    return found


def resource_for_decision(user, pk: int) -> Resource:
    """A shared resource for the lead to decide on (one already decided is returned too:
    the page says so)."""
    found = resource_for_view(user, pk)
    if not found.shared_by_id or not programme_access.is_lead(user, found.programme):
        raise PermissionDenied("Only the programme lead approves a shared resource.")
    return found


def notifications_of(user):
    """The person's notifications still in their list."""
    return Notification.objects.filter(user=user, cleared_at__isnull=True)


def notification_for_user(user, pk: int) -> Notification:
    found = Notification.objects.filter(user=user, pk=pk).first() if user.is_authenticated else None
    if found is None:
        raise Http404("No such notification")
    return found
