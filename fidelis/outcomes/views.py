from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fidelis.forms import error_list, status_for
from fidelis.outcomes import access, actions
from fidelis.outcomes.charts import ASSURANCE_WORDS, VARIATION_WORDS, measure_chart
from fidelis.outcomes.forms import RebaseForm
from fidelis.pages import breadcrumbs, paginate


def _team_charts(team, measures):
    values = access.values_by_measure(team)
    rebases = access.rebases_by_measure(team)
    annotations = access.annotations_for(team)
    return [
        measure_chart(m, values.get(m.pk, []), rebases.get(m.pk, []), annotations) for m in measures
    ]


@login_required
def team_measures(request, slug, team_slug):
    team = access.team_for_measures(request.user, slug, team_slug)
    programme = team.organisation.programme
    measures = access.measures_of(programme)
    can_rebase = access.can_set_rebase(request.user, team)
    return render(
        request,
        "outcomes/team.jinja",
        {
            "team": team,
            "programme": programme,
            "charts": _team_charts(team, measures),
            "can_rebase": can_rebase,
            "can_view_programme": access.can_view_outcomes(request.user, programme),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                (team.name, team.get_absolute_url()),
                ("Measures", ""),
            ),
        },
    )


@login_required
def rebase_new(request, slug, team_slug, measure_id):
    team = access.team_for_measures(request.user, slug, team_slug)
    measure = access.measure_for_rebase(request.user, team, measure_id)
    form = RebaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_rebase(
                measure=measure,
                team=team,
                period=form.cleaned_data["period"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{measure.name} starts again from "
                f"{form.cleaned_data['period']:%B %Y}, with its own mean and limits.",
            )
            return redirect(
                reverse("team_measures", args=[slug, team_slug]) + f"#measure-{measure.pk}"
            )
    return render(
        request,
        "outcomes/rebase.jinja",
        {
            "team": team,
            "measure": measure,
            "form": form,
            "errors": error_list(form),
            "cancel": reverse("team_measures", args=[slug, team_slug]),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (team.name, team.get_absolute_url()),
                ("Measures", reverse("team_measures", args=[slug, team_slug])),
                ("Start again", ""),
            ),
        },
        status=status_for(form),
    )


@login_required
@require_POST
def rebase_remove(request, slug, team_slug, rebase_id):
    team = access.team_for_measures(request.user, slug, team_slug)
    rebase = access.rebase_for_removal(request.user, team, rebase_id)
    actions.remove_rebase(rebase=rebase)
    messages.success(
        request, f"{rebase.measure.name} no longer starts again in {rebase.period:%B %Y}."
    )
    return redirect(
        reverse("team_measures", args=[slug, team_slug]) + f"#measure-{rebase.measure_id}"
    )


def cell(measure, reading) -> dict:
    """One team's latest reading of one measure, in words, for the programme's table."""
    if reading is None or not reading.variation:
        return {"variation": "none", "text": None, "period": None}
    return {
        "variation": reading.variation,
        "text": VARIATION_WORDS[reading.variation][0],
        "value": measure.format(reading.value),
        "period": reading.period,
        "assurance": ASSURANCE_WORDS[reading.assurance][0] if reading.assurance else None,
    }


@login_required
def programme_outcomes(request, slug):
    programme, scope = access.programme_for_outcomes(request.user, slug)
    measures = access.measures_of(programme)
    label_field = "pseudonym" if scope.pseudonyms_only else "name"
    teams = scope.teams.select_related("organisation").order_by(label_field, "pk")
    pages = paginate(request, teams, per_page=25)
    page_teams = list(pages.items)
    readings = access.readings_by_measure(page_teams)
    rules = access.row_rules(request.user, programme)
    rows = []
    for team in page_teams:
        opens, named = rules(team.pk, team.organisation_id)
        rows.append(
            {
                "label": team.name if named else team.pseudonym,
                "href": reverse("team_measures", args=[programme.slug, team.slug])
                if opens
                else None,
                "cells": [cell(m, readings.get((team.pk, m.pk))) for m in measures],
            }
        )
    latest = [c["period"] for row in rows for c in row["cells"] if c["period"]]
    return render(
        request,
        "outcomes/programme.jinja",
        {
            "programme": programme,
            "scope": scope,
            "measures": measures,
            "rows": rows,
            "pages": pages,
            "latest_month": max(latest, default=None),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("Outcomes", ""),
            ),
        },
    )
