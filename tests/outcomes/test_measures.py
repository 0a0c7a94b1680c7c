"""Routine measures as XmR charts: who sees a team's charts and the programme's readings,
what the demo's charts say in words, and starting a chart again (a rebase)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fidelis import pdf
from fidelis.improvement.models import Action, ActionStatus, Goal
from fidelis.outcomes import actions
from fidelis.outcomes.charts import VARIATION_WORDS, chart_of
from fidelis.outcomes.models import Measure, MeasureValue, Reading, Rebase
from fidelis.programmes.models import Team
from tests.conftest import page_text

ASHBY = "ashby-crisis-resolution-team"
MARLPIT = "marlpit-crisis-team"


def measures_url(programme, team_slug=ASHBY):
    return reverse("team_measures", args=[programme.slug, team_slug])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("reviewer", 200),
        ("facilitator", 200),
        ("sponsor", 200),
        ("manager", 200),
        ("member", 200),
        ("evaluator", 404),
        ("other", 404),
    ],
)
def test_a_teams_measures_are_for_those_who_open_the_team(persona, status, as_user, programme):
    assert as_user(persona).get(measures_url(programme)).status_code == status


def test_the_demo_charts_say_what_they_show_in_words(as_user, programme):
    ashby = page_text(as_user("manager").get(measures_url(programme)))
    assert "Referrals assessed within 4 hours : improving, higher" in ashby
    assert "Special cause improvement: a real rise" in ashby
    assert "Admissions per 100 episodes : common cause" in ashby
    assert "6 months review" in as_user("manager").get(measures_url(programme)).content.decode()
    marlpit = page_text(as_user("facilitator").get(measures_url(programme, MARLPIT)))
    assert "Readmissions within 28 days : concern, higher" in marlpit
    # Every chart has its table of values, newest month first.
    assert "The values as a table (24 months)" in ashby


def test_the_charts_match_the_stored_values(programme):
    ashby = Team.objects.get(slug=ASHBY)
    measure = Measure.objects.get(programme=programme, key="assessed-4h")
    values = list(MeasureValue.objects.filter(team=ashby, measure=measure).order_by("period"))
    assert len(values) == 24
    [group] = chart_of(measure, [(v.period, v.value) for v in values]).groups
    assert group.mean == pytest.approx(sum(v.value for v in values) / 24)
    for value in values:  # a rate is its numerator over its denominator, in per cent
        assert value.value == pytest.approx(100 * value.numerator / value.denominator, abs=0.05)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("reviewer", 200),
        ("evaluator", 200),
        ("facilitator", 200),
        ("sponsor", 200),
        ("manager", 403),
        ("member", 403),
        ("other", 403),
    ],
)
def test_the_programmes_outcomes_are_for_those_with_the_dashboard(
    persona, status, as_user, programme
):
    url = reverse("programme_outcomes", args=[programme.slug])
    assert as_user(persona).get(url).status_code == status


def test_the_evaluator_sees_every_teams_reading_under_pseudonyms_only(as_user, programme):
    url = reverse("programme_outcomes", args=[programme.slug])
    text = page_text(as_user("evaluator").get(url))
    teams = list(Team.objects.in_programme(programme))
    assert all(t.pseudonym in text for t in teams)
    assert not any(t.name in text for t in teams)
    lead = page_text(as_user("lead").get(url))
    assert "Ashby Crisis Resolution Team" in lead and "Improving, higher" in lead
    # A facilitator sees their own teams, by name, and no other.
    facilitator = page_text(as_user("facilitator").get(url))
    assert "Ashby Crisis Resolution Team" in facilitator
    assert "Kestrel Bay Crisis Team" not in facilitator


def test_the_lead_starts_a_chart_again_with_a_reason(as_user, programme, users):
    ashby = Team.objects.get(slug=ASHBY)
    measure = Measure.objects.get(programme=programme, key="assessed-4h")
    months = list(
        MeasureValue.objects.filter(team=ashby, measure=measure)
        .order_by("period")
        .values_list("period", flat=True)
    )
    url = reverse("measure_rebase", args=[programme.slug, ASHBY, measure.pk])
    assert as_user("lead").get(url).status_code == 200
    assert as_user("manager").get(url).status_code == 403
    refused = as_user("lead").post(url, {"period": months[13].isoformat()})
    assert refused.status_code == 400
    assert "Say what changed in the service" in page_text(refused)
    first = as_user("lead").post(url, {"period": months[0].isoformat(), "reason": "New model"})
    assert first.status_code == 400 and "already starts in this month" in page_text(first)
    assert not Rebase.objects.exists()
    for persona in ("manager", "facilitator", "sponsor"):
        assert (
            as_user(persona)
            .post(url, {"period": months[13].isoformat(), "reason": "x"})
            .status_code
            == 403
        )
    assert not Rebase.objects.exists()
    done = as_user("lead").post(
        url,
        {
            "period": (months[13] + datetime.timedelta(days=9)).isoformat(),
            "reason": "Single point of access opened",
        },
    )
    assert done.status_code == 302
    rebase = Rebase.objects.get()
    assert rebase.period == months[13] and rebase.created_by == users["lead"]
    text = page_text(as_user("member").get(measures_url(programme)))
    assert "Single point of access opened" in text
    actions.remove_rebase(rebase=rebase)
    assert not Rebase.objects.exists()


def test_a_rebase_splits_the_chart_into_groups_with_their_own_limits(programme, users):
    ashby = Team.objects.get(slug=ASHBY)
    measure = Measure.objects.get(programme=programme, key="assessed-4h")
    values = list(MeasureValue.objects.filter(team=ashby, measure=measure).order_by("period"))
    rebase = actions.set_rebase(
        measure=measure, team=ashby, period=values[13].period, reason="New model", by=users["lead"]
    )
    chart = chart_of(measure, [(v.period, v.value) for v in values], [rebase.period])
    before, after = chart.groups
    assert before.n == 13 and after.n == 11
    assert after.mean == pytest.approx(sum(v.value for v in values[13:]) / 11)
    assert after.short  # fewer than 13 months: trial limits


def test_the_team_page_links_to_its_measures(as_user, programme):
    page = as_user("member").get(reverse("team", args=[programme.slug, ASHBY]))
    assert measures_url(programme) in page.content.decode()


def test_each_kept_reading_is_what_the_teams_chart_shows(programme):
    measures = list(Measure.objects.filter(programme=programme))
    teams = list(Team.objects.in_programme(programme))
    readings = {(r.team_id, r.measure_id): r for r in Reading.objects.filter(team__in=teams)}
    assert len(readings) == len(teams) * len(measures)
    for team in teams:
        for measure in measures:
            values = list(MeasureValue.objects.filter(team=team, measure=measure))
            chart = chart_of(measure, [(v.period, v.value) for v in values])
            kept = readings[(team.pk, measure.pk)]
            assert kept.variation == chart.variation
            assert kept.assurance == (chart.assurance or "")
            assert (kept.period, kept.value) == (values[-1].period, values[-1].value)


def test_a_rebase_and_its_undoing_change_the_kept_reading(programme, users):
    ashby = Team.objects.get(slug=ASHBY)
    measure = Measure.objects.get(programme=programme, key="assessed-4h")
    assert Reading.objects.get(team=ashby, measure=measure).variation == "improvement_high"
    months = list(
        MeasureValue.objects.filter(team=ashby, measure=measure).values_list("period", flat=True)
    )
    rebase = actions.set_rebase(
        measure=measure, team=ashby, period=months[13], reason="New model", by=users["lead"]
    )
    assert Reading.objects.get(team=ashby, measure=measure).variation == "common_cause"
    actions.remove_rebase(rebase=rebase)
    assert Reading.objects.get(team=ashby, measure=measure).variation == "improvement_high"


def test_reviews_plans_and_goals_done_are_numbered_on_the_charts(as_user, programme):
    """Ashby's first plan: signed off, its goals' actions done in the winter, and the
    numbered key under each chart says what each line is."""
    text = page_text(as_user("manager").get(measures_url(programme)))
    ashby = Team.objects.get(slug=ASHBY)
    done = [
        g
        for g in Goal.objects.filter(plan__team=ashby)
        if g.actions.exists()
        and not g.actions.exclude(status__in=[ActionStatus.DONE, ActionStatus.DROPPED]).exists()
    ]
    assert done
    for goal in done:
        last = max(a.updated_at for a in Action.objects.filter(goal=goal, status=ActionStatus.DONE))
        if last.date() <= datetime.date.today().replace(day=1):
            assert f"Goal done: {goal.title}" in text
    assert "1 Baseline review, " in text
    assert "Plan signed off, " in text
    # A goal with an action still open is not marked, even with another of its actions
    # done within the chart's months.
    goal = Goal.objects.filter(plan__team=ashby, actions__status=ActionStatus.IN_PROGRESS).first()
    first_month = MeasureValue.objects.filter(team=ashby).order_by("period").first().period
    Action.objects.filter(goal=goal).update(
        status=ActionStatus.DONE,
        updated_at=timezone.make_aware(
            datetime.datetime.combine(first_month + datetime.timedelta(days=40), datetime.time())
        ),
    )
    Action.objects.filter(goal=goal).filter(pk=goal.actions.first().pk).update(
        status=ActionStatus.IN_PROGRESS
    )
    text = page_text(as_user("manager").get(measures_url(programme)))
    assert f"Goal done: {goal.title}" not in text
    Action.objects.filter(goal=goal).update(status=ActionStatus.DONE)
    text = page_text(as_user("manager").get(measures_url(programme)))
    assert f"Goal done: {goal.title}" in text


def test_the_team_dashboard_pdf_carries_every_chart_and_its_reading(
    as_user, programme, monkeypatch
):
    drawn = {}

    def keep(html):
        drawn["html"] = html
        return b"%PDF-1.7"

    monkeypatch.setattr(pdf, "html_to_pdf", keep)
    response = as_user("sponsor").get(reverse("team_dashboard_pdf", args=[programme.slug, ASHBY]))
    assert response.status_code == 200
    html = drawn["html"]
    assert "The team's measures, month by month" in html
    measures = list(Measure.objects.filter(programme=programme))
    ashby = Team.objects.get(slug=ASHBY)
    for measure in measures:
        assert f">{measure.name}</h3>" in html
        reading = Reading.objects.get(team=ashby, measure=measure)
        assert VARIATION_WORDS[reading.variation][1] in html
    assert html.count('class="fidelis-chart__svg"') >= len(measures)
    assert "Goal done: " in html and "Baseline review" in html
