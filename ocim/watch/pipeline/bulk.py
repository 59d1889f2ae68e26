"""Bulk writes of the ingest: plain rows, no model instances, as few round trips as the
database allows.

- ``rows_write``: new rows for several tables at once. PostgreSQL gets one statement for all
  of them (each table an ``INSERT … SELECT`` over its rows sent as one JSON document, in a
  ``WITH``: one parameter per table however many rows, one round trip per document where one
  statement per table, or a COPY per table, cost a round trip each and left the small
  documents waiting on the server). Other databases get one ``executemany`` per table. A
  unique conflict raises ``IntegrityError`` (the ingest retries).
- ``rows_insert``: rows for one table that may already exist (``ignore_conflicts``).

Values are those of the database columns: str, int, bool, None, aware datetimes, bytes.
- ``ids_reserve``: primary keys taken from a table's sequence in one query, so that items
  are written with their ids, together with their sightings and links.
- ``ingest_transaction_settings``: the ingest transaction's commit does not wait for its WAL
  flush, and its queries start no parallel workers.
- ``lookups_and_settings``: the ingest's look-ups of a document and those settings, in one
  statement.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

import orjson
from django.db import connection


def _table_columns(model, fields: tuple[str, ...]):
    table = connection.ops.quote_name(model._meta.db_table)
    model_fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in model_fields)
    return table, columns, model_fields


@lru_cache(maxsize=64)
def _pg_insert_sql(model, fields: tuple[str, ...], ignore_conflicts: bool) -> str:
    # Cached: the column types are looked up once per table, not once per document.
    table, columns, model_fields = _table_columns(model, fields)
    values = ", ".join(
        f"(row->>{number})::{field.db_type(connection)}"
        for number, field in enumerate(model_fields)
    )
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    return (
        f"INSERT INTO {table} ({columns}) SELECT {values} "  # noqa: S608 - quoted names, placeholders
        f"FROM jsonb_array_elements(%s::jsonb) AS row{conflict}"
    )


def _json_value(value):
    # What json.dumps cannot write itself, in the text form PostgreSQL reads for the column.
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    raise TypeError(f"{type(value).__name__} cannot be written by rows_write")


def _json_document(rows) -> str:
    try:
        # Datetimes written as isoformat() writes them; bytes through _json_value.
        return orjson.dumps(rows, default=_json_value).decode()
    except orjson.JSONEncodeError:
        # What orjson refuses and the standard encoder writes (a lone surrogate, an integer
        # beyond 64 bits): written as before, for the database to accept or refuse.
        return json.dumps(rows, ensure_ascii=False, default=_json_value)


def _pg_insert(model, fields, rows, *, ignore_conflicts: bool = False) -> tuple[str, list]:
    """The rows travel as one JSON document (a list of lists) read by ``jsonb_array_elements``:
    written in C (``orjson``), where psycopg quoted an array literal per column in Python
    (3 ms of CPU for a document of 15 articles, against 0.3 ms with ``json.dumps``, seven
    times less again with ``orjson``)."""
    sql = _pg_insert_sql(model, tuple(fields), ignore_conflicts)
    return sql, [_json_document(rows)]


def _executemany(model, fields, rows, *, ignore_conflicts: bool = False) -> None:
    table, columns, _fields = _table_columns(model, fields)
    verb = "INSERT OR IGNORE" if ignore_conflicts else "INSERT"
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"{verb} INTO {table} ({columns}) VALUES ({placeholders})", rows)


def rows_write(tables: list[tuple[object, tuple[str, ...], list[tuple]]]) -> None:
    """Insert, for each ``(model, fields, rows)``, the ``rows`` (tuples of database values in
    the order of ``fields``, model field names) into ``model``'s table, tables in the order
    given. Raises ``IntegrityError`` on a unique conflict; foreign keys are checked at commit
    (they are deferred), so the order only matters to other databases."""
    tables = [(model, fields, rows) for model, fields, rows in tables if rows]
    if not tables:
        return
    if connection.vendor != "postgresql":
        for model, fields, rows in tables:
            _executemany(model, fields, rows)
        return
    parts, params = [], []
    for number, (model, fields, rows) in enumerate(tables):
        sql, arrays = _pg_insert(model, fields, rows)
        parts.append(f"w{number} AS ({sql})")
        params += arrays
    with connection.cursor() as cursor:
        # Every data-modifying WITH query runs, whether the main query reads it or not.
        cursor.execute(f"WITH {', '.join(parts)} SELECT 1", params)


def rows_insert(
    model, fields: tuple[str, ...], rows: list[tuple], *, ignore_conflicts: bool
) -> None:
    """Insert plain rows in one statement: PostgreSQL reads one array per column (``unnest``),
    other databases take ``executemany``. Conflicts with unique constraints are skipped when
    asked."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        _executemany(model, fields, rows, ignore_conflicts=ignore_conflicts)
        return
    sql, params = _pg_insert(model, fields, rows, ignore_conflicts=ignore_conflicts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def ids_reserve(model, count: int) -> list[int]:
    """``count`` new primary keys of ``model`` (PostgreSQL only: its identity sequence). Keys
    taken by a transaction that rolls back are not reused (gaps are harmless)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


_SETTINGS_SQL = (
    "SELECT set_config('synchronous_commit', 'off', true), "
    "set_config('max_parallel_workers_per_gather', '0', true), "
    "set_config('jit', 'off', true), "
    "set_config('enable_bitmapscan', 'off', true), "
    "set_config('enable_seqscan', 'off', true)"
)


def lookups_and_settings(
    *, source_id: int, guid_hashes: list[str], url_hashes: list[str], tune: bool
) -> tuple[set[str], dict[str, int], list[int]]:
    """PostgreSQL, one statement: the ``guid_hashes`` already sighted in the source, the
    items of ``url_hashes`` (``{url_hash: item id}``), the source's concept ids; and, with
    ``tune``, the settings of ``ingest_transaction_settings`` for the rest of the
    transaction (applied whether or not something is written next: no extra round trip)."""
    from ..models import Item, ItemSighting, Source

    sightings = ItemSighting._meta.db_table
    items = Item._meta.db_table
    through = Source.concepts.through._meta
    parts = [
        f"SELECT 0, guid_hash, NULL::bigint FROM {sightings} "  # noqa: S608 - names from the models
        "WHERE source_id = %s AND guid_hash = ANY(%s::varchar[])",
        # url_hash <> '': the unique index on it is partial.
        f"SELECT 1, url_hash, id FROM {items} "  # noqa: S608 - names from the models
        "WHERE url_hash = ANY(%s::varchar[]) AND url_hash <> ''",
        f"SELECT 2, NULL, {through.get_field('concept').column} FROM {through.db_table} "  # noqa: S608 - names from the models
        f"WHERE {through.get_field('source').column} = %s",
    ]
    params: list = [source_id, guid_hashes, url_hashes, source_id]
    if tune:
        # A subquery in FROM runs once: its one row says the settings are applied.
        parts.append(f"SELECT 3, NULL, NULL FROM ({_SETTINGS_SQL}) AS settings")  # noqa: S608 - constant
    known: set[str] = set()
    existing: dict[str, int] = {}
    concepts: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, value, number in cursor.fetchall():
            if kind == 0:
                known.add(value)
            elif kind == 1:
                existing[value] = number
            elif kind == 2:
                concepts.append(number)
    return known, existing, sorted(concepts)


def ingest_transaction_settings() -> None:
    """On PostgreSQL, settings for the rest of the current transaction (an ingest):

    - its commit does not wait for its WAL to reach the disk. A crash in the next fraction of
      a second may lose that transaction, never corrupt anything; for an ingest that only
      means the entries are stored at the next fetch. One fsync per document was a sixth of
      the ingest's time;
    - no parallel workers: its queries read a few rows through an index, and a planner
      misled by stale statistics started two workers (milliseconds each) to scan a table;
    - no JIT compilation: the near-duplicate query of a large document (a thousand items,
      eight bands: an index probe per key) is estimated above ``jit_above_cost`` and was
      compiled for 2.3 s to run in 55 ms (measured on the benchmark's largest feed).
    - no bitmap scans: the near-duplicate query reads the latest items of each band key
      backwards through the (key, id) index and stops after a few; the planner, which
      expects a handful of items per key, preferred reading every item of the key and
      sorting them, and a key shared by thousands (boilerplate text) cost 4–17 ms per key
      instead of 0.05 (measured on the fetch-cycle benchmark's feeds). The ingest's other
      queries read rows by key or id, which an index scan serves as well;
    - sequential scans only where no index serves: the foreign-key checks run at commit
      (a sighting's item, an item's source and story) are planned once per connection, and a
      plan made while the items table looked empty (a new database, or statistics taken before
      the first items) read the whole table for every check until the next ``ANALYZE``: the
      commit of a document grew from 4 to 29 ms over 600 documents (fetch-cycle feeds), 0.6 ms
      throughout with this setting.

    One statement; no-op elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_SETTINGS_SQL)
