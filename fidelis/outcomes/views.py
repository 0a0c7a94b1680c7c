import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fidelis.charts import render_svg
from fidelis.downloads import table_response
from fidelis.forms import error_list, status_for
from fidelis.outcomes import access, actions, beside, importer
from fidelis.outcomes.charts import (
    ASSURANCE_WORDS,
    VARIATION_WORDS,
    beside_points,
    beside_spec,
    measure_chart,
)
from fidelis.outcomes.forms import ImportForm, MeasureForm, RebaseForm
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
            "can_import": access.can_import_values(request.user, team),
            "can_define": access.can_import_for_programme(request.user, programme),
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
            "can_import": access.can_import_for_programme(request.user, programme),
            "can_view_beside": access.can_view_beside(request.user, programme),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("Outcomes", ""),
            ),
        },
    )


#: How many of a refused file's problems the page lists (the rest are counted).
PROBLEMS_SHOWN = 200


def _import_page(request, *, programme, team, done: str, template_url: str, trail):
    """The import form for a team (its manager, or the lead) or for every team (the lead).
    A file with any problem is refused whole: the page names each problem by line, and
    nothing is saved."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importer.read_rows(upload.name, upload.read())
            values = importer.check(rows, programme, only_team=team)
        except importer.ImportRefused as refused:
            problems = refused.problems
            form.add_error(
                "file",
                f"{upload.name} has {len(problems)} problem{'s' if len(problems) != 1 else ''}"
                ", listed below: nothing was imported. Correct the file and choose it again.",
            )
        else:
            outcome = importer.save(values)
            messages.success(
                request,
                f"{upload.name} imported: {outcome.created} new values, {outcome.changed} "
                f"changed, {outcome.unchanged} already as in the file.",
            )
            return redirect(done)
    return render(
        request,
        "outcomes/import.jinja",
        {
            "programme": programme,
            "team": team,
            "form": form,
            "errors": error_list(form),
            "problems": problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - PROBLEMS_SHOWN),
            "measures": access.measures_of(programme),
            "can_define": access.can_import_for_programme(request.user, programme),
            "template_url": template_url,
            "cancel": done,
            "breadcrumbs": breadcrumbs(*trail),
        },
        status=status_for(form),
    )


@login_required
def team_import(request, slug, team_slug):
    team = access.team_for_import(request.user, slug, team_slug)
    programme = team.organisation.programme
    return _import_page(
        request,
        programme=programme,
        team=team,
        done=reverse("team_measures", args=[slug, team_slug]),
        template_url=reverse("team_import_template", args=[slug, team_slug]),
        trail=(
            ("Home", reverse("home")),
            (team.name, team.get_absolute_url()),
            ("Measures", reverse("team_measures", args=[slug, team_slug])),
            ("Import values", ""),
        ),
    )


@login_required
def programme_import(request, slug):
    programme = access.programme_for_import(request.user, slug)
    return _import_page(
        request,
        programme=programme,
        team=None,
        done=reverse("programme_outcomes", args=[slug]),
        template_url=reverse("programme_import_template", args=[slug]),
        trail=(
            ("Home", reverse("home")),
            (programme.name, programme.get_absolute_url()),
            ("Outcomes", reverse("programme_outcomes", args=[slug])),
            ("Import values", ""),
        ),
    )


def _template(name: str, teams, measures):
    """A file to fill in: one row per team and measure for last month, values blank."""
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime(
        "%Y-%m"
    )
    answers = max((m.response_items for m in measures), default=0)
    header = [*importer.COLUMNS, *(f"q{n}" for n in range(1, answers + 1))]
    blanks = ("",) * (len(header) - 3)
    rows = [(team.slug, last_month, measure.key, *blanks) for team in teams for measure in measures]
    return table_response(name, "csv", header, rows)


@login_required
def team_import_template(request, slug, team_slug):
    team = access.team_for_import(request.user, slug, team_slug)
    measures = access.measures_of(team.organisation.programme)
    return _template(f"{team.slug}-values", [team], measures)


@login_required
def programme_import_template(request, slug):
    programme = access.programme_for_import(request.user, slug)
    measures = access.measures_of(programme)
    return _template(f"{programme.slug}-values", access.teams_for_template(programme), measures)


def _beside_label(rules, row: beside.TeamChange) -> tuple[str, bool]:
    opens, named = rules(row.team_id, row.organisation_id)
    return (row.name if named else row.pseudonym), opens


@login_required
def fidelity_beside(request, slug):
    programme = access.programme_for_beside(request.user, slug)
    measures = access.measures_of(programme)
    measure = access.measure_for_beside(programme, request.GET.get("measure"))
    first, last = beside.first_and_last_timepoints(programme)
    context = {
        "programme": programme,
        "measures": measures,
        "measure": measure,
        "first": first,
        "last": last,
        "windows": beside.windows_of(programme),
        "min_months": beside.MIN_MONTHS,
        "breadcrumbs": breadcrumbs(
            ("Home", reverse("home")),
            (programme.name, programme.get_absolute_url()),
            ("Outcomes", reverse("programme_outcomes", args=[slug])),
            ("Fidelity beside outcomes", ""),
        ),
    }
    if measure is not None and first is not None:
        pseudonyms = access.sees_pseudonyms_only(request.user, programme)
        teams = access.teams_for_beside(programme, pseudonyms=pseudonyms)
        rows = beside.changes(programme, teams, measure)
        complete = [r for r in rows if r.complete]
        pages = paginate(request, rows, per_page=25)
        rules = access.row_rules(request.user, programme)
        shown = []
        for row in pages.items:
            label, opens = _beside_label(rules, row)
            shown.append(
                {
                    "row": row,
                    "label": label,
                    "href": reverse("team_measures", args=[slug, row.slug]) if opens else None,
                }
            )
        points = beside_points([(r.fidelity_change, r.measure_change) for r in complete])
        context |= {
            "pseudonyms": pseudonyms,
            "rows": shown,
            "pages": pages,
            "summary": beside.summary(rows, measure),
            "n_teams": len(rows),
            "grouped": points.step,
            "svg": render_svg(
                beside_spec(
                    points, measure, f"Change in fidelity total, {first.label} to {last.label}"
                )
            )
            if complete
            else None,
        }
    return render(request, "outcomes/beside.jinja", context)


BESIDE_COLUMNS = (
    "team",
    "measure",
    "fidelity_first",
    "fidelity_last",
    "fidelity_change",
    "before_mean",
    "before_months",
    "after_mean",
    "after_months",
    "measure_change",
)


@login_required
def fidelity_beside_csv(request, slug):
    """Every team and measure, long form: the figures of the page's table for each
    measure, teams labelled as the page labels them."""
    programme = access.programme_for_beside(request.user, slug)
    pseudonyms = access.sees_pseudonyms_only(request.user, programme)
    teams = access.teams_for_beside(programme, pseudonyms=pseudonyms)
    rules = access.row_rules(request.user, programme)
    first, last = beside.first_and_last_timepoints(programme)
    found = beside.totals(programme, first, last) if first else {}
    rows = []
    for measure in access.measures_of(programme):
        for row in beside.changes(programme, teams, measure, found):
            rows.append(
                (
                    _beside_label(rules, row)[0],
                    measure.key,
                    row.first_total,
                    row.last_total,
                    row.fidelity_change,
                    None if row.before.mean is None else round(row.before.mean, 4),
                    row.before.months,
                    None if row.after.mean is None else round(row.after.mean, 4),
                    row.after.months,
                    None if row.measure_change is None else round(row.measure_change, 4),
                )
            )
    return table_response(f"{programme.slug}-fidelity-beside-outcomes", "csv", BESIDE_COLUMNS, rows)


def _measures_trail(programme, last: str, *, to_list: bool = True):
    trail = [
        ("Home", reverse("home")),
        (programme.name, programme.get_absolute_url()),
        ("Outcomes", reverse("programme_outcomes", args=[programme.slug])),
    ]
    if to_list:
        trail.append(("Measures", reverse("programme_measures", args=[programme.slug])))
    return breadcrumbs(*trail, (last, ""))


@login_required
def programme_measures(request, slug):
    programme = access.programme_for_measures(request.user, slug)
    return render(
        request,
        "outcomes/measures.jinja",
        {
            "programme": programme,
            "measures": access.measures_with_counts(programme),
            "starter": actions.STARTER_MEASURES,
            "breadcrumbs": _measures_trail(programme, "Measures", to_list=False),
        },
    )


@login_required
@require_POST
def starter_measures(request, slug):
    programme = access.programme_for_measures(request.user, slug)
    added = actions.add_starter_measures(programme=programme)
    if added:
        messages.success(request, f"{len(added)} starter measures added.")
    else:
        messages.info(request, "The programme already has every starter measure.")
    return redirect("programme_measures", slug)


def _measure_form(request, programme, measure):
    form = (
        MeasureForm(request.POST)
        if request.method == "POST"
        else MeasureForm(initial=MeasureForm.initial_for(measure))
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_measure(
                programme=programme, measure=measure, definition=form.definition()
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                f"{saved.name} {'saved' if measure else 'added'}: every team's "
                "charts of it read by its definition.",
            )
            return redirect("programme_measures", programme.slug)
    errors = error_list(form)
    return render(
        request,
        "outcomes/measure_form.jinja",
        {
            "programme": programme,
            "measure": measure,
            "form": form,
            "errors": errors,
            "cancel": reverse("programme_measures", args=[programme.slug]),
            "breadcrumbs": _measures_trail(
                programme, f"Change {measure.name}" if measure else "Add a measure"
            ),
        },
        status=status_for(form),
    )


@login_required
def measure_new(request, slug):
    programme = access.programme_for_measures(request.user, slug)
    return _measure_form(request, programme, None)


@login_required
def measure_edit(request, slug, measure_id):
    programme, measure = access.measure_for_edit(request.user, slug, measure_id)
    return _measure_form(request, programme, measure)


@login_required
@require_POST
def measure_remove(request, slug, measure_id):
    _, measure = access.measure_for_edit(request.user, slug, measure_id)
    try:
        actions.remove_measure(measure=measure)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{measure.name} removed.")
    return redirect("programme_measures", slug)
