"""The library's full-text search, one function over SQLite FTS5 and PostgreSQL full-text
search (the index each reads is made by migration 0002)."""

from __future__ import annotations

import re

from django.db import connection

#: Words of a query: letters and digits (anything else separates them).
WORD = re.compile(r"\w+", re.UNICODE)


def words_of(text: str) -> list[str]:
    return WORD.findall(text or "")[:12]


def matching_ids(programme_id: int, text: str) -> list[int]:
    """The programme's resources matching every word of `text` (the last word also as the
    start of a longer one), best match first: a word in the title counts most. No words:
    nothing matches."""
    words = words_of(text)
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            terms = " & ".join([f"{w}" for w in words[:-1]] + [f"{words[-1]}:*"])
            cursor.execute(
                "SELECT id FROM resources_resource WHERE programme_id = %s "
                "AND to_tsvector('english', search_text) @@ to_tsquery('english', %s) "
                "ORDER BY ts_rank(setweight(to_tsvector('english', title), 'A') "
                "|| setweight(to_tsvector('english', search_text), 'D'), "
                "to_tsquery('english', %s)) DESC, title, id",
                [programme_id, terms, terms],
            )
        else:
            query = " ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])
            cursor.execute(
                "SELECT r.id FROM resources_resource_fts f "
                "JOIN resources_resource r ON r.id = f.rowid "
                "WHERE resources_resource_fts MATCH %s AND r.programme_id = %s "
                "ORDER BY bm25(resources_resource_fts, 10.0, 1.0), r.title, r.id",
                [query, programme_id],
            )
        return [row[0] for row in cursor.fetchall()]
