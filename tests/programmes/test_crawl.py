"""Every page each demo persona can reach by following links: no server errors, and the
team-level accounts never see another team's name."""

import re
from urllib.parse import urldefrag, urlparse

import pytest

from tests.conftest import PERSONA_NAMES

SKIP = ("/accounts/logout/", "/admin/", "/static/", "/media/")
HREF = re.compile(r'href="([^"]+)"')


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


@pytest.mark.parametrize("persona", ["manager", "member", "other", "evaluator"])
def test_team_level_accounts_never_see_another_teams_name(persona, as_user, users):
    from fidelis.programmes.models import Membership, Team

    own = set(
        Membership.objects.filter(user=users[persona], team__isnull=False).values_list(
            "team__name", flat=True
        )
    )
    forbidden = set(Team.objects.values_list("name", flat=True)) - own
    pages = crawl(as_user(persona))
    for path, response in pages.items():
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        leaked = [name for name in forbidden if name in body]
        assert leaked == [], f"{path} shows {leaked}"


def test_other_teams_appear_under_pseudonyms(as_user, programme):
    from fidelis.programmes.models import Team

    body = as_user("member").get(programme.get_absolute_url()).content.decode()
    kestrel = Team.objects.get(name="Kestrel Bay Crisis Team")
    assert kestrel.pseudonym in body
    assert "Ashby Crisis Resolution Team" in body
