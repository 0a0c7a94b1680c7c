"""Importing monthly values: every row checked before any is saved, problems named by
line, the same file twice changing nothing, CSV and Excel alike."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from fidelis.outcomes import importer
from fidelis.outcomes.models import Measure, MeasureValue, Reading
from fidelis.programmes.models import Team
from tests.conftest import page_text

ASHBY = "ashby-crisis-resolution-team"
HEADER = "team,period,measure,value,numerator,denominator\n"
GOOD = (
    HEADER + f"{ASHBY},2031-01,assessed-4h,,40,50\n"
    "Ashby Crisis Resolution Team,2031-01-15,staff-wellbeing,6.5,,\n"
    f"{ASHBY},2031-02,staff-wellbeing,6.1,,\n"
)


def snapshot():
    return sorted(
        MeasureValue.objects.values_list("team_id", "measure_id", "period", "value", "numerator")
    )


def run(programme, text, name="values.csv"):
    rows = importer.read_rows(name, text.encode())
    return importer.save(importer.check(rows, programme))


def test_a_good_file_adds_its_values_and_the_readings_follow(programme):
    before = MeasureValue.objects.count()
    outcome = run(programme, GOOD)
    assert (outcome.created, outcome.changed, outcome.unchanged) == (3, 0, 0)
    assert MeasureValue.objects.count() == before + 3
    ashby = Team.objects.get(slug=ASHBY)
    rate = MeasureValue.objects.get(team=ashby, measure__key="assessed-4h", period="2031-01-01")
    assert (rate.value, rate.numerator, rate.denominator) == (80.0, 40, 50)
    reading = Reading.objects.get(team=ashby, measure__key="staff-wellbeing")
    assert (str(reading.period), reading.value) == ("2031-02-01", 6.1)


def test_the_same_file_twice_changes_nothing_and_a_changed_value_replaces_the_old(programme):
    run(programme, GOOD)
    before = snapshot()
    again = run(programme, GOOD)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert snapshot() == before
    changed = run(programme, GOOD.replace("6.1", "7.0"))
    assert (changed.created, changed.changed, changed.unchanged) == (0, 1, 2)
    assert MeasureValue.objects.get(period="2031-02-01", measure__key="staff-wellbeing").value == 7


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("nowhere,2031-03,csq8,25,,", "line 5: no team 'nowhere'"),
        (f"{ASHBY},2031-03,happiness,25,,", "line 5: no measure 'happiness'"),
        (f"{ASHBY},March,csq8,25,,", "line 5: period: 'March' is not a period"),
        (f"{ASHBY},7,csq8,25,,", "line 5: period: '7' is not a month"),
        (f"{ASHBY},2031-03,csq8,lots,,", "line 5: value 'lots' is not a number"),
        (f"{ASHBY},2031-03,csq8,,,", "line 5: the value is missing"),
        (f"{ASHBY},2031-03,assessed-4h,,40,", "line 5: give both numerator and denominator"),
        (f"{ASHBY},2031-03,assessed-4h,,60,50", "line 5: the numerator must be from 0"),
        (f"{ASHBY},2031-03,assessed-4h,90,40,50", "line 5: value 90 does not match 40 / 50"),
        (f"{ASHBY},2031-03,csq8,25,20,32", "line 5: Satisfaction (CSQ-8) is not a rate"),
        (f"{ASHBY},2031-02-20,staff-wellbeing,6,,", "line 5: Ashby Crisis Resolution Team"),
    ],
)
def test_one_bad_row_refuses_the_whole_file_naming_its_line(programme, bad_row, message):
    before = snapshot()
    with pytest.raises(importer.ImportRefused) as refused:
        run(programme, GOOD + bad_row + "\n")
    assert any(problem.startswith(message) for problem in refused.value.problems), (
        refused.value.problems
    )
    assert snapshot() == before


def test_an_excel_file_imports_as_the_csv_does(programme):
    book = Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append([cell or None for cell in line.split(",")])
    data = io.BytesIO()
    book.save(data)
    outcome = importer.save(
        importer.check(importer.read_rows("values.xlsx", data.getvalue()), programme)
    )
    assert outcome.created == 3
    with pytest.raises(importer.ImportRefused, match="problem"):
        importer.read_rows("values.xlsx", b"not a workbook")


def test_a_file_without_the_columns_is_refused_at_its_header(programme):
    with pytest.raises(importer.ImportRefused) as refused:
        importer.read_rows("values.csv", b"name,month\nx,y\n")
    assert refused.value.problems == ["line 1: the header has no column team, period, measure"]


def test_the_command_imports_or_refuses_with_file_and_line(programme, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    out = io.StringIO()
    call_command("measures", "import", str(good), "--programme", programme.slug, stdout=out)
    assert out.getvalue().startswith("3 new values, 0 changed, 0 already as in the file")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"{ASHBY},2031-05,csq8,many,,\n")
    out = io.StringIO()
    before = snapshot()
    with pytest.raises(CommandError, match="1 problem; nothing was imported"):
        call_command("measures", "import", str(bad), "--programme", programme.slug, stdout=out)
    assert f"{bad}:2: value 'many' is not a number" in out.getvalue()
    assert snapshot() == before
    with pytest.raises(CommandError, match="no programme 'nope'"):
        call_command("measures", "import", str(good), "--programme", "nope")
    assert Measure.objects.filter(programme=programme).count() == 7


# The import as a page: the lead for any team, a team's manager for their own team.


def team_import_url(programme, team_slug=ASHBY):
    return reverse("team_import", args=[programme.slug, team_slug])


def upload(client, url, text, name="values.csv"):
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode())})


@pytest.mark.parametrize(
    ("persona", "team_page", "programme_page"),
    [
        ("lead", 200, 200),
        ("manager", 200, 403),
        ("member", 403, 403),
        ("facilitator", 403, 403),
        ("sponsor", 403, 403),
        ("reviewer", 403, 403),
        ("evaluator", 404, 403),
        ("other", 404, 403),
    ],
)
def test_values_are_imported_by_the_lead_and_the_teams_own_manager(
    persona, team_page, programme_page, as_user, programme
):
    client = as_user(persona)
    assert client.get(team_import_url(programme)).status_code == team_page
    template = reverse("team_import_template", args=[programme.slug, ASHBY])
    assert client.get(template).status_code == team_page
    assert client.get(reverse("programme_import", args=[programme.slug])).status_code == (
        programme_page
    )
    before = snapshot()
    response = upload(client, team_import_url(programme), GOOD)
    assert response.status_code == (302 if team_page == 200 else team_page)
    assert (snapshot() != before) == (team_page == 200)


def test_a_manager_imports_their_teams_file_and_sees_it_counted(as_user, programme):
    client = as_user("manager")
    page = client.get(team_import_url(programme))
    text = page_text(page)
    assert "Download a file to fill in" in text and "assessed-4h" in text
    response = upload(client, team_import_url(programme), GOOD)
    assert response["Location"] == reverse("team_measures", args=[programme.slug, ASHBY])
    shown = page_text(client.get(response["Location"]))
    assert "values.csv imported: 3 new values, 0 changed, 0 already as in the file." in shown
    again = upload(client, team_import_url(programme), GOOD)
    assert "0 new values, 0 changed, 3 already as in the file" in page_text(
        client.get(again["Location"])
    )


def test_a_managers_file_naming_another_team_is_refused_whole_without_naming_it(as_user, programme):
    before = snapshot()
    other = Team.objects.in_programme(programme).exclude(slug=ASHBY).first()
    response = upload(
        as_user("manager"),
        team_import_url(programme),
        GOOD + f"{other.slug},2031-03,csq8,25,,\nnowhere,2031-03,csq8,25,,\n",
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "values.csv has 2 problems, listed below: nothing was imported." in text
    assert f"Line 5: team '{other.slug}' is not Ashby Crisis Resolution Team" in text
    assert "Line 6: team 'nowhere' is not Ashby Crisis Resolution Team" in text
    assert other.name not in text
    assert snapshot() == before


def test_the_lead_imports_any_teams_values_from_the_programme_page(as_user, programme):
    client = as_user("lead")
    other = Team.objects.in_programme(programme).exclude(slug=ASHBY).first()
    url = reverse("programme_import", args=[programme.slug])
    response = upload(client, url, GOOD + f"{other.slug},2031-03,csq8,25,,\n")
    assert response["Location"] == reverse("programme_outcomes", args=[programme.slug])
    assert MeasureValue.objects.get(team=other, period="2031-03-01").value == 25
    assert "Import monthly values for any of the teams" in page_text(
        client.get(response["Location"])
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("values.txt", GOOD, "The file must be a CSV file (.csv) or an Excel workbook"),
        ("values.csv", "", "The file chosen is empty."),
        ("values.xlsx", "not a workbook", "not an Excel workbook (.xlsx) Fidelis can read"),
        ("values.csv", "name,month\nx,y\n", "Line 1: the header has no column team"),
        ("values.csv", HEADER, "The file has no rows of values"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(
    as_user, programme, name, content, message
):
    before = snapshot()
    response = upload(as_user("manager"), team_import_url(programme), content, name)
    assert response.status_code == 400
    assert message in page_text(response)
    assert page_text(response).startswith("Error:") or "There is a problem" in page_text(response)
    assert snapshot() == before


def test_no_file_chosen_is_refused_with_a_message(as_user, programme):
    response = as_user("manager").post(team_import_url(programme), {})
    assert response.status_code == 400
    assert "Choose the file of monthly values to import." in page_text(response)


def test_the_templates_hold_a_row_per_team_and_measure_for_last_month(as_user, programme):
    measures = Measure.objects.filter(programme=programme).count()
    team_file = as_user("manager").get(
        reverse("team_import_template", args=[programme.slug, ASHBY])
    )
    assert team_file["Content-Disposition"] == f'attachment; filename="{ASHBY}-values.csv"'
    lines = team_file.content.decode().splitlines()
    assert lines[0] == "team,period,measure,value,numerator,denominator," + ",".join(
        f"q{n}" for n in range(1, 9)
    )
    assert len(lines) == 1 + measures
    assert all(line.startswith(f"{ASHBY},") for line in lines[1:])
    whole = as_user("lead").get(reverse("programme_import_template", args=[programme.slug]))
    teams = Team.objects.in_programme(programme).count()
    assert len(whole.content.decode().splitlines()) == 1 + teams * measures


# CSQ-8 from its returns: one row per return, the month's value the mean total.

Q_HEADER = "team,period,measure,value,q1,q2,q3,q4,q5,q6,q7,q8\n"
RETURNS = (
    Q_HEADER + f"{ASHBY},2031-01,csq8,,4,4,3,3,4,3,4,4\n"  # 29
    f"{ASHBY},2031-01,csq8,,2,3,3,2,3,3,2,2\n"  # 20
    f"{ASHBY},2031-01,csq8,,4,4,4,4,4,4,4,4\n"  # 32
    f"{ASHBY},2031-02,csq8,,1,1,1,1,1,1,1,1\n"  # 8
)


def test_csq8_returns_become_the_months_mean_total(programme):
    outcome = run(programme, RETURNS)
    assert (outcome.created, outcome.changed, outcome.unchanged) == (2, 0, 0)
    january = MeasureValue.objects.get(measure__key="csq8", period="2031-01-01", team__slug=ASHBY)
    assert january.value == pytest.approx((29 + 20 + 32) / 3)
    assert january.responses == 3
    february = MeasureValue.objects.get(measure__key="csq8", period="2031-02-01", team__slug=ASHBY)
    assert (february.value, february.responses) == (8, 1)
    before = snapshot()
    again = run(programme, RETURNS)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (f"{ASHBY},2031-01,csq8,,4,4,3,3,5,3,4,4", "line 6: Satisfaction (CSQ-8): item 5: '5'"),
        (f"{ASHBY},2031-01,csq8,,4,4,3,3,,3,4,4", "line 6: Satisfaction (CSQ-8): item 5 is not"),
        (f"{ASHBY},2031-01,csq8,25,4,4,3,3,4,3,4,4", "line 6: a return gives its answers only"),
        (f"{ASHBY},2031-01,staff-wellbeing,,4,4,3,3,4,3,4,4", "line 6: Staff wellbeing takes a"),
        (f"{ASHBY},2031-01,csq8,26,,,,,,,,", "line 6: Ashby Crisis Resolution Team, Satisfact"),
    ],
)
def test_a_return_that_cannot_count_refuses_the_file(programme, bad_row, message):
    before = snapshot()
    with pytest.raises(importer.ImportRefused) as refused:
        run(programme, RETURNS + bad_row + "\n")
    assert any(p.startswith(message) for p in refused.value.problems), refused.value.problems
    assert snapshot() == before


def test_the_months_table_says_how_many_returns_a_mean_is_of(as_user, programme):
    run(programme, RETURNS)
    text = page_text(as_user("manager").get(reverse("team_measures", args=[programme.slug, ASHBY])))
    assert "27 points (3 returns)" in text
