"""Usage: opening a resource counts for the opener's team (never the person), the lead's
usage page and its CSV count it, and the figures agree with the rows."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from fidelis.programmes.models import Team
from fidelis.resources import actions, usage
from fidelis.resources.models import Resource, ResourceUse, Use
from fidelis.reviews.models import AgreedScore, Review
from tests.conftest import page_text


@pytest.fixture
def guide(db):
    return Resource.objects.get(title="Running a safe overnight crisis service")


def opened(resource, team) -> int:
    return sum(
        ResourceUse.objects.filter(resource=resource, team=team, use=Use.VIEW).values_list(
            "count", flat=True
        )
    )


def test_opening_counts_for_the_team_never_the_person(as_user, guide):
    ashby = Team.objects.get(name="Ashby Crisis Resolution Team")
    before = opened(guide, ashby)
    as_user("member").get(guide.get_absolute_url())
    as_user("manager").get(guide.get_absolute_url())
    assert opened(guide, ashby) == before + 2
    # Nothing about who: the row has no person.
    assert {f.name for f in ResourceUse._meta.get_fields()} == {
        "id",
        "programme",
        "resource",
        "team",
        "day",
        "use",
        "count",
    }


def test_someone_outside_any_team_counts_apart(as_user, guide):
    before = opened(guide, None)
    as_user("sponsor").get(guide.get_absolute_url())
    as_user("facilitator").get(guide.get_absolute_url() + "?team=1")
    assert opened(guide, None) == before + 2


def test_a_team_named_by_the_page_counts_only_for_its_own_staff(as_user, guide):
    kestrel = Team.objects.get(name="Kestrel Bay Crisis Team")
    ashby = Team.objects.get(name="Ashby Crisis Resolution Team")
    before = opened(guide, kestrel)
    as_user("member").get(guide.get_absolute_url() + f"?team={kestrel.pk}")
    assert opened(guide, kestrel) == before  # member is Ashby's
    assert opened(guide, ashby) >= 1


def test_the_usage_page_counts_an_opening(as_user, programme, guide):
    url = reverse("resource_usage", args=[programme.slug])
    since = usage.add_months(timezone.localdate(), -12)
    before = next(r for r in usage.read(programme, since).resources if r.pk == guide.pk)
    as_user("member").get(guide.get_absolute_url())
    after = next(r for r in usage.read(programme, since).resources if r.pk == guide.pk)
    assert after.views == before.views + 1
    text = page_text(as_user("lead").get(url))
    assert "How the library is used" in text
    assert "Low-scoring items and their resources" in text


def test_low_items_whose_resources_nobody_opened_are_named(programme):
    since = usage.add_months(timezone.localdate(), -12)
    found = usage.read(programme, since)
    low = [i for i in found.items if i.low_teams]
    assert low
    # The demo leaves the resources of the items most often low unopened.
    assert any(i.resources and i.low_teams_opened == 0 for i in low)
    scores = usage.latest_scores(programme, at_most=usage.LOW)
    for team in found.teams:
        assert dict(team.low) == scores.get(team.pk, {})
        for number in team.untouched:
            assert number in [n for n, _ in team.low]
    # The items' figures add up the teams'.
    assert sum(i.low_teams for i in found.items) == sum(len(t.low) for t in found.teams)
    unopened = [r for r in found.resources if r.unused]
    assert unopened and all(r.views == 0 and r.downloads == 0 for r in unopened)


def test_the_csv_agrees_with_the_rows(as_user, programme, guide):
    ashby = Team.objects.get(name="Ashby Crisis Resolution Team")
    actions.log_use(resource=guide, team_id=ashby.pk, use=Use.DOWNLOAD)
    response = as_user("lead").get(reverse("resource_usage_csv", args=[programme.slug]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    since = usage.add_months(timezone.localdate(), -12)
    n_items = programme.scale.items.count()
    assert len(rows) == Team.objects.in_programme(programme).count() * n_items
    for number in [i.number for i in guide.items.all()]:
        row = next(r for r in rows if r["team"] == ashby.name and r["item"] == str(number))
        resources = Resource.objects.filter(
            programme=programme, status="published", items__number=number
        )
        uses = ResourceUse.objects.filter(team=ashby, resource__in=resources, day__gte=since)
        assert int(row["openings"]) == sum(u.count for u in uses if u.use == Use.VIEW)
        assert int(row["downloads"]) == sum(u.count for u in uses if u.use == Use.DOWNLOAD)
        assert int(row["resources_for_item"]) == resources.count()
    for persona in ("facilitator", "manager", "sponsor", "evaluator"):
        csv_url = reverse("resource_usage_csv", args=[programme.slug])
        assert as_user(persona).get(csv_url).status_code == 403


def test_a_resource_s_figures_count_the_teams_staff_only(as_user, programme, guide):
    since = usage.add_months(timezone.localdate(), -12)
    before = next(r for r in usage.read(programme, since).resources if r.pk == guide.pk)
    as_user("lead").get(guide.get_absolute_url())
    as_user("sponsor").get(guide.get_absolute_url())
    after = next(r for r in usage.read(programme, since).resources if r.pk == guide.pk)
    assert (after.views, after.teams) == (before.views, before.teams)


def test_the_kept_figures_change_with_every_opening_and_review(programme, guide, users):
    since = usage.add_months(timezone.localdate(), -12)
    ashby = Team.objects.get(name="Ashby Crisis Resolution Team")

    def views():
        found = usage.usage_for(programme, since)
        return next(r for r in found.resources if r.pk == guide.pk).views

    start = views()
    actions.log_use(resource=guide, team_id=ashby.pk, use=Use.VIEW)  # a new row, or +1
    assert views() == start + 1
    actions.log_use(resource=guide, team_id=ashby.pk, use=Use.VIEW)  # +1 on that row
    assert views() == start + 2

    # An amendment lowering an agreed score shows at once.
    def low_at_ashby():
        found = usage.usage_for(programme, since)
        return dict(next(t for t in found.teams if t.pk == ashby.pk).low)

    review = Review.objects.filter(team=ashby, status="finalised").order_by("-visit_date").first()
    high = next(
        int(a.key[5:])
        for a in AgreedScore.objects.filter(review=review, key__startswith="item-", value__gt=2)
    )
    assert high not in low_at_ashby()
    AgreedScore.objects.filter(review=review, key=f"item-{high}").update(value=1)
    Review.objects.filter(pk=review.pk).update(report_version=review.report_version + 1)
    assert low_at_ashby()[high] == 1
