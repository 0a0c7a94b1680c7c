"""Who may see and change what. Every view decides access through this module.

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

Denied is 404 for an object the user may not know exists, 403 otherwise.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fidelis.programmes.models import (
    REVIEWER_ROLES,
    TEAM_ROLES,
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
    """The user's memberships, indexed for fast checks (built once per request)."""

    programme_roles: dict[int, set[str]] = field(default_factory=dict)
    team_roles: dict[int, set[str]] = field(default_factory=dict)
    organisation_roles: dict[int, set[str]] = field(default_factory=dict)
    # organisation id -> programme id, team id -> organisation id (for team roles)
    team_organisations: dict[int, int] = field(default_factory=dict)


def scopes(user) -> Scopes:
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
    return scopes(user).programme_roles.get(programme.pk, set())


def has_role(user, programme: Programme, *roles: str) -> bool:
    return bool(roles_in(user, programme) & set(roles))


# Programmes -------------------------------------------------------------------------------


def can_view_programme(user, programme: Programme) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(roles_in(user, programme)))


def can_create_programme(user) -> bool:
    """Starting a programme is for Fidelis administrators, who then make its lead."""
    return user.is_authenticated and user.is_superuser


def can_manage_programme(user, programme: Programme) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, programme, Role.LEAD))


# Teams ------------------------------------------------------------------------------------


def teams_visible_to(user, queryset=None):
    queryset = Team.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = scopes(user)
    wide = [p for p, roles in s.programme_roles.items() if roles & PROGRAMME_WIDE_TEAM_VIEWERS]
    own = [t for t, roles in s.team_roles.items() if roles & TEAM_ROLES]
    sponsored = [o for o, roles in s.organisation_roles.items() if Role.SPONSOR in roles]
    return queryset.filter(
        Q(organisation__programme_id__in=wide) | Q(pk__in=own) | Q(organisation_id__in=sponsored)
    )


def can_view_team(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    s = scopes(user)
    programme_id = team.organisation.programme_id
    return bool(
        s.programme_roles.get(programme_id, set()) & PROGRAMME_WIDE_TEAM_VIEWERS
        or s.team_roles.get(team.pk)
        or Role.SPONSOR in s.organisation_roles.get(team.organisation_id, set())
    )


def can_edit_team(user, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, team.organisation.programme, Role.LEAD):
        return True
    return Role.TEAM_MANAGER in scopes(user).team_roles.get(team.pk, set())


def team_label(user, team: Team) -> str:
    """The name the user may see for a team: its real name or its pseudonym."""
    if (
        team.organisation.programme.named_benchmarking
        and can_view_programme(user, team.organisation.programme)
        and not has_role(user, team.organisation.programme, Role.EVALUATOR)
    ):
        return team.name
    if can_view_team(user, team):
        return team.name
    return team.pseudonym


# Organisations ----------------------------------------------------------------------------


def organisations_visible_to(user, queryset=None):
    queryset = Organisation.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = scopes(user)
    wide = [p for p, roles in s.programme_roles.items() if roles & PROGRAMME_WIDE_ORG_VIEWERS]
    sponsored = [o for o, roles in s.organisation_roles.items() if Role.SPONSOR in roles]
    via_team = list(s.team_organisations.values())
    return queryset.filter(Q(programme_id__in=wide) | Q(pk__in=[*sponsored, *via_team]))


def can_view_organisation(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    s = scopes(user)
    return bool(
        s.programme_roles.get(organisation.programme_id, set()) & PROGRAMME_WIDE_ORG_VIEWERS
        or Role.SPONSOR in s.organisation_roles.get(organisation.pk, set())
        or organisation.pk in s.team_organisations.values()
    )


# People -----------------------------------------------------------------------------------


def memberships_visible_to(user, queryset=None):
    """Memberships (and so people) the user may see listed."""
    queryset = Membership.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = scopes(user)
    led = [p for p, roles in s.programme_roles.items() if Role.LEAD in roles]
    teams = list(s.team_roles)
    organisations = [o for o, roles in s.organisation_roles.items() if Role.SPONSOR in roles]
    team_orgs = list(s.team_organisations.values())
    return queryset.filter(
        Q(user=user)
        | Q(programme_id__in=led)
        | Q(team_id__in=teams)
        | Q(team__organisation_id__in=organisations)
        # Team staff can see who sponsors their organisation.
        | Q(organisation_id__in=[*organisations, *team_orgs])
    )


def can_view_person(user, person) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.pk == person.pk:
        return True
    return memberships_visible_to(user).filter(user=person).exists()


# Scales -----------------------------------------------------------------------------------


def scales_visible_to(user, queryset):
    """Demonstration scales are open to every signed-in user. A licensed scale (a
    programme's own copy of the CORE scale, say) is open only to people in a programme that
    uses it; administrators see every scale and assign them to programmes."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(demonstration=True) | Q(programmes__memberships__user=user)).distinct()


# Lookups for views: 404 when the object must stay unknown, 403 when it is known -------------


def programme_for_view(user, slug: str) -> Programme:
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not can_view_programme(user, programme):
        raise Http404("No such programme")
    return programme


def programme_for_management(user, slug: str) -> Programme:
    programme = programme_for_view(user, slug)
    if not can_manage_programme(user, programme):
        raise PermissionDenied("Only the programme lead can do this.")
    return programme


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


def person_for_view(user, person_id: int):
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.filter(pk=person_id).first()
    if person is None or not can_view_person(user, person):
        raise Http404("No such person")
    return person


# Reviews ----------------------------------------------------------------------------------
#
# - The programme lead sees every review. Panel members see the reviews they are on.
# - A team's facilitators and managers see its reviews being planned and prepared (the
#   date, the panel, the checklist of what to send) but no rating before finalising.
# - Everyone else who may open the team's page (team members, senior sponsors, reviewers
#   not on the panel) sees a review only once it is finalised.
# - Independent ratings are blind: a panel member sees only their own until they submit.


def _on_panel(user, review) -> bool:
    return any(member.user_id == user.pk for member in review.panel.all())


def reviews_visible_to(user, queryset=None):
    from fidelis.reviews.models import Review, Status

    queryset = Review.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = scopes(user)
    led = [p for p, roles in s.programme_roles.items() if Role.LEAD in roles]
    close_teams = [
        t for t, roles in s.team_roles.items() if roles & {Role.FACILITATOR, Role.TEAM_MANAGER}
    ]
    return queryset.filter(
        Q(team__organisation__programme_id__in=led)
        | Q(panel__user=user)
        | Q(team_id__in=close_teams)
        | Q(status=Status.FINALISED, team__in=teams_visible_to(user, Team.objects.all()))
    ).distinct()


def can_view_review(user, review) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, review.team.organisation.programme, Role.LEAD):
        return True
    if _on_panel(user, review):
        return True
    roles = scopes(user).team_roles.get(review.team_id, set())
    if roles & {Role.FACILITATOR, Role.TEAM_MANAGER}:
        return True
    return review.is_finalised and can_view_team(user, review.team)


def can_manage_review(user, review) -> bool:
    """Plan, prepare and move the review through its stages: the lead and the panel."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or has_role(user, review.team.organisation.programme, Role.LEAD)
        or _on_panel(user, review)
    )


def panel_place(user, review):
    for member in review.panel.all():
        if member.user_id == user.pk:
            return member
    return None


def can_rate(user, review) -> bool:
    from fidelis.reviews.models import Status

    place = panel_place(user, review)
    return place is not None and not place.has_submitted and review.status == Status.RATING


def can_see_all_ratings(user, review) -> bool:
    """Blind rating: others' independent ratings stay hidden until you submit your own."""
    from fidelis.reviews.models import Status

    if not can_view_review(user, review):
        return False
    place = panel_place(user, review)
    if place is not None:
        return place.has_submitted or review.has_reached(Status.CONSENSUS)
    return user.is_superuser or has_role(user, review.team.organisation.programme, Role.LEAD)


def can_edit_consensus(user, review) -> bool:
    from fidelis.reviews.models import Status

    return review.status in (Status.CONSENSUS, Status.REPORT) and can_manage_review(user, review)


def can_view_report(user, review) -> bool:
    if review.is_finalised:
        return can_view_review(user, review)
    return can_manage_review(user, review)


def can_amend(user, review) -> bool:
    return review.is_finalised and can_manage_review(user, review)


def review_for_view(user, review_id: int):
    from fidelis.reviews.models import Review

    review = (
        Review.objects.select_related(
            "team__organisation__programme", "timepoint", "scale", "finalised_by"
        )
        .prefetch_related("panel__user")
        .filter(pk=review_id)
        .first()
    )
    if review is None or not can_view_review(user, review):
        raise Http404("No such review")
    return review


def review_for_management(user, review_id: int):
    review = review_for_view(user, review_id)
    if not can_manage_review(user, review):
        raise PermissionDenied("Only the programme lead and the review panel can do this.")
    return review
