"""The measures' contributions to shared pages: the panel on the team page (the latest
reading of each chart, in words) and the section of the team's dashboard PDF (every chart,
with its reading and a table of its figures)."""

from django.urls import reverse

from fidelis.outcomes import access
from fidelis.outcomes.charts import measure_chart
from fidelis.pages import Panel


def team_panel(user, team) -> Panel | None:
    if not access.can_view_measures(user, team):
        return None
    programme = team.organisation.programme
    if not access.has_measures(programme):
        return None
    return Panel(
        "Measures",
        "outcomes/_team_panel.jinja",
        {
            "href": reverse("team_measures", args=[programme.slug, team.slug]),
            "months": access.months_with_values(team),
        },
    )


def dashboard_pdf_section(user, team) -> Panel | None:
    """The team's measures for its dashboard PDF: each chart with the numbered events
    under it, and one table of every measure's latest month, mean and limits."""
    if not access.can_view_measures(user, team):
        return None
    programme = team.organisation.programme
    measures = access.measures_of(programme)
    if not measures:
        return None
    values = access.values_by_measure(team)
    rebases = access.rebases_by_measure(team)
    annotations = access.annotations_for(team)
    charts = [
        measure_chart(m, values.get(m.pk, []), rebases.get(m.pk, []), annotations) for m in measures
    ]
    if not any(c.chart for c in charts):
        return None
    return Panel("The team's measures", "outcomes/_dashboard_pdf.jinja", {"charts": charts})
