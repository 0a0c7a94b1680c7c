"""Who may see and change programmes, organisations, teams and people, and the user's
scopes every app's own access rules are built on.

Rules, in words:
- A programme is visible to anyone with a role in it. Its lead manages it: its
  organisations, teams, people and invitations.
- A team's own page (its name, people and results) is open to the programme lead,
  the programme's reviewers, the team's facilitators, managers and members, and the
  senior sponsors of its organisation. Everyone else in the programme sees the team
  only under its pseudonym (or by name when the programme turns named benchmarking on).
  Evaluators work with pseudonymised data: they see teams only by pseudonym.
- A team's details are changed by the programme lead and the team's managers.
- An organisation's page is open to the lead, reviewers, its sponsors, and the
  facilitators, managers and members of its teams.
- A person's page is open to themselves, their programme leads, and the people who
  share a team or organisation with them.

Denied is 404 for an object the user may not know exists, 403 otherwise. Views decide
access only through the functions here and in each app's own access.py: `*_visible_to`
(the rows a user may see, as a QuerySet to refine), `*_for_view` and `*_for_edit` (one
object, or 404/403), and `can_*` (a yes or no for a page to show or hide a control).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, CharField, F, Q, Value, When
from django.http import Http404

from fidelis.programmes.models import (
    REVIEWER_ROLES,
    TEAM_ROLES,
    Invitation,
    Membership,
    Organisation,
    Programme,
    Role,
    Team,
)

# Roles that may open every team page in their programme.
PROGRAMME_WIDE_TEAM_VIEWERS = frozenset({Role.LEAD, *REVIEWER_ROLES})
# Roles that may open every organisation page in their programme.
PROGRAMME_WIDE_ORG_VIEWERS = frozenset({Role.LEAD, *REVIEWER_ROLES})


@dataclass
class Scopes:
    """The user's memberships, indexed for fast checks (read once per request)."""

    programme_roles: dict[int, set[str]] = field(default_factory=dict)
    team_roles: dict[int, set[str]] = field(default_factory=dict)
    organisation_roles: dict[int, set[str]] = field(default_factory=dict)
    # team id -> organisation id, for the teams the user has a role in
    team_organisations: dict[int, int] = field(default_factory=dict)

    def programmes_with(self, *roles: str) -> list[int]:
        """Ids of the programmes where the user holds any of `roles` (any role if none)."""
        wanted = set(roles)
        return [p for p, held in self.programme_roles.items() if not wanted or held & wanted]

    def teams_with(self, *roles: str) -> list[int]:
        """Ids of the teams where the user holds any of `roles` (any team role if none)."""
        wanted = set(roles) or TEAM_ROLES
        return [t for t, held in self.team_roles.items() if held & wanted]

    def organisations_with(self, *roles: str) -> list[int]:
        """Ids of the organisations where the user holds any of `roles`."""
        wanted = set(roles)
        return [o for o, held in self.organisation_roles.items() if held & wanted]

    def roles_in_programme(self, programme_id: int) -> set[str]:
        return self.programme_roles.get(programme_id, set())

    def roles_in_team(self, team_id: int) -> set[str]:
        return self.team_roles.get(team_id, set())

    def roles_in_organisation(self, organisation_id: int) -> set[str]:
        return self.organisation_roles.get(organisation_id, set())


def scopes(user) -> Scopes:
    """The user's scopes, read from the database once and kept on the user object."""
    cached = getattr(user, "_fidelis_scopes", None)
    if cached is not None:
        return cached
    result = Scopes()
    if user.is_authenticated:
        rows = Membership.objects.filter(user=user).values_list(
            "programme_id", "role", "organisation_id", "team_id", "team__organisation_id"
        )
        for programme_id, role, organisation_id, team_id, team_org_id in rows:
            result.programme_roles.setdefault(programme_id, set()).add(role)
            if team_id:
                result.team_roles.setdefault(team_id, set()).add(role)
                result.team_organisations[team_id] = team_org_id
            if organisation_id:
                result.organisation_roles.setdefault(organisation_id, set()).add(role)
    user._fidelis_scopes = result
    return result


def forget(user) -> None:
    """Drop the cached scopes after the user's memberships change."""
    if hasattr(user, "_fidelis_scopes"):
        del user._fidelis_scopes


def roles_in(user, programme: Programme) -> set[str]:
    return scopes(user).roles_in_programme(programme.pk)


def has_role(user, programme: Programme, *roles: str) -> bool:
    return bool(roles_in(user, programme) & set(roles))


def is_lead(user, programme: Programme) -> bool:
    """The programme's lead, or a Fidelis administrator (who acts as every lead)."""
    return user.is_authenticated and (user.is_superuser or has_role(user, programme, Role.LEAD))


def sees_pseudonyms_only(user, programme: Programme) -> bool:
    """Evaluators work with pseudonymised data, even where named benchmarking is on."""
    return has_role(user, programme, Role.EVALUATOR)


# Programmes -------------------------------------------------------------------------------


def programmes_visible_to(user, queryset=None):
    queryset = Programme.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(pk__in=scopes(user).programmes_with())


def can_view_programme(user, programme: Programme) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(roles_in(user, programme)))


def can_create_programme(user) -> bool:
    """Starting a programme is for Fidelis administrators, who then make its lead."""
    return user.is_authenticated and user.is_superuser


def can_manage_programme(user, programme: Programme) -> bool:
    return is_lead(user, programme)


def programme_for_view(user, slug: str) -> Programme:
    # The scale comes with the programme, without its stored text: its parsed definition
    # is kept per version (FidelityScale.definition), so the text is read only the first
    # time a version is parsed, not decoded again on every page.
    programme = (
        Programme.objects.filter(slug=slug).select_related("scale").defer("scale__data").first()
    )
    if programme is None or not can_view_programme(user, programme):
        raise Http404("No such programme")
    return programme


def programme_for_management(user, slug: str) -> Programme:
    programme = programme_for_view(user, slug)
    if not can_manage_programme(user, programme):
        raise PermissionDenied("Only the programme lead can do this.")
    return programme


def require_programme_creator(user) -> None:
    if not can_create_programme(user):
        raise PermissionDenied("Only a Fidelis administrator can start a programme.")


def managed_programmes(user):
    """The programmes the user leads (every programme, for an administrator)."""
    visible = programmes_visible_to(user)
    if user.is_superuser:
        return visible
    return visible.filter(pk__in=scopes(user).programmes_with(Role.LEAD))


def timepoint_for_management(user, slug: str, timepoint_id: int):
    programme = programme_for_management(user, slug)
    timepoint = programme.timepoints.filter(pk=timepoint_id).first()
    if timepoint is None:
        raise Http404("No such timepoint")
    return timepoint


# Teams ------------------------------------------------------------------------------------


def _team_filter(user) -> Q:
    s = scopes(user)
    return (
        Q(organisation__programme_id__in=s.programmes_with(*PROGRAMME_WIDE_TEAM_VIEWERS))
        | Q(pk__in=s.teams_with())
        | Q(organisation_id__in=s.organisations_with(Role.SPONSOR))
    )


def teams_visible_to(user, queryset=None):
    """Teams whose own page (name, people, results) the user may open."""
    queryset = Team.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(_team_filter(user))


def team_viewer(user, programme_id: int):
    """can_view_team for many teams of one programme with the user's scopes read once: a
    function of a team's id and its organisation's id (for pages listing many teams)."""
    if not user.is_authenticated:
        return lambda team_id, organisation_id: False
    if user.is_superuser:
        return lambda team_id, organisation_id: True
    s = scopes(user)
    programme_wide = bool(s.roles_in_programme(programme_id) & PROGRAMME_WIDE_TEAM_VIEWERS)

    def can_view(team_id: int, organisation_id: int) -> bool:
        return bool(
            programme_wide
            or s.roles_in_team(team_id)
            or Role.SPONSOR in s.roles_in_organisation(organisation_id)
        )

    return can_view


def can_view_team(user, team: Team) -> bool:
    return team_viewer(user, team.organisation.programme_id)(team.pk, team.organisation_id)


def can_edit_team(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if is_lead(user, team.organisation.programme):
        return True
    return Role.TEAM_MANAGER in scopes(user).roles_in_team(team.pk)


def can_move_team(user, team: Team) -> bool:
    """Renaming a team or moving it to another organisation is the lead's decision."""
    return is_lead(user, team.organisation.programme)


def shows_names(user, programme: Programme) -> bool:
    """Whether the user sees every team in the programme by name in comparisons."""
    return (
        programme.named_benchmarking
        and can_view_programme(user, programme)
        and not sees_pseudonyms_only(user, programme)
    )


def team_label(user, team: Team) -> str:
    """The name the user may see for a team: its real name or its pseudonym."""
    if shows_names(user, team.organisation.programme) or can_view_team(user, team):
        return team.name
    return team.pseudonym


def teams_listed_for(user, programme: Programme):
    """Every team in the programme as the user may see it listed: annotated with `open`
    (the user may open its page) and `label` (its name or its pseudonym), the user's own
    teams first and then by label, so a long list pages in the database."""
    teams = Team.objects.filter(organisation__programme=programme)
    if user.is_superuser:
        opened = Q(pk__isnull=False)
    elif user.is_authenticated:
        opened = _team_filter(user)
    else:
        opened = Q(pk__in=[])
    named = shows_names(user, programme)
    return teams.annotate(
        open=Case(
            When(opened, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        label=Case(
            When(opened, then=F("name")),
            default=F("name") if named else F("pseudonym"),
            output_field=CharField(),
        ),
    ).order_by("-open", "label", "pk")


def team_for_view(user, programme_slug: str, team_slug: str) -> Team:
    team = (
        Team.objects.select_related("organisation__programme")
        .filter(organisation__programme__slug=programme_slug, slug=team_slug)
        .first()
    )
    if team is None or not can_view_team(user, team):
        raise Http404("No such team")
    return team


def team_for_edit(user, programme_slug: str, team_slug: str) -> Team:
    team = team_for_view(user, programme_slug, team_slug)
    if not can_edit_team(user, team):
        raise PermissionDenied("Only the programme lead and the team's managers can change this.")
    return team


# Organisations ----------------------------------------------------------------------------


def organisations_visible_to(user, queryset=None):
    queryset = Organisation.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = scopes(user)
    return queryset.filter(
        Q(programme_id__in=s.programmes_with(*PROGRAMME_WIDE_ORG_VIEWERS))
        | Q(pk__in=[*s.organisations_with(Role.SPONSOR), *s.team_organisations.values()])
    )


def can_view_organisation(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    s = scopes(user)
    return bool(
        s.roles_in_programme(organisation.programme_id) & PROGRAMME_WIDE_ORG_VIEWERS
        or Role.SPONSOR in s.roles_in_organisation(organisation.pk)
        or organisation.pk in s.team_organisations.values()
    )


def organisation_for_view(user, programme_slug: str, organisation_slug: str) -> Organisation:
    organisation = (
        Organisation.objects.select_related("programme")
        .filter(programme__slug=programme_slug, slug=organisation_slug)
        .first()
    )
    if organisation is None or not can_view_organisation(user, organisation):
        raise Http404("No such organisation")
    return organisation


def organisation_for_edit(user, programme_slug: str, organisation_slug: str) -> Organisation:
    organisation = organisation_for_view(user, programme_slug, organisation_slug)
    if not can_manage_programme(user, organisation.programme):
        raise PermissionDenied("Only the programme lead can change organisations.")
    return organisation


def organisation_teams_for(user, organisation: Organisation) -> tuple[list[Team], int]:
    """The organisation's teams the user may see listed there, and how many others take
    part. Listing a trust's other teams, even by pseudonym, would tell its staff which
    pseudonyms are their neighbours, so those are only counted."""
    programme = organisation.programme
    shown, hidden = [], 0
    for team in organisation.teams.select_related("organisation__programme"):
        if can_view_team(user, team) or shows_names(user, programme):
            shown.append(team)
        else:
            hidden += 1
    return shown, hidden


# People -----------------------------------------------------------------------------------


def memberships_visible_to(user, queryset=None):
    """Memberships (and so people) the user may see listed."""
    queryset = Membership.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = scopes(user)
    sponsored = s.organisations_with(Role.SPONSOR)
    return queryset.filter(
        Q(user=user)
        | Q(programme_id__in=s.programmes_with(Role.LEAD))
        | Q(team_id__in=list(s.team_roles))
        | Q(team__organisation_id__in=sponsored)
        # Team staff can see who sponsors their organisation.
        | Q(organisation_id__in=[*sponsored, *s.team_organisations.values()])
    )


def can_view_person(user, person) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.pk == person.pk:
        return True
    return memberships_visible_to(user).filter(user=person).exists()


def person_for_view(user, person_id: int):
    person = get_user_model().objects.filter(pk=person_id).first()
    if person is None or not can_view_person(user, person):
        raise Http404("No such person")
    return person


def reviewers_in(programme: Programme):
    """The people who may sit on the programme's review panels."""
    ids = programme.memberships.filter(role__in=sorted(REVIEWER_ROLES)).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name")


# Invitations ------------------------------------------------------------------------------


def invitation_for_acceptance(token: str) -> Invitation:
    """Anyone holding the emailed link may open it: the token is the permission."""
    invitation = (
        Invitation.objects.select_related("programme", "team", "organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def invitation_for_management(user, slug: str, invitation_id: int) -> Invitation:
    programme = programme_for_management(user, slug)
    invitation = programme.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation
