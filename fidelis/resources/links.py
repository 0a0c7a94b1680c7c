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
    found = access.resources_visible_to(
        user,
        Resource.objects.filter(
            status=Status.PUBLISHED, items__scale_id=scale_id, items__number__in=numbers
        ),
    )
    if programme is not None:
        found = found.filter(programme=programme)
    else:
        found = found.filter(programme_id__in=programme_access.scopes(user).programmes_with())
    rows = found.order_by("items__number", "title", "pk").values_list(
        "items__number", "pk", "title", "kind", "use_when", "programme__slug"
    )
    labels = dict(Kind.choices)
    result: dict[int, list[Link]] = {}
    counts: dict[int, int] = {}
    slugs: dict[int, str] = {}
    for number, pk, title, kind, use_when, slug in rows:
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
