"""Reads of the library for its pages: a search with filters, and the lists beside it."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from fidelis.programmes.models import Programme
from fidelis.resources import access
from fidelis.resources.models import Resource, Status
from fidelis.resources.search import matching_ids, words_of


def search(user, programme: Programme, *, q="", item=None, section=None, kind="", audience=""):
    """The published resources the user may see, filtered, best match first when there are
    words to search for, else by title."""
    scale_id = programme.scale_id
    found = access.resources_visible_to(
        user, Resource.objects.filter(programme=programme, status=Status.PUBLISHED)
    )
    if item:  # linked to the item, or to its whole section
        found = found.filter(
            Q(items__scale_id=scale_id, items__number=item)
            | Q(sections__scale_id=scale_id, sections__items__number=item)
        )
    if section:
        found = found.filter(
            Q(sections__scale_id=scale_id, sections__number=section)
            | Q(items__scale_id=scale_id, items__section__number=section)
        )
    if kind:
        found = found.filter(kind=kind)
    if audience:
        found = found.filter(audience=audience)
    if not words_of(q):
        return found.distinct().order_by("title", "pk")
    ranked = matching_ids(programme.pk, q)
    order = {pk: n for n, pk in enumerate(ranked)}
    return sorted(found.filter(pk__in=ranked).distinct(), key=lambda r: order[r.pk])


def item_numbers(resource_ids: list[int]) -> dict[int, list[int]]:
    numbers: dict[int, list[int]] = {pk: [] for pk in resource_ids}
    for resource_id, number in (
        Resource.items.through.objects.filter(resource_id__in=resource_ids)
        .order_by("item__number")
        .values_list("resource_id", "item__number")
    ):
        numbers[resource_id].append(number)
    return numbers


def shared_by_teams(user, programme: Programme, teams) -> list[Resource]:
    """What the user's teams shared that is not in the library (awaiting approval, or not
    approved with the lead's reason)."""
    if not teams:
        return []
    return list(
        access.resources_visible_to(
            user,
            Resource.objects.filter(
                programme=programme,
                shared_by__in=teams,
                status__in=[Status.PENDING, Status.DECLINED],
            ),
        ).select_related("shared_by")
    )


def awaiting(programme_ids: list[int]):
    """Shared resources waiting for the lead's decision in these programmes, oldest first."""
    return (
        Resource.objects.filter(programme_id__in=programme_ids, status=Status.PENDING)
        .select_related("shared_by")
        .order_by("added_at", "pk")
    )


def past_review(programme: Programme):
    return Resource.objects.filter(
        programme=programme, status=Status.PUBLISHED, review_due__lt=timezone.localdate()
    ).order_by("review_due", "pk")
