"""The library's full-text search: an FTS5 table kept by triggers on SQLite, an expression
index on PostgreSQL (fidelis.resources.search reads either).

A later migration that makes SQLite rebuild `resources_resource` (some field changes do)
drops these triggers with the old table: it must run SQLITE again after its change."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE resources_resource_fts USING fts5(title, search_text, "
    "content='resources_resource', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER resources_fts_insert AFTER INSERT ON resources_resource BEGIN "
    "INSERT INTO resources_resource_fts(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER resources_fts_delete AFTER DELETE ON resources_resource BEGIN "
    "INSERT INTO resources_resource_fts(resources_resource_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER resources_fts_update AFTER UPDATE OF title, search_text "
    "ON resources_resource BEGIN "
    "INSERT INTO resources_resource_fts(resources_resource_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); "
    "INSERT INTO resources_resource_fts(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS resources_fts_update",
    "DROP TRIGGER IF EXISTS resources_fts_delete",
    "DROP TRIGGER IF EXISTS resources_fts_insert",
    "DROP TABLE IF EXISTS resources_resource_fts",
]
POSTGRESQL = [
    "CREATE INDEX resources_resource_search ON resources_resource "
    "USING GIN (to_tsvector('english', search_text))",
]
POSTGRESQL_UNDO = ["DROP INDEX IF EXISTS resources_resource_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        )
    ]
