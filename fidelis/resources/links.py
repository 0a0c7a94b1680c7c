"""The library's resources shown beside items where their work is done (listed in
settings.FIDELIS_ITEM_RESOURCES, read through fidelis.pages.item_resources): the apps
below never import the library."""

from __future__ import annotations

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
    published = Resource.objects.filter(status=Status.PUBLISHED)
    if programme is not None:
        published = published.filter(programme=programme)
    else:
        published = published.filter(
            programme_id__in=programme_access.scopes(user).programmes_with()
        )
    fields = ("pk", "title", "kind", "use_when", "programme__slug")
    by_item = access.resources_visible_to(
        user, published.filter(items__scale_id=scale_id, items__number__in=numbers)
    ).values_list("items__number", *fields)
    # A resource linked to a whole section shows beside each of its items, after theirs.
    by_section = access.resources_visible_to(
        user,
        published.filter(sections__scale_id=scale_id, sections__items__number__in=numbers),
    ).values_list("sections__items__number", *fields)
    rows = sorted(set(by_item), key=lambda r: (r[0], r[2], r[1])) + sorted(
        set(by_section), key=lambda r: (r[0], r[2], r[1])
    )
    labels = dict(Kind.choices)
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
                Link(title, resource_href(pk, team_id), f"{labels[kind]}: {use_when}")
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
