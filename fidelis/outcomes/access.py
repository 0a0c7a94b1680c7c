"""Who sees which measures. Every outcomes view decides access here.

Rules, in words:
- A team's measures page is open to everyone who may open the team's page (its members
  and manager, its facilitators, its organisation's senior sponsors, the programme lead
  and the programme's reviewers), as its dashboard is.
- The programme's outcomes page is for the people who have the programme dashboard: the
  lead, reviewers and evaluators see every team (evaluators under pseudonyms only), a
  facilitator their own teams and a senior sponsor their organisation's. Other teams
  appear under their pseudonyms by the programme's naming rules, as on the dashboard.
- Only the programme lead starts a team's chart again from a month (a rebase).
Routine measures hold counts and rates about the service, never about a person.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone

from fidelis.benchmarks import access as benchmarks_access
from fidelis.improvement.models import ActionStatus, Goal, Plan
from fidelis.outcomes.charts import Annotation
from fidelis.outcomes.models import Measure, MeasureValue, Reading, Rebase
from fidelis.programmes import access as programme_access
from fidelis.programmes.models import Role, Team
from fidelis.reviews.models import Review, Status


def team_for_measures(user, slug: str, team_slug: str) -> Team:
    return programme_access.team_for_view(user, slug, team_slug)


def can_view_measures(user, team: Team) -> bool:
    return programme_access.can_view_team(user, team)


def can_set_rebase(user, team: Team) -> bool:
    return user.is_superuser or programme_access.is_lead(user, team.organisation.programme)


def can_import_values(user, team: Team) -> bool:
    """The lead, or the team's own manager."""
    return programme_access.can_edit_team(user, team)


def team_for_import(user, slug: str, team_slug: str) -> Team:
    team = programme_access.team_for_view(user, slug, team_slug)
    if not can_import_values(user, team):
        raise PermissionDenied("Only the team's manager or the programme lead imports values.")
    return team


def can_import_for_programme(user, programme) -> bool:
    return programme_access.is_lead(user, programme)


def programme_for_import(user, slug: str):
    """The programme whose values the lead imports for every team (403 for anyone else)."""
    programme = programme_access.programme_for_view(user, slug)
    if not can_import_for_programme(user, programme):
        raise PermissionDenied("Only the programme lead imports values for every team.")
    return programme


def programme_for_measures(user, slug: str):
    """The programme whose measures the lead defines (403 for anyone else)."""
    programme = programme_access.programme_for_view(user, slug)
    if not programme_access.is_lead(user, programme):
        raise PermissionDenied("Only the programme lead defines the programme's measures.")
    return programme


def measure_for_edit(user, slug: str, measure_id: int) -> tuple:
    programme = programme_for_measures(user, slug)
    measure = Measure.objects.filter(pk=measure_id, programme=programme).first()
    if measure is None:
        raise Http404("No such measure")
    return programme, measure


def measures_with_counts(programme) -> list[Measure]:
    """The programme's measures, each with `n_values` and `n_teams` holding values."""
    return list(
        Measure.objects.filter(programme=programme).annotate(
            n_values=Count("values"), n_teams=Count("values__team", distinct=True)
        )
    )


def teams_for_template(programme):
    """Every team in the programme, for the lead's import template."""
    return Team.objects.in_programme(programme).order_by("name")


def can_view_beside(user, programme) -> bool:
    return programme_access.is_lead(user, programme) or programme_access.has_role(
        user, programme, Role.EVALUATOR
    )


def programme_for_beside(user, slug: str):
    programme = programme_access.programme_for_view(user, slug)
    if not can_view_beside(user, programme):
        raise PermissionDenied("Fidelity beside outcomes is for the programme lead and evaluators.")
    return programme


def sees_pseudonyms_only(user, programme) -> bool:
    return programme_access.sees_pseudonyms_only(user, programme)


def teams_for_beside(programme, *, pseudonyms: bool) -> list:
    """Every team in the programme, by the label the reader sees: rows with the team's
    pk, organisation_id, name, pseudonym and slug (a thousand rows, not model objects)."""
    return list(
        Team.objects.in_programme(programme)
        .order_by("pseudonym" if pseudonyms else "name", "pk")
        .values_list("pk", "organisation_id", "name", "pseudonym", "slug", named=True)
    )


def measure_for_beside(programme, key: str | None) -> Measure | None:
    """The measure chosen by its key (the first when none is chosen); 404 for an unknown
    key; None when the programme has no measures."""
    measures = Measure.objects.filter(programme=programme)
    if not key:
        return measures.first()
    measure = measures.filter(key=key).first()
    if measure is None:
        raise Http404("No such measure")
    return measure


def programme_for_outcomes(user, slug: str):
    """The programme and the dashboard scope of its teams the user sees (403 without)."""
    return benchmarks_access.programme_for_dashboard(user, slug)


def can_view_outcomes(user, programme) -> bool:
    return benchmarks_access.dashboard_scope(user, programme) is not None


def row_rules(user, programme):
    return benchmarks_access.row_rules(user, programme)


def has_measures(programme) -> bool:
    return Measure.objects.filter(programme=programme).exists()


def months_with_values(team: Team) -> int:
    return MeasureValue.objects.filter(team=team).values("period").distinct().count()


def measures_of(programme) -> list[Measure]:
    return list(Measure.objects.filter(programme=programme))


def measure_for_rebase(user, team: Team, measure_id: int) -> Measure:
    if not can_set_rebase(user, team):
        raise PermissionDenied("Only the programme lead starts a chart again.")
    measure = Measure.objects.filter(
        pk=measure_id, programme_id=team.organisation.programme_id
    ).first()
    if measure is None:
        raise Http404("No such measure")
    return measure


def rebase_for_removal(user, team: Team, rebase_id: int) -> Rebase:
    if not can_set_rebase(user, team):
        raise PermissionDenied("Only the programme lead starts a chart again.")
    rebase = Rebase.objects.filter(pk=rebase_id, team=team).first()
    if rebase is None:
        raise Http404("No such rebase")
    return rebase


def values_by_measure(team: Team) -> dict[int, list[MeasureValue]]:
    """The team's values, {measure id: [MeasureValue, ...] in month order}."""
    found: dict[int, list] = {}
    for value in MeasureValue.objects.filter(team=team).order_by("measure_id", "period"):
        found.setdefault(value.measure_id, []).append(value)
    return found


def readings_by_measure(teams: list[Team]) -> dict:
    """{(team id, measure id): Reading} for a page of teams."""
    return {
        (r.team_id, r.measure_id): r for r in Reading.objects.filter(team__in=[t.pk for t in teams])
    }


def rebases_by_measure(team: Team) -> dict[int, list[Rebase]]:
    """The team's rebases, {measure id: [Rebase, ...] in month order}."""
    found: dict[int, list] = {}
    for rebase in Rebase.objects.filter(team=team).select_related("created_by"):
        found.setdefault(rebase.measure_id, []).append(rebase)
    return found


def goals_done(team: Team) -> list[tuple[str, object]]:
    """(title, when) of each of the team's plan goals whose actions are all done (dropped
    ones aside), dated by the last action done."""
    return list(
        Goal.objects.filter(plan__team=team)
        .annotate(
            still_open=Count(
                "actions",
                filter=~Q(actions__status__in=[ActionStatus.DONE, ActionStatus.DROPPED]),
            ),
            finished=Max("actions__updated_at", filter=Q(actions__status=ActionStatus.DONE)),
        )
        .filter(still_open=0, finished__isnull=False)
        .order_by("finished")
        .values_list("title", "finished")
    )


def annotations_for(team: Team) -> list[Annotation]:
    """The team's finalised reviews, signed-off plans and plan goals whose work is done,
    for the charts' time axis."""
    marks = [
        Annotation(day=visit, label=f"{label} review")
        for visit, label in Review.objects.filter(team=team, status=Status.FINALISED)
        .order_by("visit_date")
        .values_list("visit_date", "timepoint__label")
        if visit
    ]
    marks += [
        Annotation(day=timezone.localdate(signed), label="Plan signed off")
        for signed in Plan.objects.filter(team=team, signed_off_at__isnull=False)
        .order_by("signed_off_at")
        .values_list("signed_off_at", flat=True)
    ]
    marks += [
        Annotation(day=timezone.localdate(finished), label=f"Goal done: {title}")
        for title, finished in goals_done(team)
    ]
    return sorted(marks, key=lambda a: a.day)
