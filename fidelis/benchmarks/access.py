"""Who sees which benchmarks.

Rules, in words:
- A team's dashboard is open to everyone who may open the team's page: its members and
  manager, its facilitators, its organisation's senior sponsors, the programme lead and
  the programme's reviewers.
- The programme dashboard shows the lead, the reviewers and the evaluators every team
  (evaluators only under pseudonyms, and without organisations or facilitators to filter
  by, which would tell them which pseudonyms belong together); a facilitator sees their
  own teams and a senior sponsor their organisation's, each against the whole network.
  Team managers and members have their team's dashboard instead.
- Everywhere, other teams appear under their pseudonyms unless the programme turns named
  benchmarking on (never for evaluators), and a comparison built from fewer teams than the
  programme's smallest comparison is not shown.
- Exports hold exactly the rows the same person's dashboard shows, labelled the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from fidelis.programmes import access as programme_access
from fidelis.programmes.models import REVIEWER_ROLES, Programme, Role, Team

WHOLE_PROGRAMME = frozenset({Role.LEAD, Role.EVALUATOR, *REVIEWER_ROLES})


@dataclass(frozen=True)
class Scope:
    """The teams a person's programme dashboard (and its exports) covers."""

    teams: object  # a Team QuerySet
    description: str  # "every team", "your teams", "your organisation's teams"
    whole_programme: bool
    pseudonyms_only: bool
    can_filter_by_organisation: bool
    can_filter_by_facilitator: bool
    # Names what the scope covers, for keys of what is kept per scope.
    signature: str = ""


def dashboard_scope(user, programme: Programme) -> Scope | None:
    """What the user's programme dashboard covers; None when they have none."""
    if not programme_access.can_view_programme(user, programme):
        return None
    teams = Team.objects.filter(organisation__programme=programme)
    pseudonyms_only = programme_access.sees_pseudonyms_only(user, programme)
    if user.is_superuser or programme_access.has_role(user, programme, *WHOLE_PROGRAMME):
        return Scope(
            teams=teams,
            description="every team in the programme",
            whole_programme=True,
            pseudonyms_only=pseudonyms_only,
            can_filter_by_organisation=not pseudonyms_only,
            can_filter_by_facilitator=not pseudonyms_only,
            signature="pseudonyms" if pseudonyms_only else "all",
        )
    s = programme_access.scopes(user)
    facilitated = s.teams_with(Role.FACILITATOR)
    sponsored = s.organisations_with(Role.SPONSOR)
    if not facilitated and not sponsored:
        return None
    described = []
    if facilitated:
        described.append("the teams you facilitate")
    if sponsored:
        described.append("your organisation's teams")
    return Scope(
        teams=teams.filter(Q(pk__in=facilitated) | Q(organisation_id__in=sponsored)),
        description=" and ".join(described),
        whole_programme=False,
        pseudonyms_only=False,
        can_filter_by_organisation=len(sponsored) > 1,
        can_filter_by_facilitator=False,
        signature="teams-{}:organisations-{}".format(
            ",".join(map(str, sorted(facilitated))), ",".join(map(str, sorted(sponsored)))
        ),
    )


def programme_for_dashboard(user, slug: str) -> tuple[Programme, Scope]:
    programme = programme_access.programme_for_view(user, slug)
    scope = dashboard_scope(user, programme)
    if scope is None:
        raise PermissionDenied(
            "The programme dashboard is for the lead, reviewers, evaluators, facilitators "
            "and senior sponsors. Your team's dashboard is on your team's page."
        )
    return programme, scope


def team_for_dashboard(user, programme_slug: str, team_slug: str) -> Team:
    return programme_access.team_for_view(user, programme_slug, team_slug)


def can_view_team_dashboard(user, team: Team) -> bool:
    return programme_access.can_view_team(user, team)


def team_scope(user, team: Team) -> Scope:
    """A team dashboard's exports: that team alone, labelled as its dashboard labels it."""
    return Scope(
        teams=Team.objects.filter(pk=team.pk),
        description=programme_access.team_label(user, team),
        whole_programme=False,
        pseudonyms_only=False,
        can_filter_by_organisation=False,
        can_filter_by_facilitator=False,
    )


def comparison_allowed(programme: Programme, n_teams: int) -> bool:
    """A comparison of fewer teams than the programme's smallest comparison is not shown:
    with two or three teams, one team's results could be worked out from it."""
    return n_teams >= programme.benchmark_min_teams


def label(user, team: Team) -> str:
    return programme_access.team_label(user, team)


def row_rules(user, programme: Programme):
    """For a page of teams: a function of (team id, organisation id) giving whether the
    user may open the team (and its dashboard) and whether they see its name, by the same
    rules as can_view_team and team_label, with the user's scopes read once."""
    can_view = programme_access.team_viewer(user, programme.pk)
    names = programme_access.shows_names(user, programme)

    def rules(team_id: int, organisation_id: int) -> tuple[bool, bool]:
        opens = can_view(team_id, organisation_id)
        return opens, opens or names

    return rules
