"""Bulk writes of model rows on PostgreSQL through ``COPY`` (``bulk_create`` and ``bulk_update``
elsewhere): the same rows, values prepared by the same fields, at a fraction of the cost for
tens of thousands of rows. Used by the import's commit (``ocim.inventory.import_commit``)."""

from __future__ import annotations

import datetime
import decimal
import json
import math
from operator import attrgetter

from django.db import connections, models, router
from django.utils import timezone

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
    rows = CopyRows(model, keys=keys)
    if keys:
        for obj, pk in zip(objects, keys_reserve(model, len(objects)), strict=True):
            setattr(obj, meta.pk.attname, pk)
    rows.write(rows.encode(objects))
    for obj in objects:
        if keys and isinstance(obj, models.Model):
            obj._state.adding = False
            obj._state.db = alias


def _copy_escaped(text: str) -> str:
    """``text`` as COPY's text format reads it: backslash, newline, carriage return and tab
    escaped (nothing else is); most values have none of them."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    return text


def _copy_text(value) -> str:
    """A value as ``COPY … FROM STDIN`` reads it in its text format: what psycopg's text
    dumpers send for the types a model's fields prepare (``TypeError`` for any other)."""
    kind = type(value)
    if kind is str:
        return _copy_escaped(value)
    if value is None:
        return "\\N"
    if kind is int:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is float:
        if value != value:
            return "NaN"
        if value in (math.inf, -math.inf):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if kind in (datetime.datetime, datetime.date):
        return value.isoformat()
    if kind is decimal.Decimal:
        return str(value)
    if isinstance(value, str):
        return _copy_escaped(str(value))
    raise TypeError(f"no COPY text for {kind.__name__}")


class CopyRows:
    """The rows of a model written with ``COPY`` (PostgreSQL), in two steps that may run in
    different threads: ``encode`` turns objects (model instances or plain records, see
    ``bulk_insert``) into the data ``COPY`` reads — pure Python, no query, values prepared by
    their fields as ``bulk_create`` prepares them —, ``write`` sends it on this thread's
    connection. The objects' keys (``keys=True``) must be set before ``encode``."""

    def __init__(self, model, *, keys: bool = True):
        self.model = model
        self.alias = router.db_for_write(model)
        connection = connections[self.alias]
        meta = model._meta
        fields = [field for field in meta.concrete_fields if keys or not field.primary_key]
        # Fields whose Python value is already what the database takes are read as they are
        # (most of the cost of a row was this preparation); the others (JSON, dates) go
        # through their field.
        read = attrgetter(*(field.attname for field in fields))
        self.read = read if len(fields) > 1 else lambda obj: (read(obj),)
        self.prepared = [
            (index, field)
            for index, field in enumerate(fields)
            if type(field) not in _PLAIN_FIELDS and not field.primary_key and not _stamped(field)
        ]
        # Timestamps set on creation: what ``pre_save`` sets (the time now) is what the
        # database takes as it is (an aware datetime), without the field's preparation.
        self.stamped = [
            (index, field.attname) for index, field in enumerate(fields) if _stamped(field)
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        self.statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"

    def encode(self, objects: list) -> bytes | list:
        """The text ``COPY`` reads for ``objects`` (their timestamps set, as ``pre_save``
        sets them); the rows as lists of values when a value has a type this module does
        not write (psycopg then writes them)."""
        connection = connections[self.alias]
        read, prepared, stamped = self.read, self.prepared, self.stamped
        now = timezone.now
        rows = []
        for obj in objects:
            row = list(read(obj))
            for index, attname in stamped:
                row[index] = value = now()
                setattr(obj, attname, value)
            for index, field in prepared:
                row[index] = _copy_value(field, field.pre_save(obj, True), connection)
            rows.append(row)
        other = _copy_text
        try:
            text = "".join(
                [
                    "\t".join(
                        [
                            (
                                value
                                if "\\" not in value
                                and "\n" not in value
                                and "\r" not in value
                                and "\t" not in value
                                else _copy_escaped(value)
                            )
                            if type(value) is str
                            else ("\\N" if value is None else other(value))
                            for value in row
                        ]
                    )
                    + "\n"
                    for row in rows
                ]
            )
        except TypeError:
            return rows
        if "\x00" in text:  # only a text value can hold one
            raise ValueError("PostgreSQL text fields cannot contain NUL (0x00) characters")
        return text.encode()

    def write(self, data: bytes | list) -> None:
        if not data:
            return
        with (
            connections[self.alias].cursor() as cursor,
            cursor.cursor.copy(self.statement) as copy,
        ):
            if isinstance(data, bytes):
                copy.write(data)
            else:
                for row in data:
                    copy.write_row(row)


def _stamped(field) -> bool:
    return type(field) is models.DateTimeField and (field.auto_now or field.auto_now_add)


def keys_reserve(model, count: int) -> list[int]:
    """The next ``count`` keys of ``model``'s table sequence (PostgreSQL), taken in one
    statement returning one array (not a row per key), the sequence looked up once: they are
    this caller's alone, whatever else inserts meanwhile."""
    if count <= 0:
        return []
    meta = model._meta
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(q.sequence)) FROM (SELECT pg_get_serial_sequence(%s, %s)"
            "::regclass AS sequence) q, generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return cursor.fetchone()[0]


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
