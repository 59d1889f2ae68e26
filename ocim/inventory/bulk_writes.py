"""Bulk writes of model rows on PostgreSQL through ``COPY`` (``bulk_create`` and ``bulk_update``
elsewhere): the same rows, values prepared by the same fields, at a fraction of the cost for
tens of thousands of rows. Used by the import's commit (``ocim.inventory.import_commit``)."""

from __future__ import annotations

import json
from operator import attrgetter

from django.db import connections, models, router

BATCH_SIZE = 2000
UPDATE_BATCH_SIZE = 250


_PLAIN_FIELDS = frozenset(
    {
        models.BigAutoField, models.AutoField, models.CharField, models.TextField,
        models.SlugField, models.EmailField, models.URLField, models.IntegerField,
        models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
        models.BigIntegerField, models.FloatField, models.BooleanField, models.ForeignKey,
    }
)  # fmt: skip


def bulk_insert(model, objects: list, *, batch_size: int = BATCH_SIZE, keys: bool = True) -> None:
    """Insert new ``objects`` and give them their primary keys, as ``bulk_create`` does, but
    on PostgreSQL through ``COPY``: the same rows, values prepared by the same fields (so
    ``auto_now_add`` and JSON apply), without the per-value array encoding that makes
    ``bulk_create`` cost more than the data for 100,000 rows. Keys are taken from the table's
    sequence first, so nothing has to come back from the copy.

    ``objects`` are model instances or plain records holding every concrete field under its
    attribute name (``field.attname``): a record costs a fraction of a model instance, which
    the copy does not need (elsewhere they become instances for ``bulk_create``). With
    ``keys=False`` the database numbers the rows itself and the objects are not told their
    keys (links and revisions, which nothing refers to)."""
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if connection.vendor != "postgresql":
        instances = [
            obj if isinstance(obj, models.Model) else model(**_record_values(model, obj))
            for obj in objects
        ]
        model.objects.using(alias).bulk_create(instances, batch_size=batch_size)
        for obj, instance in zip(objects, instances, strict=True):
            if obj is not instance:
                obj.__dict__.update(_record_values(model, instance))
        return
    fields = [field for field in meta.concrete_fields if keys or not field.primary_key]
    # Fields whose Python value is already what the database takes are read as they are
    # (most of the cost of a row was this preparation); the others (JSON, dates,
    # auto_now_add) go through their field.
    read = attrgetter(*(field.attname for field in fields))
    prepared = [
        (index, field)
        for index, field in enumerate(fields)
        if type(field) not in _PLAIN_FIELDS and not field.primary_key
    ]
    with connection.cursor() as cursor:
        if keys:
            _keys_reserve(cursor, meta, objects)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            write_row = copy.write_row
            for obj in objects:
                row = list(read(obj))
                for index, field in prepared:
                    row[index] = _copy_value(field, field.pre_save(obj, True), connection)
                write_row(row)
    for obj in objects:
        if keys and isinstance(obj, models.Model):
            obj._state.adding = False
            obj._state.db = alias


def _keys_reserve(cursor, meta, objects: list) -> None:
    """Give ``objects`` the next keys of their table's sequence, in one statement returning
    one array (not a row per key), the sequence looked up once."""
    cursor.execute(
        "SELECT array_agg(nextval(q.sequence)) FROM (SELECT pg_get_serial_sequence(%s, %s)"
        "::regclass AS sequence) q, generate_series(1, %s)",
        [meta.db_table, meta.pk.column, len(objects)],
    )
    for obj, pk in zip(objects, cursor.fetchone()[0], strict=True):
        setattr(obj, meta.pk.attname, pk)


def _record_values(model, obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in model._meta.concrete_fields}


def _copy_value(field, value, connection):
    if isinstance(field, models.JSONField):
        # The JSON text itself: COPY reads it into the jsonb column as PostgreSQL would read
        # the adapted value, without the adapter's wrapping per value.
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


def bulk_update_columns(model, objects: list, field_names: list[str]) -> None:
    """Write ``field_names`` of ``objects``, as ``bulk_update`` does, but on PostgreSQL in one
    ``UPDATE … FROM`` a temporary table filled by ``COPY`` (``bulk_update`` builds a CASE per
    column and row: minutes for 100,000 rows)."""
    if not objects:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model.objects.using(alias).bulk_update(objects, field_names, batch_size=UPDATE_BATCH_SIZE)
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    table, temporary = quote(meta.db_table), quote(f"{meta.db_table}_import_update")
    pk = quote(meta.pk.column)
    columns = ", ".join(quote(field.column) for field in fields)
    # Every name in these statements is a quoted column or table name of the model.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} AS SELECT {pk}, {columns} FROM {table} "  # noqa: S608
            "WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {temporary} ({pk}, {columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [
                        obj.pk,
                        *(
                            field.get_db_prep_save(getattr(obj, field.attname), connection)
                            for field in fields
                        ),
                    ]
                )
        assignments = ", ".join(f"{quote(f.column)} = new.{quote(f.column)}" for f in fields)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {temporary} AS new "  # noqa: S608
            f"WHERE {table}.{pk} = new.{pk}"
        )
        cursor.execute(f"DROP TABLE {temporary}")
