"""The pieces shared pages are built from, and how the apps' contributions are found.

Some pages belong to no single app: the home page's next steps, the team page's panels and
the header's navigation gather something from every app. Each app contributes through
plain functions that return the types below; the project level lists the contributions in
settings (`FIDELIS_HOME`, `FIDELIS_TEAM_PANELS`, `FIDELIS_NAVIGATION`, in the order they
appear), so an app that builds a shared page never imports the apps that add to it, and a
new app adds entries, not imports.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.template import engines
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from markupsafe import Markup


@dataclass
class Link:
    """A link with an optional line of context under or beside it."""

    text: str
    href: str
    meta: str = ""


def breadcrumbs(*pairs: tuple[str, str]) -> list[Link]:
    """The NHS breadcrumb's items, from (text, href) pairs; the last is the current page."""
    return [Link(text, href) for text, href in pairs]


@dataclass
class Section:
    """One panel of the home page: a role someone holds in a programme, and its next steps.

    `memberships` are the person's memberships behind the section (one per team for a
    facilitator of several teams), so each app can add what concerns them."""

    role: str
    title: str
    programme: Any
    memberships: list = field(default_factory=list)
    intro: str = ""
    next_steps: list[Link] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    # Next steps beyond those shown, summarised in one line with a link to the full list.
    more: Link | None = None


@dataclass
class HomePage:
    """The signed-in home page as the contributions build it, in order."""

    user: Any
    today: datetime.date
    sections: list[Section] = field(default_factory=list)


@dataclass
class Panel:
    """A panel on the team page: a heading and a template drawn with its own context."""

    title: str
    template: str
    context: dict = field(default_factory=dict)


@cache
def contributions(name: str) -> tuple:
    """The functions listed in the setting `name` (dotted paths), imported once."""
    return tuple(import_string(path) for path in getattr(settings, name))


def item_resources(
    user, *, scale_id, numbers, programme=None, team_id=None, base_url: str | None = None
) -> dict:
    """The resources to show beside items where their work is done (an item page, a
    report's priorities, a dashboard, a plan's goals): {item number: [Link, ...]}, from the
    functions listed in settings.FIDELIS_ITEM_RESOURCES. `team_id` names the team whose
    page it is, so opening a resource from there counts as that team's use; `base_url`
    makes the links absolute (for a PDF)."""
    found: dict[int, list[Link]] = {}
    numbers = sorted({n for n in numbers if n is not None})
    if not numbers or not getattr(user, "is_authenticated", False):
        return found
    for contribute in contributions("FIDELIS_ITEM_RESOURCES"):
        given = contribute(
            user, scale_id=scale_id, numbers=numbers, programme=programme, team_id=team_id
        )
        for number, links in given.items():
            found.setdefault(number, []).extend(
                Link(link.text, urljoin(base_url, link.href), link.meta) if base_url else link
                for link in links
            )
    return found


#: Where a page kept in the cache shows an item's resources, filled in for each request
#: (the cached body is the same for everyone; the links name the viewer's team).
ITEM_RESOURCES_MARK = "<!-- fidelis:item-resources:{} -->"
_MARK = re.compile(r"<!-- fidelis:item-resources:(\d+) -->")


def fill_item_resources(html, user, *, scale_id, programme=None, team_id=None) -> Markup:
    """`html` with each item-resources mark replaced by that item's resources (or by
    nothing when it has none)."""
    text = str(html)
    numbers = {int(n) for n in _MARK.findall(text)}
    if not numbers:
        return Markup(text)  # noqa: S704 (our own templates' output)
    found = item_resources(
        user, scale_id=scale_id, numbers=numbers, programme=programme, team_id=team_id
    )
    drawn = {
        number: render_to_string("_item_resources_fill.jinja", {"links": links})
        for number, links in found.items()
    }
    return Markup(_MARK.sub(lambda m: drawn.get(int(m.group(1)), ""), text))  # noqa: S704


PAGE_SIZE = 50


@dataclass
class Paged:
    """One page of a long list, with what the NHS pagination needs."""

    page: Page
    previous_href: str | None
    next_href: str | None
    # The numbered links: first, last and the pages around this one, with gaps between.
    links: list[dict] = field(default_factory=list)

    @property
    def items(self):
        return self.page.object_list

    @property
    def summary(self) -> str:
        """'Showing 51 to 100 of 1,000', or '' when everything fits on one page."""
        paginator = self.page.paginator
        if paginator.num_pages <= 1:
            return ""
        return (
            f"Showing {self.page.start_index():,} to {self.page.end_index():,} "
            f"of {paginator.count:,}"
        )

    @property
    def label(self) -> str:
        return f"Page {self.page.number} of {self.page.paginator.num_pages}"


def paginate(request, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Paged:
    """One page of `items` (a QuerySet or a list) from the request's `?page=`; an
    out-of-range or malformed page number shows the nearest page rather than an error."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get(param))
    query = request.GET.copy()

    def href(number: int) -> str:
        query[param] = str(number)
        return f"?{query.urlencode()}"

    links: list[dict] = []
    if paginator.num_pages > 1:
        shown = sorted(
            {1, paginator.num_pages, page.number - 1, page.number, page.number + 1}
            & set(paginator.page_range)
        )
        for number in shown:
            if links and number - links[-1]["number"] > 1:
                links.append({"ellipsis": True, "number": number - 1})
            links.append({"number": number, "href": href(number), "current": number == page.number})
    return Paged(
        page=page,
        previous_href=href(page.previous_page_number()) if page.has_previous() else None,
        next_href=href(page.next_page_number()) if page.has_next() else None,
        links=links,
    )


@cache
def _template_fingerprint(names: tuple[str, ...]) -> str:
    """A fingerprint of templates' sources, so a body drawn by an older template is never
    served after the template changes."""
    env = engines["jinja2"].env
    digest = hashlib.sha256()
    for name in names:
        digest.update(env.loader.get_source(env, name)[0].encode())
    return digest.hexdigest()[:16]


def drawn_once(key: tuple, template: str, make_context, *, includes: tuple = ()) -> Markup:
    """A page body drawn from `template` once per `key` and kept in the page cache.

    For bodies that change only when what the key names changes (a finalised report's
    version, the reviews and figures a dashboard shows): the key's parts must hold
    everything the body depends on. `includes` names the templates `template` includes,
    whose changes count too. `make_context` is called only when the body is drawn."""
    fingerprint = _template_fingerprint((template, *includes))
    full_key = ":".join(str(part) for part in ("drawn", *key, fingerprint))
    kept = caches["pages"].get(full_key)
    if kept is not None:
        return Markup(kept)  # noqa: S704 (our own template's output, kept)
    html = render_to_string(template, make_context())
    caches["pages"].set(full_key, html)
    return Markup(html)  # noqa: S704 (our own template's output)
