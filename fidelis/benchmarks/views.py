from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from fidelis import pdf
from fidelis.benchmarks import access, charts, dashboards, exports
from fidelis.pages import (
    breadcrumbs,
    contributions,
    drawn_once,
    fill_item_resources,
    item_resources,
    paginate,
)


def _team_context(request, team, head=None):
    programme = team.organisation.programme
    dashboard = dashboards.team_dashboard(request.user, team, head)
    context = {
        "team": team,
        "programme": programme,
        "dashboard": dashboard,
    }
    if dashboard.latest is not None:
        context["profile_chart"] = charts.section_profile(
            dashboard, dashboard.min_level, dashboard.max_level
        )
        context["path_chart"] = charts.path(
            dashboard.path, dashboard.min_level, dashboard.max_level
        )
    return context


@login_required
def team_dashboard(request, slug, team_slug):
    team = access.team_for_dashboard(request.user, slug, team_slug)
    programme = team.organisation.programme
    head = dashboards.team_head(request.user, team)
    body = None
    if head.latest is not None:
        body = drawn_once(
            head.key,
            "benchmarks/_team_body.jinja",
            lambda: {**_team_context(request, team, head), "on_screen": True},
        )
    if body is not None:
        body = fill_item_resources(
            body, request.user, scale_id=programme.scale_id, programme=programme, team_id=team.pk
        )
    context = {
        "team": team,
        "programme": programme,
        "head": head,
        "body": body,
        "breadcrumbs": breadcrumbs(
            ("Home", reverse("home")),
            (programme.name, programme.get_absolute_url()),
            (head.team_label, team.get_absolute_url()),
            ("Dashboard", ""),
        ),
    }
    return render(request, "benchmarks/team.jinja", context)


@login_required
def team_dashboard_pdf(request, slug, team_slug):
    team = access.team_for_dashboard(request.user, slug, team_slug)
    context = _team_context(request, team)
    if context["dashboard"].latest is None:
        raise Http404("No finalised review yet")
    sections = (section(request.user, team) for section in contributions("FIDELIS_DASHBOARD_PDF"))
    context["sections"] = [s for s in sections if s is not None]
    programme = team.organisation.programme
    context["resources_by_item"] = item_resources(
        request.user,
        scale_id=programme.scale_id,
        numbers=[i.number for i in context["dashboard"].priorities],
        programme=programme,
        team_id=team.pk,
        base_url=request.build_absolute_uri("/"),
    )
    html = pdf.render_html("benchmarks/team_pdf.jinja", context)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{team.slug}-dashboard.pdf"'
    return response


@login_required
def programme_dashboard(request, slug):
    programme, scope = access.programme_for_dashboard(request.user, slug)
    scale = programme.scale.definition if programme.scale else None
    # Which timepoints have figures, and when they were worked out: the figures themselves
    # are read only when the summary is drawn.
    timepoints, benchmarks = dashboards.timepoints_and_benchmarks(programme)
    chosen = request.GET.get("timepoint")
    benchmark = next(
        (b for b in benchmarks if b.timepoint.key == chosen),
        benchmarks[-1] if benchmarks else None,
    )
    filters = dashboards.Filters.from_request(request, programme, scope)
    pages = None
    rows = []
    summary = None
    if benchmark is not None and scale is not None:
        reviews = dashboards.heatmap_reviews(
            scope, programme, benchmark.timepoint, filters, first_timepoint=benchmarks[0].timepoint
        )
        # Two small queries whatever the teams' number: the count, and the page's ids.
        pages = paginate(request, reviews, per_page=25)
        rows = dashboards.heat_rows(
            request.user,
            scope,
            programme,
            list(pages.items),
            scale,
            timepoints=[b.timepoint for b in benchmarks] if len(benchmarks) > 1 else [],
        )
        summary = drawn_once(
            dashboards.summary_key(programme, benchmarks, benchmark),
            "benchmarks/_programme_summary.jinja",
            lambda: _summary_context(programme, scale, benchmark),
        )
    context = {
        "programme": programme,
        "scope": scope,
        "scale": scale,
        "benchmarks": benchmarks,
        "benchmark": benchmark,
        "filters": filters,
        "rows": rows,
        "pages": pages,
        "summary": summary,
        "progress": dashboards.progress(scope, timepoints),
        "breadcrumbs": breadcrumbs(
            ("Home", reverse("home")),
            (programme.name, programme.get_absolute_url()),
            ("Dashboard", ""),
        ),
    }
    return render(request, "benchmarks/programme.jinja", context)


def _summary_context(programme, scale, chosen) -> dict:
    """The network's figures for the summary, read in full (only when it is drawn)."""
    benchmarks = dashboards.benchmarks_of(programme)
    benchmark = next(b for b in benchmarks if b.pk == chosen.pk)
    shown = [b for b in benchmarks if access.comparison_allowed(programme, b.n_teams)]
    allowed = benchmark in shown
    return {
        "programme": programme,
        "benchmarks": benchmarks,
        "benchmark": benchmark,
        "shown": shown,
        "to_work_on": dashboards.items_to_work_on(benchmark, scale) if allowed else [],
        "moved": dashboards.items_that_moved(benchmark, scale) if allowed else [],
        "totals_chart": charts.totals_by_timepoint(
            shown, len(scale.items) * scale.min_level, len(scale.items) * scale.max_level
        )
        if shown
        else None,
    }


@login_required
def programme_export(request, slug, kind, fmt):
    programme, scope = access.programme_for_dashboard(request.user, slug)
    return exports.response(request.user, programme, scope.teams, scope, kind, fmt)


@login_required
def team_export(request, slug, team_slug, kind, fmt):
    team = access.team_for_dashboard(request.user, slug, team_slug)
    programme = team.organisation.programme
    scope = access.team_scope(request.user, team)
    return exports.response(
        request.user, programme, scope.teams, scope, kind, fmt, name=f"{programme.slug}-{team.slug}"
    )
