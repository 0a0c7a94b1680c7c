"""Tables as downloads: CSV, or an Excel workbook whose first sheet holds the table and
whose further sheets (a data dictionary, say) follow. Always an attachment, never shown in
the page's origin."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(
    name: str,
    fmt: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    sheet: str = "Sheet",
    more_sheets: Sequence[tuple[str, list[list]]] = (),
) -> HttpResponse:
    """`name`.`fmt` ("csv" or "xlsx") holding `header` and `rows` (None written as an
    empty CSV cell); `more_sheets` ((title, rows), ...) are added to a workbook only."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        result = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook(write_only=True)
        table = workbook.create_sheet(sheet)
        table.append(list(header))
        for row in rows:
            table.append(list(row))
        for title, extra in more_sheets:
            added = workbook.create_sheet(title)
            for row in extra:
                added.append(row)
        binary = io.BytesIO()
        workbook.save(binary)
        result = HttpResponse(binary.getvalue(), content_type=XLSX)
    result["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    result["X-Content-Type-Options"] = "nosniff"
    return result
