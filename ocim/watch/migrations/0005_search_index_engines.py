"""Engine-specific parts of the items' search index (see ``ocim.watch.models.search``):

- PostgreSQL: the ``unaccent`` extension (``UnaccentExtension`` does nothing on other engines)
  and a GIN index on the tsvector;
- SQLite: an FTS5 table over the stems, kept in step with ``watch_itemsearchindex`` by
  triggers. If a later migration alters that table on SQLite (Django then rebuilds it and the
  triggers are lost), run ``manage.py watch_search_rebuild``, which re-creates them.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS watch_itemsearch_vector_gin "
    "ON watch_itemsearchindex USING gin (vector)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS watch_itemsearch_vector_gin"]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS watch_itemsearchindex_fts USING fts5("
    "terms, content='watch_itemsearchindex', content_rowid='item_id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS watch_itemsearchindex_fts_ai AFTER INSERT ON "
    "watch_itemsearchindex BEGIN INSERT INTO watch_itemsearchindex_fts(rowid, terms) "
    "VALUES (new.item_id, new.terms); END",
    "CREATE TRIGGER IF NOT EXISTS watch_itemsearchindex_fts_ad AFTER DELETE ON "
    "watch_itemsearchindex BEGIN INSERT INTO watch_itemsearchindex_fts"
    "(watch_itemsearchindex_fts, rowid, terms) VALUES ('delete', old.item_id, old.terms); END",
    "CREATE TRIGGER IF NOT EXISTS watch_itemsearchindex_fts_au AFTER UPDATE ON "
    "watch_itemsearchindex BEGIN INSERT INTO watch_itemsearchindex_fts"
    "(watch_itemsearchindex_fts, rowid, terms) VALUES ('delete', old.item_id, old.terms); "
    "INSERT INTO watch_itemsearchindex_fts(rowid, terms) VALUES (new.item_id, new.terms); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS watch_itemsearchindex_fts_ai",
    "DROP TRIGGER IF EXISTS watch_itemsearchindex_fts_ad",
    "DROP TRIGGER IF EXISTS watch_itemsearchindex_fts_au",
    "DROP TABLE IF EXISTS watch_itemsearchindex_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("watch", "0004_search_index")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
