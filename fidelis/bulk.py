"""Fast inserts and deletes for synthetic data (the demo and `fidelis seed`).

A thousand-team programme is about two million rows; the ORM's per-object work
(`bulk_create` building model instances, `delete()` loading each row and writing a history
record for it) would take minutes. These helpers write plain rows with `executemany` and
delete table by table. They are for rows that have no history of their own: people's
edits always go through the apps' actions.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router


@dataclass
class Build:
    """A programme being built for the demo or `fidelis seed`, handed from app to app.

    The programmes' builder fills in `programme`, `teams` and `people` (lists of users by
    kind: "lead", "reviewers", "clinicians", ...) and `personas` (the demo accounts by
    username); later apps read them and add their own rows. `rows` counts what was written,
    by model name, for the command's summary."""

    rng: random.Random
    options: dict[str, Any] = field(default_factory=dict)
    programme: Any = None
    teams: list = field(default_factory=list)
    people: dict[str, list] = field(default_factory=dict)
    personas: dict[str, Any] = field(default_factory=dict)
    rows: Counter = field(default_factory=Counter)


class Adapter:
    """Values as the database backend wants them, worked out once per distinct value."""

    def __init__(self, model, json_field: str | None = None):
        self.connection = connections[router.db_for_write(model)]
        self.json_field = model._meta.get_field(json_field) if json_field else None
        self._json: dict[int, object] = {}

    def datetime(self, value: datetime.datetime):
        return self.connection.ops.adapt_datetimefield_value(value)

    def time(self, value: datetime.time | None):
        return self.connection.ops.adapt_timefield_value(value)

    def json(self, value):
        # Values passed here are shared objects (a criterion's candidate source lists), so
        # id() is stable for the life of one build.
        key = id(value)
        if key not in self._json:
            self._json[key] = self.json_field.get_db_prep_save(value, self.connection)
        return self._json[key]


def insert(model, fields: list[str], rows: list[tuple], batch: int = 5000) -> None:
    """INSERT `rows` (tuples in the order of `fields`) into `model`'s table."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    # Table and column names come from the models, never from input.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def ids_by(model, parent: str, other: str, parent_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(parent id, other id): id} of the rows of `model` under `parent_ids`, for rows just
    inserted that are unique on the two foreign keys."""
    ids = {}
    for start in range(0, len(parent_ids), 500):
        rows = model.objects.filter(**{f"{parent}_id__in": parent_ids[start : start + 500]})
        ids.update(
            {(p, o): pk for p, o, pk in rows.values_list(f"{parent}_id", f"{other}_id", "pk")}
        )
    return ids


def delete(*querysets) -> None:
    """Delete each queryset's rows in one statement, in the order given (children first)."""
    for queryset in querysets:
        queryset._raw_delete(queryset.db)
