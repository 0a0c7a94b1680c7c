"""The dashboards: who may open them, what they show, and the smallest comparison rule."""

import re
import statistics

import pytest
from django.urls import reverse

from fidelis.benchmarks import actions
from fidelis.benchmarks.models import Benchmark
from fidelis.programmes.models import Team
from fidelis.reviews.models import AgreedScore, ConsensusItem, Review, Status
from tests.conftest import page_text

ASHBY = "ashby-crisis-resolution-team"
KESTREL = "kestrel-bay-crisis-team"
COMPARISON = re.compile(r'data-comparison-teams="(\d+)"')


def team_url(programme, slug=ASHBY):
    return reverse("team_dashboard", args=[programme.slug, slug])


def programme_url(programme, **query):
    url = reverse("programme_dashboard", args=[programme.slug])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def heat_labels(response) -> list[str]:
    """The team labels of the heatmap's rows, in order."""
    html = response.content.decode()
    table = html.split('class="nhsuk-table fidelis-heatmap"', 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", cell.split("<br>")[0]).strip()
        for cell in re.findall(r'<th scope="row">(.*?)</th>', table, re.S)
    ]


def finalised(programme, timepoint_key="12m"):
    return Review.objects.filter(
        team__organisation__programme=programme,
        status=Status.FINALISED,
        timepoint__key=timepoint_key,
    )


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("facilitator", 200),  # facilitates Ashby
        ("reviewer", 200),
        ("expert", 200),
        ("manager", 200),
        ("member", 200),
        ("sponsor", 200),  # Ashby is in the sponsor's trust
        ("evaluator", 404),  # sees teams only as pseudonymous rows
        ("other", 404),  # a member of another team
    ],
)
def test_a_team_dashboard_is_open_to_those_who_may_open_the_team(
    persona, status, as_user, programme
):
    assert as_user(persona).get(team_url(programme)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("reviewer", 200),
        ("expert", 200),
        ("evaluator", 200),
        ("facilitator", 200),
        ("sponsor", 200),
        ("manager", 403),
        ("member", 403),
        ("other", 403),
    ],
)
def test_the_programme_dashboard_is_for_the_programme_wide_roles(
    persona, status, as_user, programme
):
    response = as_user(persona).get(programme_url(programme))
    assert response.status_code == status
    if status == 403:
        assert "Your team's dashboard is on your team's page" in page_text(response)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lead", 200), ("evaluator", 200), ("sponsor", 200), ("manager", 403), ("other", 403)],
)
def test_programme_exports_follow_the_programme_dashboard(persona, status, as_user, programme):
    for kind in ("long", "wide"):
        for fmt in ("csv", "xlsx"):
            url = reverse("programme_export", args=[programme.slug, kind, fmt])
            assert as_user(persona).get(url).status_code == status, (kind, fmt)


@pytest.mark.parametrize("persona", ["evaluator", "other"])
def test_team_exports_follow_the_team_dashboard(persona, as_user, programme):
    url = reverse("team_export", args=[programme.slug, ASHBY, "long", "csv"])
    assert as_user(persona).get(url).status_code == 404
    assert as_user("member").get(url).status_code == 200


def test_an_unknown_export_is_not_found(as_user, programme):
    for kind, fmt in (("long", "pdf"), ("everything", "csv")):
        url = reverse("programme_export", args=[programme.slug, kind, fmt])
        assert as_user("lead").get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, programme):
    for url in (team_url(programme), programme_url(programme)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# The team dashboard -------------------------------------------------------------------------


def test_a_team_dashboard_shows_the_latest_result_and_the_path(as_user, programme):
    reviews = list(
        Review.objects.filter(team__slug=ASHBY, status=Status.FINALISED).order_by("visit_date")
    )
    assert len(reviews) >= 2, "the demo gives Ashby more than one finalised review"
    latest = reviews[-1]
    text = page_text(as_user("manager").get(team_url(programme)))
    assert f"{latest.total} over {latest.n_scored} items" in text
    assert f"{latest.mean_score:.2f}" in text
    for review in reviews:
        assert review.timepoint.label in text
    assert "Priority items" in text and "Strengths" in text
    assert re.search(r"\d+ items? moved up since|moved down since|held steady since", text)
    assert "Download this dashboard as a PDF" in text


def test_the_team_dashboard_compares_with_the_stored_programme_figures(as_user, programme):
    latest = (
        Review.objects.filter(team__slug=ASHBY, status=Status.FINALISED)
        .order_by("visit_date")
        .last()
    )
    benchmark = Benchmark.objects.get(programme=programme, timepoint=latest.timepoint)
    totals = sorted(finalised(programme, latest.timepoint.key).values_list("total", flat=True))
    assert benchmark.n_teams == len(totals)
    assert benchmark.spread("total").median == statistics.median(totals)
    scale = programme.scale.definition
    section = scale.sections[0]
    spread = benchmark.spread("sections", section.number)
    response = as_user("member").get(team_url(programme))
    html = response.content.decode()
    row = re.search(
        rf"{section.number}\. {re.escape(section.title)}</td>(.*?)</tr>", html, re.S
    ).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells[1] == f"Programme median {spread.median:.2f}"
    assert cells[2] == f"Middle half {spread.q1:.2f} to {spread.q3:.2f}"
    assert f"Compared with {benchmark.n_teams} teams" in page_text(response)


def test_a_team_without_a_finalised_review_is_told_when_its_dashboard_fills_in(as_user, programme):
    team = Team.objects.get(slug=ASHBY)
    Review.objects.filter(team=team).update(status=Status.REPORT)
    text = page_text(as_user("manager").get(team_url(programme)))
    assert "fills in once the team's first fidelity review is finalised" in text
    assert "Download this dashboard" not in text
    pdf = reverse("team_dashboard_pdf", args=[programme.slug, ASHBY])
    assert as_user("manager").get(pdf).status_code == 404


def test_other_teams_are_never_named_on_a_team_dashboard(as_user, programme):
    body = as_user("lead").get(team_url(programme)).content.decode()
    others = Team.objects.in_programme(programme).exclude(slug=ASHBY)
    assert [t.name for t in others if t.name in body] == []
    assert [t.pseudonym for t in others if t.pseudonym in body] == []


# The smallest comparison --------------------------------------------------------------------


def test_a_comparison_of_fewer_teams_than_the_setting_is_not_shown(as_user, programme):
    latest = finalised(programme).count()
    programme.benchmark_min_teams = latest + 1
    programme.save()
    for persona in ("manager", "sponsor"):
        response = as_user(persona).get(team_url(programme))
        text = page_text(response)
        assert f"needs at least {latest + 1} teams' finalised reviews" in text
        assert f"there are {latest} so far" in text
        assert "Programme median" not in text.split("Over time")[0]
        shown = [int(n) for n in COMPARISON.findall(response.content.decode())]
        assert all(n >= latest + 1 for n in shown), shown
    response = as_user("lead").get(programme_url(programme, timepoint="12m"))
    assert "is not summarised" in page_text(response)
    assert "For the learning events" not in page_text(response)
    assert all(int(n) >= latest + 1 for n in COMPARISON.findall(response.content.decode()))


def test_at_the_setting_the_comparison_is_shown(as_user, programme):
    latest = finalised(programme).count()
    programme.benchmark_min_teams = latest
    programme.save()
    response = as_user("manager").get(team_url(programme))
    assert str(latest) in COMPARISON.findall(response.content.decode())


# The programme dashboard --------------------------------------------------------------------


def test_the_lead_sees_every_team_by_name_with_progress_and_the_network_items(as_user, programme):
    response = as_user("lead").get(programme_url(programme, timepoint="12m"))
    text = page_text(response)
    labels = heat_labels(response)
    assert sorted(labels) == sorted(finalised(programme).values_list("team__name", flat=True))
    assert "Reviews at each timepoint" in text
    assert "Items lowest across the network at 12 months" in text
    assert "Items that moved most since Baseline" in text


def test_the_evaluator_sees_pseudonyms_only_and_cannot_filter_by_organisation(as_user, programme):
    response = as_user("evaluator").get(programme_url(programme, timepoint="12m"))
    body = response.content.decode()
    assert sorted(heat_labels(response)) == sorted(
        finalised(programme).values_list("team__pseudonym", flat=True)
    )
    teams = Team.objects.in_programme(programme).select_related("organisation")
    assert [t.name for t in teams if t.name in body] == []
    assert [t.organisation.name for t in teams if t.organisation.name in body] == []
    assert 'name="organisation"' not in body and 'name="facilitator"' not in body


def test_a_facilitator_sees_their_teams_against_the_whole_network(as_user, programme, users):
    response = as_user("facilitator").get(programme_url(programme, timepoint="12m"))
    mine = set(
        Team.objects.filter(
            memberships__user=users["facilitator"], memberships__role="facilitator"
        ).values_list("name", flat=True)
    )
    labels = set(heat_labels(response))
    assert labels and labels <= mine
    network = re.search(
        r'class="nhsuk-grid-row" data-comparison-teams="(\d+)"', response.content.decode()
    )
    assert int(network.group(1)) == finalised(programme).count() > len(labels)


def test_a_sponsor_sees_their_organisations_teams(as_user, programme, users):
    response = as_user("sponsor").get(programme_url(programme, timepoint="12m"))
    organisation = users["sponsor"].memberships.get(role="sponsor").organisation
    expected = set(
        finalised(programme)
        .filter(team__organisation=organisation)
        .values_list("team__name", flat=True)
    )
    assert set(heat_labels(response)) == expected
    others = Team.objects.in_programme(programme).exclude(organisation=organisation)
    body = response.content.decode()
    assert [t.name for t in others if t.name in body] == []


def test_the_heatmap_sorts_by_total_and_by_an_item(as_user, programme):
    client = as_user("lead")
    response = client.get(programme_url(programme, timepoint="12m", sort="total", order="desc"))
    by_name = dict(finalised(programme).values_list("team__name", "total"))
    totals = [by_name[label] for label in heat_labels(response)]
    assert totals == sorted(totals, reverse=True)
    response = client.get(programme_url(programme, timepoint="12m", sort="item-3"))
    scores = dict(
        ConsensusItem.objects.filter(review__in=finalised(programme), item__number=3).values_list(
            "review__team__name", "score"
        )
    )
    ordered = [scores[label] for label in heat_labels(response)]
    assert ordered == sorted(ordered)


def test_the_heatmap_sorts_by_a_section_or_the_change_keeping_ties_in_name_order(
    as_user, programme
):
    client = as_user("lead")
    section = programme.scale.definition.sections[1]
    numbers = {item.number for item in section.items}
    scores: dict[str, list[int]] = {}
    for name, number, score in ConsensusItem.objects.filter(
        review__in=finalised(programme)
    ).values_list("review__team__name", "item__number", "score"):
        if number in numbers and score is not None:
            scores.setdefault(name, []).append(score)
    means = {name: statistics.mean(values) for name, values in scores.items()}
    assert len(set(means.values())) > 1
    response = client.get(
        programme_url(programme, timepoint="12m", sort=f"section-{section.number}", order="desc")
    )
    labels = heat_labels(response)
    expected = sorted(sorted(means), key=lambda name: -means[name])
    assert labels == expected

    # One team without a baseline review has no change to sort by.
    without_plans = finalised(programme, "baseline").filter(
        plans__isnull=True, team__in=finalised(programme).values("team")
    )
    without_plans.order_by("team__name").first().delete()
    first = dict(finalised(programme, "baseline").values_list("team__name", "total"))
    latest = dict(finalised(programme).values_list("team__name", "total"))
    change = {name: total - first[name] for name, total in latest.items() if name in first}
    assert len(change) > 3 and len(set(change.values())) > 1
    response = client.get(programme_url(programme, timepoint="12m", sort="change"))
    labels = heat_labels(response)
    # Rising change, ties by name; teams with no baseline review to compare with come last.
    missing = set(latest) - set(change)
    assert len(missing) == 1
    assert labels == sorted(sorted(change), key=lambda name: change[name]) + sorted(missing)
    # Falling change: ties still by name, and the team with nothing to compare still last.
    response = client.get(programme_url(programme, timepoint="12m", sort="change", order="desc"))
    labels = heat_labels(response)
    assert labels == sorted(sorted(change), key=lambda name: -change[name]) + sorted(missing)


def test_the_stored_scores_a_heatmap_ranks_by_match_the_consensus(programme):
    reviews = Review.objects.filter(team__organisation__programme=programme, status="finalised")
    assert reviews.exists()
    for review in reviews:
        agreed = dict(review.consensus.values_list("item__number", "score"))
        assert review.agreed_scores["items"] == {str(n): s for n, s in agreed.items()}
        ranking = dict(AgreedScore.objects.filter(review=review).values_list("key", "value"))
        assert {k: v for k, v in ranking.items() if k.startswith("item-")} == {
            f"item-{n}": s for n, s in agreed.items()
        }


def test_the_heatmap_filters_by_organisation(as_user, programme):
    team = Team.objects.get(slug=KESTREL)
    response = as_user("lead").get(
        programme_url(programme, timepoint="12m", organisation=team.organisation.slug)
    )
    expected = finalised(programme).filter(team__organisation=team.organisation)
    assert sorted(heat_labels(response)) == sorted(expected.values_list("team__name", flat=True))


def test_an_unknown_sort_or_filter_shows_every_team_in_name_order(as_user, programme):
    response = as_user("lead").get(
        programme_url(programme, timepoint="12m", sort="drop-table", organisation="nowhere")
    )
    assert response.status_code == 200
    labels = heat_labels(response)
    assert labels == sorted(labels) and len(labels) == finalised(programme).count()


def test_the_heatmap_pages_through_a_large_programme(as_user, users):
    from fidelis.demo import build_seed

    build = build_seed(teams=30, seed=3, reviews=1, slug="bench-paging")
    actions.refresh(programme=build.programme)
    lead = build.people["lead"][0]
    client = as_user("lead")
    client.force_login(lead)
    first = client.get(programme_url(build.programme))
    second = client.get(programme_url(build.programme, page=2))
    assert len(heat_labels(first)) == 25
    assert len(heat_labels(second)) == 5
    assert not set(heat_labels(first)) & set(heat_labels(second))


# Keeping the figures up to date ---------------------------------------------------------------


def test_finalising_a_review_works_the_figures_out_again(
    programme, users, django_capture_on_commit_callbacks
):
    from tests.reviews.helpers import finalised as finalise_one

    assert not Benchmark.objects.filter(programme=programme, timepoint__key="18m").exists()
    with django_capture_on_commit_callbacks(execute=True):
        review = finalise_one(programme, users)
    benchmark = Benchmark.objects.get(programme=programme, timepoint__key="18m")
    assert benchmark.n_teams == 1
    assert benchmark.spread("total").median == review.total


def test_the_figures_follow_every_finalised_review(programme):
    Benchmark.objects.filter(programme=programme).delete()
    stored = actions.refresh(programme=programme)
    keys = {b.timepoint.key for b in stored}
    assert keys == set(
        Review.objects.filter(
            team__organisation__programme=programme, status=Status.FINALISED
        ).values_list("timepoint__key", flat=True)
    )
    for benchmark in stored:
        scores = list(
            ConsensusItem.objects.filter(
                review__in=finalised(programme, benchmark.timepoint.key), item__number=1
            ).values_list("score", flat=True)
        )
        assert benchmark.spread("items", 1).median == statistics.median(
            s for s in scores if s is not None
        )


# The PDF ------------------------------------------------------------------------------------


def test_the_team_dashboard_pdf_is_a_pdf_of_the_same_body(as_user, programme):
    from tests.reviews.test_report import inflated

    response = as_user("sponsor").get(reverse("team_dashboard_pdf", args=[programme.slug, ASHBY]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]
    assert b"Ashby Crisis Resolution Team" in inflated(pdf)
    others = Team.objects.in_programme(programme).exclude(slug=ASHBY)
    assert [t.name for t in others if t.name.encode() in inflated(pdf)] == []


def test_with_many_organisations_and_facilitators_the_filters_take_typed_names(
    as_user, programme, users, monkeypatch
):
    from fidelis.benchmarks import dashboards

    monkeypatch.setattr(dashboards, "FILTER_CHOICES", 2)
    client = as_user("lead")
    response = client.get(programme_url(programme, timepoint="12m"))
    body = response.content.decode()
    assert 'type="search" value="" maxlength="100"' in body
    assert '<option value="northfield' not in body
    response = client.get(programme_url(programme, timepoint="12m", organisation="northfield"))
    expected = finalised(programme).filter(team__organisation__name__icontains="northfield")
    assert sorted(heat_labels(response)) == sorted(expected.values_list("team__name", flat=True))
    assert 'value="northfield"' in response.content.decode()
    response = client.get(programme_url(programme, timepoint="12m", facilitator="faisal+ahmed"))
    mine = finalised(programme).filter(
        team__memberships__user=users["facilitator"], team__memberships__role="facilitator"
    )
    assert sorted(heat_labels(response)) == sorted(mine.values_list("team__name", flat=True))
    response = client.get(programme_url(programme, timepoint="12m", organisation="nowhere"))
    assert "with these filters" in page_text(response)
    assert "fidelis-heatmap" not in response.content.decode()


# The way in ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "programme_link", "team_links"),
    [
        ("lead", True, []),
        ("evaluator", True, []),
        ("sponsor", True, []),
        (
            "facilitator",
            True,
            ["Ashby Crisis Resolution Team", "Corran Home Treatment Team", "Marlpit Crisis Team"],
        ),
        ("manager", False, ["your team"]),
        ("member", False, ["your team"]),
    ],
)
def test_each_home_page_leads_to_the_dashboards_it_may_open(
    persona, programme_link, team_links, as_user
):
    html = as_user(persona).get("/").content.decode()
    assert ("Programme dashboard: where the teams stand" in html) == programme_link
    found = re.findall(
        r"Dashboard: ([^<]+)</a>|(Your team's dashboard)", html.replace("&#39;", "'")
    )
    shown = [name or "your team" for name, yours in found]
    assert shown == team_links
