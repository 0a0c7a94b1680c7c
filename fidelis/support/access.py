"""Who may see and log facilitation. Every support view decides access here.

Rules, in words:
- A team's facilitation (its contacts, with their notes, and its engagement indicator) is
  open to the programme lead, the team's facilitators, managers and members, and the
  senior sponsors of its organisation: a team sees its own and no other team's.
  Reviewers and evaluators do not see it.
- The team's facilitators and the programme lead log contacts with the team. A contact is
  changed or removed by the person who logged it or by the lead.
- A team's meetings (its service improvement group, its working groups, its scoping day)
  are open to the same people as its contacts, and recorded by the team's managers and
  facilitators and the programme lead.
- A learning event is open to the people it invites (by role, and by organisation when it
  names any) and to the programme lead, who plans it, sees each invitee's registration,
  takes attendance and shares the notes. An invitee registers while there is room and the
  event has not started.
- A facilitator's caseload (their teams, time spent against the agreed dose, each team's
  indicator) is open to the facilitator and the programme lead; the lead also sees the
  list of every facilitator's caseload, and sets the programme's dose.

Denied is 404 for a contact the user may not know exists, 403 otherwise.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from fidelis.improvement.access import (  # noqa: F401 (re-exported: follow-ups are plan actions)
    owners_for,
    plan_in_progress,
)
from fidelis.improvement.models import Goal, PlanStatus
from fidelis.programmes import access as programme_access
from fidelis.programmes.models import Membership, Organisation, Role, Team
from fidelis.scales.models import Item
from fidelis.support.models import Contact, Event, EventFile, Meeting, Registration

#: Team roles that read the team's facilitation.
SUPPORT_READERS = frozenset({Role.FACILITATOR, Role.TEAM_MANAGER, Role.TEAM_MEMBER})


def _contact_q(user) -> Q:
    s = programme_access.scopes(user)
    return (
        Q(team__organisation__programme_id__in=s.programmes_with(Role.LEAD))
        | Q(team_id__in=s.teams_with(*SUPPORT_READERS))
        | Q(team__organisation_id__in=s.organisations_with(Role.SPONSOR))
    )


def contacts_visible_to(user, queryset=None):
    queryset = Contact.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(_contact_q(user))


def can_view_support(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    s = programme_access.scopes(user)
    return bool(
        Role.LEAD in s.roles_in_programme(team.organisation.programme_id)
        or s.roles_in_team(team.pk) & SUPPORT_READERS
        or Role.SPONSOR in s.roles_in_organisation(team.organisation_id)
    )


def can_log_contact(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if programme_access.is_lead(user, team.organisation.programme):
        return True
    return Role.FACILITATOR in programme_access.scopes(user).roles_in_team(team.pk)


def can_change_contact(user, contact: Contact) -> bool:
    if not user.is_authenticated:
        return False
    if programme_access.is_lead(user, contact.team.organisation.programme):
        return True
    return contact.facilitator_id == user.pk and can_log_contact(user, contact.team)


def team_for_support(user, programme_slug: str, team_slug: str) -> Team:
    team = programme_access.team_for_view(user, programme_slug, team_slug)
    if not can_view_support(user, team):
        raise PermissionDenied(
            "A team's facilitation is for the team, its facilitators, "
            "its sponsors and the programme lead."
        )
    return team


def team_for_logging(user, programme_slug: str, team_slug: str) -> Team:
    team = team_for_support(user, programme_slug, team_slug)
    if not can_log_contact(user, team):
        raise PermissionDenied("Contacts are logged by the team's facilitators.")
    return team


def _contact(pk: int) -> Contact | None:
    return (
        Contact.objects.filter(pk=pk)
        .select_related("team__organisation__programme", "facilitator")
        .first()
    )


def contact_for_view(user, pk: int) -> Contact:
    contact = _contact(pk)
    if contact is None or not can_view_support(user, contact.team):
        raise Http404("No such contact")
    return contact


def contact_for_edit(user, pk: int) -> Contact:
    contact = contact_for_view(user, pk)
    if not can_change_contact(user, contact):
        raise PermissionDenied("A contact is changed by the facilitator who logged it.")
    return contact


def contacts_of(team: Team):
    """The team's contacts, newest first (for a page that has already checked the team)."""
    return (
        Contact.objects.filter(team=team)
        .select_related("facilitator")
        .prefetch_related("goals", "items", "follow_ups__owner")
    )


def last_logged_by(user, programme) -> Contact | None:
    """The person's latest contact in the programme: its team and mode are offered first."""
    return (
        Contact.objects.filter(facilitator=user, team__organisation__programme=programme)
        .select_related("team")
        .order_by("-created_at", "-pk")
        .first()
    )


def goals_to_discuss_qs(team: Team):
    """The goals of the team's plan in progress, which a contact may discuss and a
    follow-up may serve."""
    return (
        Goal.objects.filter(plan__team=team)
        .exclude(plan__status=PlanStatus.CLOSED)
        .select_related("plan")
        .order_by("order", "pk")
    )


# Caseloads ----------------------------------------------------------------------------------


def is_facilitator_in(user, programme) -> bool:
    return programme_access.has_role(user, programme, Role.FACILITATOR)


def caseload_teams(facilitator, programme) -> list[Team]:
    """The teams the person facilitates in the programme, by name."""
    return list(
        Team.objects.filter(
            organisation__programme=programme,
            memberships__user=facilitator,
            memberships__role=Role.FACILITATOR,
        )
        .select_related("organisation")
        .distinct()
        .order_by("name", "pk")
    )


def programme_for_caseload(user, slug: str):
    """The programme whose caseload the user opens: their own, as a facilitator."""
    programme = programme_access.programme_for_view(user, slug)
    if not (is_facilitator_in(user, programme) or programme_access.is_lead(user, programme)):
        raise PermissionDenied("A caseload is for facilitators and the programme lead.")
    return programme


def facilitator_for_view(user, programme, person_id: int):
    """A facilitator of the programme whose caseload the user may open: themselves, or
    anyone's for the lead (404 for someone who is not a facilitator there)."""
    person = (
        get_user_model()
        .objects.filter(
            pk=person_id,
            memberships__programme=programme,
            memberships__role=Role.FACILITATOR,
        )
        .first()
    )
    if person is None:
        raise Http404("No such facilitator")
    if person.pk != user.pk and not programme_access.is_lead(user, programme):
        raise PermissionDenied("A facilitator's caseload is for them and the programme lead.")
    return person


def can_view_caseloads(user, programme) -> bool:
    return programme_access.is_lead(user, programme)


def programme_for_caseloads(user, slug: str):
    programme = programme_access.programme_for_view(user, slug)
    if not can_view_caseloads(user, programme):
        raise PermissionDenied("Every facilitator's caseload is for the programme lead.")
    return programme


def facilitators_of(programme):
    """The programme's facilitators, by name, with their number of teams."""
    return (
        get_user_model()
        .objects.filter(memberships__programme=programme, memberships__role=Role.FACILITATOR)
        .annotate(
            teams=Count(
                "memberships",
                filter=Q(memberships__programme=programme, memberships__role=Role.FACILITATOR),
            )
        )
        .order_by("first_name", "last_name", "pk")
    )


def programme_for_support_settings(user, slug: str):
    programme = programme_access.programme_for_view(user, slug)
    if not programme_access.is_lead(user, programme):
        raise PermissionDenied("The facilitation dose is set by the programme lead.")
    return programme


def teams_of_organisations(organisation_ids: list[int]) -> list[Team]:
    """The teams of these organisations (a sponsor's), by name."""
    return list(Team.objects.filter(organisation_id__in=organisation_ids).order_by("name", "pk"))


# Meetings ------------------------------------------------------------------------------------

#: Team roles that record the team's meetings.
MEETING_EDITORS = frozenset({Role.TEAM_MANAGER, Role.FACILITATOR})


def can_record_meetings(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if programme_access.is_lead(user, team.organisation.programme):
        return True
    return bool(programme_access.scopes(user).roles_in_team(team.pk) & MEETING_EDITORS)


def team_for_meetings(user, programme_slug: str, team_slug: str) -> Team:
    team = team_for_support(user, programme_slug, team_slug)
    if not can_record_meetings(user, team):
        raise PermissionDenied("Meetings are recorded by the team's managers and facilitators.")
    return team


def _meeting(pk: int) -> Meeting | None:
    return (
        Meeting.objects.filter(pk=pk)
        .select_related("team__organisation__programme", "goal", "created_by")
        .first()
    )


def meeting_for_view(user, pk: int) -> Meeting:
    meeting = _meeting(pk)
    if meeting is None or not can_view_support(user, meeting.team):
        raise Http404("No such meeting")
    return meeting


def meeting_for_edit(user, pk: int) -> Meeting:
    meeting = meeting_for_view(user, pk)
    if not can_record_meetings(user, meeting.team):
        raise PermissionDenied("Meetings are recorded by the team's managers and facilitators.")
    return meeting


def meetings_of(team: Team):
    """The team's meetings, latest first (for a page that has already checked the team)."""
    return Meeting.objects.filter(team=team).select_related("goal")


def attendees_for(team: Team):
    """Who may be recorded at the team's meetings: everyone with a role in the team, and
    the senior sponsors of its organisation, by name."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(
                Q(team=team) | Q(organisation_id=team.organisation_id, role=Role.SPONSOR)
            ).values("user_id")
        )
        .order_by("first_name", "last_name", "username")
    )


def upcoming_meetings_for(user, today):
    """Meetings to come that the person is recorded as attending, soonest first."""
    return (
        Meeting.objects.filter(attendees=user, held_on__gte=today)
        .select_related("team__organisation__programme", "goal")
        .order_by("held_on", "pk")
    )


# Learning events ---------------------------------------------------------------------------

#: Roles an event may invite, in the order the form lists them.
INVITABLE = (
    Role.TEAM_MANAGER,
    Role.TEAM_MEMBER,
    Role.FACILITATOR,
    Role.SPONSOR,
    Role.REVIEWER,
    Role.EXPERT_REVIEWER,
    Role.EVALUATOR,
)


def _event_organisations(event: Event) -> set[int]:
    cached = getattr(event, "_organisation_ids", None)
    if cached is None:
        cached = set(event.organisations.values_list("pk", flat=True))
        event._organisation_ids = cached
    return cached


def is_invited(user, event: Event) -> bool:
    """Whether the person holds an invited role in the event's programme (in one of its
    organisations, when it names any: programme-wide roles are not limited by them)."""
    if not user.is_authenticated:
        return False
    s = programme_access.scopes(user)
    roles = s.roles_in_programme(event.programme_id) & set(event.invited_roles)
    if not roles:
        return False
    organisations = _event_organisations(event)
    if not organisations:
        return True
    for team_id, held in s.team_roles.items():
        if held & roles and s.team_organisations.get(team_id) in organisations:
            return True
    for organisation_id, held in s.organisation_roles.items():
        if held & roles and organisation_id in organisations:
            return True
    return bool(roles - TEAM_ROLES_AND_SPONSOR)


TEAM_ROLES_AND_SPONSOR = frozenset(
    {Role.TEAM_MANAGER, Role.TEAM_MEMBER, Role.FACILITATOR, Role.SPONSOR}
)


def can_manage_events(user, programme) -> bool:
    return programme_access.is_lead(user, programme)


def can_view_event(user, event: Event) -> bool:
    return can_manage_events(user, event.programme) or is_invited(user, event)


def events_visible_to(user, programme):
    """The programme's events the person may open: all for the lead, else those that
    invite one of their roles (organisations checked per event)."""
    events = Event.objects.filter(programme=programme).prefetch_related("organisations")
    if can_manage_events(user, programme):
        return list(events)
    roles = programme_access.scopes(user).roles_in_programme(programme.pk)
    return [e for e in events if set(e.invited_roles) & roles and is_invited(user, e)]


def programme_for_events(user, slug: str):
    return programme_access.programme_for_view(user, slug)


def programme_for_event_management(user, slug: str):
    programme = programme_access.programme_for_view(user, slug)
    if not can_manage_events(user, programme):
        raise PermissionDenied("Learning events are planned by the programme lead.")
    return programme


def _event(pk: int) -> Event | None:
    return Event.objects.filter(pk=pk).select_related("programme").first()


def event_for_view(user, pk: int) -> Event:
    event = _event(pk)
    if event is None or not can_view_event(user, event):
        raise Http404("No such event")
    return event


def event_for_management(user, pk: int) -> Event:
    event = event_for_view(user, pk)
    if not can_manage_events(user, event.programme):
        raise PermissionDenied("Learning events are managed by the programme lead.")
    return event


def invitees_of(event: Event):
    """The people the event invites, by name (each once), as a QuerySet to page."""
    memberships = Membership.objects.filter(
        programme_id=event.programme_id, role__in=event.invited_roles
    )
    organisations = _event_organisations(event)
    if organisations:
        memberships = memberships.filter(
            Q(team__organisation_id__in=organisations)
            | Q(organisation_id__in=organisations)
            | ~Q(role__in=TEAM_ROLES_AND_SPONSOR)
        )
    return (
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"))
        .order_by("first_name", "last_name", "pk")
    )


def registration_of(user, event: Event) -> Registration | None:
    return Registration.objects.filter(event=event, user=user).first()


def registrations_of(event: Event, users) -> dict[int, Registration]:
    return {r.user_id: r for r in Registration.objects.filter(event=event, user__in=list(users))}


def registrants_of(event: Event):
    return (
        Registration.objects.filter(event=event)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def upcoming_events_for(user, today):
    """Events to come the person is registered for, soonest first."""
    return (
        Event.objects.filter(registrations__user=user, registrations__registered=True)
        .filter(ends_at__date__gte=today)
        .select_related("programme")
        .order_by("starts_at", "pk")
    )


def registrations_by_event(user, event_ids: list[int]) -> dict[int, Registration]:
    return {r.event_id: r for r in Registration.objects.filter(user=user, event_id__in=event_ids)}


def organisations_of(programme):
    return Organisation.objects.filter(programme=programme).order_by("name")


def items_qs_for(programme):
    """The items of the programme's scale, which a contact, meeting or event may cover."""
    return Item.objects.filter(scale_id=programme.scale_id).order_by("number")


def event_file_for_download(user, event_id: int, file_id: int) -> EventFile:
    event = event_for_view(user, event_id)
    found = EventFile.objects.filter(event=event, pk=file_id).first()
    if found is None:
        raise Http404("No such file")
    return found


def event_file_for_removal(user, event_id: int, file_id: int) -> EventFile:
    event = event_for_management(user, event_id)
    found = EventFile.objects.filter(event=event, pk=file_id).first()
    if found is None:
        raise Http404("No such file")
    return found


def files_of(event: Event) -> list[EventFile]:
    return list(EventFile.objects.filter(event=event))


def where_invitees_work(event: Event, people) -> dict[int, str]:
    """{person id: their teams' or organisations' names} in the event's programme."""
    found: dict[int, list[str]] = {}
    for user_id, team, organisation in (
        Membership.objects.filter(
            programme_id=event.programme_id, user__in=list(people), role__in=event.invited_roles
        )
        .order_by("team__name", "organisation__name")
        .values_list("user_id", "team__name", "organisation__name")
    ):
        name = team or organisation
        if name and name not in found.setdefault(user_id, []):
            found[user_id].append(name)
    return {user_id: ", ".join(names) for user_id, names in found.items()}
