"""Every page and export each demo persona can reach by following links: no server errors,
and the team-level accounts never see another team's name."""

import io
import re
from urllib.parse import urldefrag, urlparse

import pytest
from django.db.models import Q
from openpyxl import load_workbook

from tests.conftest import PERSONA_NAMES

SKIP = ("/accounts/logout/", "/admin/", "/static/", "/media/")
HREF = re.compile(r'href="([^"]+)"')
COMPARISON = re.compile(r'data-comparison-teams="(\d+)"')


def crawl(client, start="/", limit=400):
    seen, queue, pages = set(), [start], {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        pages[path] = response
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            # PDFs repeat their report page (tested on their own) and are slow to render.
            if href.startswith(SKIP) or href in seen or href.endswith(".pdf"):
                continue
            queue.append(href)
    return pages


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_no_page_reachable_by_a_persona_fails(persona, as_user):
    pages = crawl(as_user(persona))
    assert len(pages) > 5
    failures = {path: r.status_code for path, r in pages.items() if r.status_code >= 500}
    assert failures == {}
    broken = {path: r.status_code for path, r in pages.items() if r.status_code == 404}
    assert broken == {}, "links to pages that do not exist for this persona"


def readable(response) -> str | None:
    """The text of a page or an export the crawl reached (a spreadsheet's cells joined)."""
    if response.status_code != 200:
        return None
    kind = response.get("Content-Type", "")
    if response.streaming:  # a file download: read it like any export
        body = b"".join(response.streaming_content)
        return (
            body.decode("utf-8", "replace") if kind.startswith(("text/", "application/c")) else None
        )
    if "html" in kind or kind.startswith("text/csv"):
        return response.content.decode()
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return None


def own_teams(user) -> set[str]:
    from fidelis.programmes.models import Membership, Team

    memberships = Membership.objects.filter(user=user)
    return set(
        Team.objects.filter(
            Q(pk__in=memberships.filter(team__isnull=False).values("team"))
            | Q(organisation__in=memberships.filter(role="sponsor").values("organisation"))
        ).values_list("name", flat=True)
    )


@pytest.mark.parametrize("persona", ["manager", "member", "other", "sponsor", "evaluator"])
def test_team_level_accounts_see_their_own_teams_by_name_and_others_by_pseudonym(
    persona, as_user, users, programme
):
    """Over every page and export the persona can reach: their own teams by name, every other
    team by pseudonym only, and no comparison built from fewer teams than the setting."""
    from fidelis.programmes.models import Team
    from fidelis.resources.models import Resource

    own = own_teams(users[persona])
    forbidden = set(Team.objects.values_list("name", flat=True)) - own
    # A team that shares a resource may agree to be named with it: on that page only.
    named_sharers = set(
        Resource.objects.filter(status="published", show_team_name=True).values_list(
            "shared_by__name", flat=True
        )
    )
    pages = crawl(as_user(persona))
    exports = [path for path in pages if path.endswith((".csv", ".xlsx"))]
    if persona != "evaluator":
        assert exports, "the crawl reaches the persona's exports"
    seen = ""
    for path, response in pages.items():
        text = readable(response)
        if text is None:
            continue
        seen += text
        hidden = forbidden - named_sharers if path.startswith("/resources/") else forbidden
        leaked = [name for name in hidden if name in text]
        assert leaked == [], f"{path} shows {leaked}"
        smallest = [int(n) for n in COMPARISON.findall(text)]
        assert all(n >= programme.benchmark_min_teams for n in smallest), path
    assert {name for name in own if name in seen} == own
    # A team's resource awaiting the lead's approval is nowhere another team can reach.
    waiting = Resource.objects.filter(status="pending").exclude(shared_by__name__in=own)
    assert waiting.exists()
    for resource in waiting:
        assert resource.title not in seen
        assert as_user(persona).get(resource.get_absolute_url()).status_code == 404
    assert "data-comparison-teams" in seen, "the crawl reaches a comparison"


def test_no_comparison_of_too_few_teams_is_reachable(as_user, programme):
    """With the smallest comparison raised above the 12-month reviews' count, no page the
    sponsor or the team manager reaches shows a comparison of fewer teams."""
    from fidelis.reviews.models import Review, Status

    at_12 = Review.objects.filter(
        team__organisation__programme=programme, timepoint__key="12m", status=Status.FINALISED
    ).count()
    programme.benchmark_min_teams = at_12 + 1
    programme.save()
    for persona in ("sponsor", "manager"):
        shown = []
        for _path, response in crawl(as_user(persona), limit=150).items():
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                shown += [int(n) for n in COMPARISON.findall(response.content.decode())]
        assert shown, "earlier timepoints, with more teams, are still compared"
        assert min(shown) >= at_12 + 1


def test_other_teams_appear_under_pseudonyms(as_user, programme):
    from fidelis.programmes.models import Team

    body = as_user("member").get(programme.get_absolute_url()).content.decode()
    kestrel = Team.objects.get(name="Kestrel Bay Crisis Team")
    assert kestrel.pseudonym in body
    assert "Ashby Crisis Resolution Team" in body
