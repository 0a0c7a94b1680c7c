"""Importing monthly values: every row checked before any is saved, problems named by
line, the same file twice changing nothing, CSV and Excel alike."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from fidelis.outcomes import importer
from fidelis.outcomes.models import Measure, MeasureValue, Reading
from fidelis.programmes.models import Team

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
