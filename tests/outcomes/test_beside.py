"""Fidelity beside outcomes: for the lead (teams by name) and evaluators (pseudonyms only),
each team's change in fidelity next to its change in a measure, worked out from the
stored reviews and values, with the warning that it is an association, not an effect."""

import csv
import io
import statistics

import pytest
from django.urls import reverse

from fidelis.outcomes import beside, charts
from fidelis.outcomes.models import Measure, MeasureValue
from fidelis.programmes.models import Team, add_months
from fidelis.reviews.models import Review, Status
from tests.conftest import page_text


def page_url(programme, measure=""):
    url = reverse("fidelity_beside", args=[programme.slug])
    return url + (f"?measure={measure}" if measure else "")


def csv_url(programme):
    return reverse("fidelity_beside_csv", args=[programme.slug])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("evaluator", 200),
        ("reviewer", 403),
        ("facilitator", 403),
        ("sponsor", 403),
        ("manager", 403),
        ("member", 403),
        ("other", 403),
    ],
)
def test_fidelity_beside_outcomes_is_for_the_lead_and_evaluators(
    persona, status, as_user, programme
):
    client = as_user(persona)
    assert client.get(page_url(programme)).status_code == status
    assert client.get(csv_url(programme)).status_code == status
    outcomes = page_text(client.get(reverse("programme_outcomes", args=[programme.slug])))
    assert ("Fidelity beside outcomes" in outcomes) == (status == 200)


def expected(programme, team, key):
    """The team's change in fidelity and in the measure, worked out here from the rows."""
    timepoints = list(programme.timepoints.order_by("order"))
    totals = {
        r.timepoint_id: r.total for r in Review.objects.filter(team=team, status=Status.FINALISED)
    }
    start = programme.start_date.replace(day=1)
    values = {v.period: v.value for v in MeasureValue.objects.filter(team=team, measure__key=key)}
    before = [values[p] for p in (add_months(start, k) for k in range(-6, 0)) if p in values]
    after = [values[p] for p in (add_months(start, k) for k in range(6, 12)) if p in values]
    fidelity = totals[timepoints[-1].pk] - totals[timepoints[0].pk]
    return fidelity, statistics.fmean(after) - statistics.fmean(before)


def test_each_teams_changes_are_worked_out_from_its_reviews_and_values(as_user, programme):
    ashby = Team.objects.get(slug="ashby-crisis-resolution-team")
    fidelity, change = expected(programme, ashby, "assessed-4h")
    text = page_text(as_user("lead").get(page_url(programme, "assessed-4h")))
    assert f"Ashby Crisis Resolution Team {ashby_totals(programme, ashby)}" in text
    assert f"{fidelity:+d}" in text and f"{change:+.1f}" in text
    rows = list(
        csv.DictReader(io.StringIO(as_user("lead").get(csv_url(programme)).content.decode()))
    )
    mine = next(r for r in rows if r["team"] == ashby.name and r["measure"] == "assessed-4h")
    assert int(mine["fidelity_change"]) == fidelity
    assert float(mine["measure_change"]) == pytest.approx(change, abs=1e-4)
    assert (mine["before_months"], mine["after_months"]) == ("6", "6")
    measures = Measure.objects.filter(programme=programme).count()
    assert len(rows) == measures * Team.objects.in_programme(programme).count()


def ashby_totals(programme, team) -> str:
    first, last = beside.first_and_last_timepoints(programme)
    totals = dict(
        Review.objects.filter(team=team, status=Status.FINALISED).values_list(
            "timepoint_id", "total"
        )
    )
    return f"{totals[first.pk]} {totals[last.pk]}"


def test_a_team_without_its_last_review_is_listed_but_not_compared(as_user, programme):
    text = page_text(as_user("lead").get(page_url(programme)))
    _, last = beside.first_and_last_timepoints(programme)
    missing = Team.objects.in_programme(programme).exclude(
        pk__in=Review.objects.filter(timepoint=last, status=Status.FINALISED).values("team_id")
    )
    assert missing.exists()
    for team in missing:
        assert f"{team.name} Not compared: no finalised last review" in text
    compared = Team.objects.in_programme(programme).count() - missing.count()
    assert f"{compared} teams of {Team.objects.in_programme(programme).count()} can be " in text
    assert "not as evidence that fidelity changed the outcome" in text


def test_the_evaluator_sees_pseudonyms_only_on_the_page_and_in_the_file(as_user, programme):
    client = as_user("evaluator")
    text = page_text(client.get(page_url(programme, "admissions")))
    data = client.get(csv_url(programme)).content.decode()
    for team in Team.objects.in_programme(programme):
        assert team.name not in text and team.name not in data
        assert team.pseudonym in text and team.pseudonym in data
    assert "Teams are shown by their pseudonyms." in text


def test_an_unknown_measure_is_not_found(as_user, programme):
    assert as_user("lead").get(page_url(programme, "happiness")).status_code == 404


def test_the_summary_counts_the_teams_by_direction(programme):
    measure = Measure.objects.get(programme=programme, key="admissions")
    teams = list(Team.objects.in_programme(programme))
    rows = beside.changes(programme, teams, measure)
    found = beside.summary(rows, measure)
    complete = [r for r in rows if r.complete]
    assert found.n == len(complete)
    # Fewer admissions is better: a team whose admissions fell counts as improved.
    improved = sum(1 for r in complete if r.measure_change < 0)
    assert found.up_better + found.not_up_better == improved
    assert found.up_better + found.up_worse == sum(1 for r in complete if r.fidelity_change > 0)


def test_the_kept_window_means_are_those_of_the_values(programme, django_assert_num_queries):
    windows = beside.windows_of(programme)
    for measure in Measure.objects.filter(programme=programme):
        with django_assert_num_queries(2):  # the readings only, not the values
            kept = beside.window_means(measure, windows)
        live = beside.live_window_means(measure, windows)
        assert kept.keys() == live.keys() and kept
        for team_id, (before, before_n, after, after_n) in live.items():
            assert kept[team_id][1::2] == (before_n, after_n)
            assert kept[team_id][0] == pytest.approx(before)
            assert kept[team_id][2] == pytest.approx(after)


def test_when_the_programme_start_moves_the_page_uses_the_new_windows(as_user, programme):
    programme.start_date = add_months(programme.start_date, -2)
    programme.save(update_fields=["start_date"])
    ashby = Team.objects.get(slug="ashby-crisis-resolution-team")
    fidelity, change = expected(programme, ashby, "assessed-4h")
    text = page_text(as_user("lead").get(page_url(programme, "assessed-4h")))
    assert f"{fidelity:+d}" in text and f"{change:+.1f}" in text
    windows = beside.windows_of(programme)
    measure = Measure.objects.get(programme=programme, key="assessed-4h")
    assert beside.window_means(measure, windows) == beside.live_window_means(measure, windows)


def test_a_step_cuts_the_span_into_at_most_the_bands():
    assert charts.nice_step(20, 20) == 1
    assert charts.nice_step(21, 20) == 2
    assert charts.nice_step(45, 20) == 2.5
    assert charts.nice_step(0.7, 20) == 0.05
    assert charts.nice_step(0, 20) == 1


def test_past_the_limit_teams_are_drawn_in_groups_that_hold_every_team():
    few = [(k % 5, k / 10) for k in range(charts.BESIDE_MOST_POINTS)]
    assert charts.beside_points(few).step is None
    assert len(charts.beside_points(few).values) == len(few)
    many = [(k % 5 - 2, (k * 37 % 101) / 7 - 6) for k in range(1000)]
    found = charts.beside_points(many)
    assert found.step == 1
    assert sum(v["teams"] for v in found.values) == 1000
    assert len(found.values) < 200
    for x, y in many:  # each team's group is at its fidelity change, in its band
        band = next(
            v
            for v in found.values
            if v["fidelity"] == x and abs(v["measure"] - y) <= found.step / 2 + 1e-9
        )
        assert band["teams"] >= 1


def test_the_page_says_when_the_plot_groups_teams(as_user, programme, monkeypatch):
    text = page_text(as_user("lead").get(page_url(programme, "admissions")))
    assert "too many to draw one by one" not in text
    monkeypatch.setattr(charts, "BESIDE_MOST_POINTS", 1)
    text = page_text(as_user("lead").get(page_url(programme, "admissions")))
    assert "teams are too many to draw one by one: each circle is the teams with the same " in text
    assert "within the same band of " in text
