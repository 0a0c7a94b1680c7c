"""The library's resources shown beside items where their work is done (listed in
settings.FIDELIS_ITEM_RESOURCES, read through fidelis.pages.item_resources): the apps
below never import the library."""

from __future__ import annotations

from django.core.cache import caches
from django.urls import reverse

from fidelis.pages import Link
from fidelis.programmes import access as programme_access
from fidelis.resources import access
from fidelis.resources.models import Kind, Resource, Status

#: Resources listed beside one item before a link to all of them.
PER_ITEM = 3


def resource_href(resource_id: int, team_id: int | None = None) -> str:
    href = reverse("resource", args=[resource_id])
    return f"{href}?team={team_id}" if team_id else href


def item_resources(user, *, scale_id, numbers, programme=None, team_id=None) -> dict:
    """{item number: [Link, ...]}: at most PER_ITEM resources in the library per item,
    then a link to the library filtered to that item when there are more."""
    if programme is not None and access.sees_whole_library(user, programme):
        # The same for everyone who sees the programme's library: kept by each worker
        # until the library changes (its version is read with the programme).
        key = (
            f"item-resources:{programme.pk}:{programme.created_at.timestamp()}:"
            f"{programme.library_version}:{scale_id}:{','.join(map(str, numbers))}"
        )
        rows = caches["local"].get_or_set(
            key, lambda: _rows(user, programme, scale_id, numbers, everyone=True)
        )
    else:
        rows = _rows(user, programme, scale_id, numbers)
    return _links(rows, team_id)


def _rows(user, programme, scale_id, numbers, *, everyone=False) -> list[tuple]:
    """(item number, resource id, title, kind, use when, programme slug) for each published
    resource linked to the items or to their sections, the items' own first; `everyone`
    when the user sees the whole of the programme's published library."""
    published = Resource.objects.filter(status=Status.PUBLISHED)
    if programme is not None:
        published = published.filter(programme=programme)
    else:
        published = published.filter(
            programme_id__in=programme_access.scopes(user).programmes_with()
        )

    def visible(queryset):
        return queryset if everyone else access.resources_visible_to(user, queryset)

    fields = ("pk", "title", "kind", "use_when", "programme__slug")
    by_item = visible(
        published.filter(items__scale_id=scale_id, items__number__in=numbers)
    ).values_list("items__number", *fields)
    # A resource linked to a whole section shows beside each of its items, after theirs.
    by_section = visible(
        published.filter(sections__scale_id=scale_id, sections__items__number__in=numbers)
    ).values_list("sections__items__number", *fields)
    return sorted(set(by_item), key=lambda r: (r[0], r[2], r[1])) + sorted(
        set(by_section), key=lambda r: (r[0], r[2], r[1])
    )


def _links(rows, team_id) -> dict:
    labels = dict(Kind.choices)
    # Every resource's address from one reverse(): a placeholder where the id goes.
    pattern = resource_href(0, team_id).replace("/0/", "/{}/", 1)
    result: dict[int, list[Link]] = {}
    counts: dict[int, int] = {}
    slugs: dict[int, str] = {}
    shown: set[tuple[int, int]] = set()
    for number, pk, title, kind, use_when, slug in rows:
        if (number, pk) in shown:
            continue
        shown.add((number, pk))
        counts[number] = counts.get(number, 0) + 1
        slugs[number] = slug
        if counts[number] <= PER_ITEM:
            result.setdefault(number, []).append(
                Link(title, pattern.format(pk), f"{labels[kind]}: {use_when}")
            )
    for number, count in counts.items():
        if count > PER_ITEM:
            result[number].append(
                Link(
                    f"All {count} resources for item {number}",
                    reverse("library", args=[slugs[number]]) + f"?item={number}",
                )
            )
    return result
