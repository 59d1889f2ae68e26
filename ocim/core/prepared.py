"""Reads the ORM writes once per process, then runs with new values (hot paths only).

Building a queryset and compiling it to SQL costs more CPU than running a small indexed query.
A ``PreparedRead`` asks the ORM for the statement once per database connection vendor, with
placeholder values, and then only executes it: the SQL is the ORM's own (same joins, filters,
ordering, quoting), so the answer is the same as the queryset's.

The ORM turns some database values into Python ones after the query (SQLite's dates and
decimals, JSON): when the columns read need such a conversion on the connection in use, the
read runs through the queryset instead, every time. On PostgreSQL the hot reads need none.

    SESSION = PreparedRead(
        lambda pk: Session.objects.filter(pk=pk).values_list("id", "status"), params=(SLOT_INT,)
    )
    rows = SESSION.rows(42)  # [(42, "open")]
    session = SESSION.instance(Session, 42)  # a Session (from_db), or None
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# Placeholder values given to the builder, found again in the compiled parameters. Unlikely
# values, so that no constant of the query itself is taken for one.
SLOT_INT = -7_301_946_288_113
SLOT_STR = "\x00ocim.prepared.slot"


def slots(*kinds: type) -> tuple:
    """One placeholder per parameter: ``slots(int, str)``; several of one kind are told apart
    by adding their index (``SLOT_INT - i``, ``SLOT_STR + str(i)``)."""
    values = []
    for index, kind in enumerate(kinds):
        if kind is int:
            values.append(SLOT_INT - index)
        elif kind is str:
            values.append(f"{SLOT_STR}{index}")
        else:
            raise TypeError(f"PreparedRead parameters are int or str, not {kind!r}")
    return tuple(values)


class _Statement(NamedTuple):
    sql: str
    params: tuple  # the compiled parameters, placeholders included
    positions: tuple[int, ...]  # where each value goes in ``params``
    names: tuple[str, ...]  # the columns read, in order


class PreparedRead:
    """A ``values_list`` read compiled once per vendor; ``build(*params)`` returns it."""

    def __init__(self, build: Callable[..., QuerySet], *, params: Sequence[type]):
        self._build = build
        self._slots = slots(*params)
        self._compiled: dict[str, _Statement | None] = {}

    def queryset(self, *values: Any) -> QuerySet:
        return self._build(*values)

    def _compile(self, connection) -> _Statement | None:
        """The statement for ``connection``'s vendor, or None when the ORM converts values."""
        queryset = self._build(*self._slots)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        expressions = [column for column, _sql, _alias in compiler.select]
        if compiler.get_converters(expressions):
            return None
        positions = []
        for slot in self._slots:
            found = [index for index, value in enumerate(params) if value == slot]
            if len(found) != 1:  # used twice or dropped by the ORM: do not guess
                return None
            positions.append(found[0])
        return _Statement(sql, tuple(params), tuple(positions), tuple(queryset.query.values_select))

    def _statement(self, connection):
        key = connection.vendor
        if key not in self._compiled:
            self._compiled[key] = self._compile(connection)
        return self._compiled[key]

    def rows(self, *values: Any, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        """The rows of the read for ``values`` (tuples, in the ``values_list`` order)."""
        connection = connections[using]
        statement = self._statement(connection)
        if statement is None:
            return list(self._build(*values).using(using))
        params = list(statement.params)
        for position, value in zip(statement.positions, values, strict=True):
            params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            return cursor.fetchall()

    def instances(self, model: type[Model], *values: Any, using: str = DEFAULT_DB_ALIAS):
        """The rows as ``model`` instances (the columns read are the fields given values; any
        other field is deferred, read on access)."""
        connection = connections[using]
        statement = self._statement(connection)
        if statement is not None:
            names = statement.names
        else:
            names = tuple(self._build(*values).query.values_select)
        return [model.from_db(using, list(names), row) for row in self.rows(*values, using=using)]


class PreparedInsert:
    """``bulk_create`` of ``model`` rows with a statement written once per row count, on
    PostgreSQL (``RETURNING`` gives the primary keys); ``bulk_create`` itself elsewhere.

    Each value goes through the field as the ORM sends it (``pre_save`` with ``add=True``, then
    ``get_db_prep_save``), so the rows written are the same; as with ``bulk_create``, no
    ``save()`` runs and no signal is sent. For plain values only (no expressions)."""

    def __init__(self, model: type[Model]):
        self.model = model
        self._sql: dict[int, str] = {}

    def _fields(self) -> list:
        meta = self.model._meta
        return [
            field
            for field in meta.local_concrete_fields
            if not field.generated and not (field.primary_key and field.db_returning)
        ]

    def _statement(self, connection, count: int) -> str:
        if count not in self._sql:
            quote = connection.ops.quote_name
            fields = self._fields()
            columns = ", ".join(quote(field.column) for field in fields)
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            self._sql[count] = (
                f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row] * count)} "
                f"RETURNING {quote(self.model._meta.pk.column)}"
            )  # names from the model's metadata only
        return self._sql[count]

    def insert(self, objs: list[Model], *, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        connection = connections[using]
        if connection.vendor != "postgresql" or not objs:
            return self.model._default_manager.using(using).bulk_create(objs)
        params = []
        fields = self._fields()
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            for field in fields:
                params.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection, len(objs)), params)
            keys = cursor.fetchall()
        for obj, (pk,) in zip(objs, keys, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = using
        return objs
