"""A plan's actions as CSV or Excel: one row per action, for the group's own tracking."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from openpyxl import Workbook

from fidelis.improvement.models import Action

FORMATS = ("csv", "xlsx")
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
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(["" if v is None else v for v in row] for row in data)
        result = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Actions")
        sheet.append(HEADER)
        for row in data:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    result["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    result["X-Content-Type-Options"] = "nosniff"
    return result
