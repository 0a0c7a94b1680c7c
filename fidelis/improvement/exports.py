"""A plan's actions as CSV or Excel: one row per action, for the group's own tracking."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from fidelis.downloads import FORMATS, table_response
from fidelis.improvement.models import Action

HEADER = [
    "goal",
    "items",
    "action",
    "owner",
    "due",
    "estimated hours",
    "status",
    "reason for the status",
    "last update",
]


def rows(plan) -> list[list]:
    actions = (
        Action.objects.filter(goal__plan=plan)
        .select_related("goal", "owner")
        .prefetch_related("goal__items__item")
        .order_by("goal__order", "goal__pk", "due_on", "pk")
    )
    found = []
    for action in actions:
        latest = action.updates.first()
        found.append(
            [
                action.goal.title,
                ", ".join(str(link.item.number) for link in action.goal.items.all()),
                action.title,
                action.owner.display_name,
                action.due_on,
                float(action.hours),
                action.get_status_display(),
                action.status_reason,
                latest.written_at.date() if latest else None,
            ]
        )
    return found


def response(plan, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such export")
    data = rows(plan)
    name = f"{plan.team.organisation.programme.slug}-{plan.team.slug}-plan-actions"
    return table_response(name, fmt, HEADER, data, sheet="Actions")
