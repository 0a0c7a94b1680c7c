"""The exports open with the csv module and openpyxl, agree with each other and with the
dashboards cell for cell, and hold only what the person's dashboard shows."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fidelis.programmes.models import Team
from fidelis.reviews.models import ConsensusItem, Review, Status
from tests.benchmarks.test_dashboards import ASHBY, heat_labels, programme_url

KINDS = ("long", "wide")


def programme_export(client, programme, kind, fmt):
    response = client.get(reverse("programme_export", args=[programme.slug, kind, fmt]))
    assert response.status_code == 200
    return response


def team_export(client, programme, kind, fmt, team=ASHBY):
    response = client.get(reverse("team_export", args=[programme.slug, team, kind, fmt]))
    assert response.status_code == 200
    return response


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Scores", "Data dictionary"]
    scores = [list(row) for row in workbook["Scores"].iter_rows(values_only=True)]
    dictionary = [list(row) for row in workbook["Data dictionary"].iter_rows(values_only=True)]
    return scores, dictionary


def as_text(value) -> str:
    return "" if value is None else str(value)


def cell(value):
    """A cell's value as either file gives it: numbers as numbers (a spreadsheet keeps 3.0
    as 3), the rest as text."""
    text = as_text(value)
    try:
        return float(text)
    except ValueError:
        return text


@pytest.mark.parametrize("kind", KINDS)
def test_csv_and_xlsx_hold_the_same_cells(kind, as_user, programme):
    client = as_user("lead")
    from_csv = read_csv(programme_export(client, programme, kind, "csv"))
    from_xlsx, dictionary = read_xlsx(programme_export(client, programme, kind, "xlsx"))
    assert [[cell(v) for v in row] for row in from_xlsx] == [
        [cell(v) for v in row] for row in from_csv
    ]
    # Every column is explained in the data dictionary, in order.
    assert [row[0] for row in dictionary[1 : len(from_csv[0]) + 1]] == from_csv[0]
    assert all(row[1] for row in dictionary[1 : len(from_csv[0]) + 1])


def test_the_long_export_holds_every_agreed_item_score(as_user, programme):
    header, *rows = read_csv(programme_export(as_user("lead"), programme, "long", "csv"))
    assert header[:5] == ["programme", "team", "organisation", "timepoint", "review_date"]
    reviews = Review.objects.filter(
        team__organisation__programme=programme, status=Status.FINALISED
    )
    items = programme.scale.items.count()
    assert len(rows) == reviews.count() * items
    agreed = {
        (c.review.team.name, c.review.timepoint.label, c.item.number): c.score
        for c in ConsensusItem.objects.filter(review__in=reviews).select_related(
            "review__team", "review__timepoint", "item"
        )
    }
    column = {name: i for i, name in enumerate(header)}
    for row in rows:
        key = (row[column["team"]], row[column["timepoint"]], int(row[column["item"]]))
        assert as_text(agreed[key]) == row[column["score"]]


def test_the_wide_export_agrees_with_the_programme_dashboard(as_user, programme):
    """Cell for cell: each heatmap row's total and item scores are the export's."""
    client = as_user("lead")
    header, *rows = read_csv(programme_export(client, programme, "wide", "csv"))
    column = {name: i for i, name in enumerate(header)}
    at_12 = {r[column["team"]]: r for r in rows if r[column["timepoint"]] == "12 months"}
    response = client.get(programme_url(programme, timepoint="12m"))
    html = response.content.decode()
    table = html.split('class="nhsuk-table fidelis-heatmap"', 1)[1].split("</table>", 1)[0]
    body_rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.S)
    labels = heat_labels(response)
    assert len(body_rows) == len(labels) == len(at_12)
    items = [i.number for i in programme.scale.definition.items]
    for label, row_html in zip(labels, body_rows, strict=True):
        cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]
        exported = at_12[label]
        assert cells[0] == exported[column["total"]]
        item_cells = cells[-len(items) :]
        assert item_cells == [exported[column[f"item_{n}"]] or "–" for n in items]


def test_the_team_export_agrees_with_the_team_dashboard(as_user, programme):
    client = as_user("manager")
    header, *rows = read_csv(team_export(client, programme, "wide", "csv"))
    column = {name: i for i, name in enumerate(header)}
    assert {r[column["team"]] for r in rows} == {"Ashby Crisis Resolution Team"}
    html = client.get(reverse("team_dashboard", args=[programme.slug, ASHBY])).content.decode()
    path = html.split('id="path"', 1)[1].split("</table>", 1)[0]
    shown = []
    for row_html in re.findall(r'<tr role="row" class="nhsuk-table__row">(.*?)</tr>', path, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>.*?</span>(.*?)</td>", row_html, re.S)
        ]
        shown.append(cells)
    assert len(shown) == len(rows)
    sections = [n for n in header if n.startswith("section_")]
    for cells, row in zip(shown, rows, strict=True):
        assert cells[0].startswith(row[column["timepoint"]])
        assert cells[1] == row[column["total"]]
        assert cells[2] == f"{float(row[column['mean_item_score']]):.2f}"
        assert cells[3] == (row[column["band"]] or "–")
        assert cells[5:] == [f"{float(row[column[s]]):.2f}" for s in sections]


def test_the_evaluators_export_has_pseudonyms_and_no_organisations(as_user, programme):
    header, *rows = read_csv(programme_export(as_user("evaluator"), programme, "long", "csv"))
    column = {name: i for i, name in enumerate(header)}
    pseudonyms = set(Team.objects.in_programme(programme).values_list("pseudonym", flat=True))
    assert {r[column["team"]] for r in rows} <= pseudonyms
    assert {r[column["organisation"]] for r in rows} == {""}
    body = b"".join(
        programme_export(as_user("evaluator"), programme, kind, "csv").content for kind in KINDS
    ).decode()
    names = Team.objects.in_programme(programme).values_list("name", flat=True)
    assert [n for n in names if n in body] == []


def test_pseudonymous_rows_are_ordered_by_pseudonym_not_by_name(as_user, programme):
    _header, *rows = read_csv(programme_export(as_user("evaluator"), programme, "wide", "csv"))
    labels = [r[1] for r in rows]
    assert labels == sorted(labels)


def test_a_sponsors_export_holds_their_organisations_teams_only(as_user, programme, users):
    organisation = users["sponsor"].memberships.get(role="sponsor").organisation
    for kind in KINDS:
        header, *rows = read_csv(programme_export(as_user("sponsor"), programme, kind, "csv"))
        column = {name: i for i, name in enumerate(header)}
        teams = set(organisation.teams.values_list("name", flat=True))
        assert rows and {r[column["team"]] for r in rows} <= teams
        assert {r[column["organisation"]] for r in rows} == {organisation.name}


def test_a_team_export_holds_that_team_only(as_user, programme):
    for kind in KINDS:
        _header, *rows = read_csv(team_export(as_user("lead"), programme, kind, "csv"))
        assert {r[1] for r in rows} == {"Ashby Crisis Resolution Team"}


def test_a_download_is_named_after_what_it_holds(as_user, programme):
    client = as_user("lead")
    team = team_export(client, programme, "long", "csv")
    assert team["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-{ASHBY}-scores-long.csv"'
    )
    whole = programme_export(client, programme, "wide", "xlsx")
    assert whole["Content-Disposition"] == (
        f'attachment; filename="{programme.slug}-scores-wide.xlsx"'
    )
