"""PreparedRead: the ORM's statement written once, run with new values, same answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocim.accounts.models import User
from ocim.accounts.tests.factories import UserFactory
from ocim.core.prepared import PreparedRead, slots

pytestmark = pytest.mark.django_db


def _by_email_and_floor(email, floor):
    return User.objects.filter(email=email, pk__gte=floor).order_by("pk").values_list("pk", "email")


def test_rows_are_the_querysets_for_every_value():
    read = PreparedRead(_by_email_and_floor, params=(str, int))
    first, second = UserFactory(), UserFactory()
    for email, floor in [
        (first.email, 0),
        (second.email, 0),
        (first.email, first.pk + 1),  # filtered out by the second value
        ("nobody@example.org", 0),
    ]:
        assert read.rows(email, floor) == list(_by_email_and_floor(email, floor))
    assert read.rows(second.email, 0) == [(second.pk, second.email)]


def test_the_statement_is_compiled_once_where_no_value_needs_converting():
    read = PreparedRead(
        lambda pk: User.objects.filter(pk=pk).order_by().values_list("pk", "email"),
        params=(int,),
    )
    person = UserFactory()
    read.rows(person.pk)
    with CaptureQueriesContext(connection) as captured:
        assert read.rows(person.pk) == [(person.pk, person.email)]
    assert len(captured) == 1
    assert read._compiled[connection.vendor] is not None  # integers and text: no converter


def test_reads_that_need_converting_go_through_the_queryset():
    # Dates come back as text from SQLite and are converted by the ORM; PostgreSQL gives them
    # as they are. Either way the answer is the queryset's.
    read = PreparedRead(
        lambda pk: User.objects.filter(pk=pk).values_list("date_joined", "is_active"),
        params=(int,),
    )
    person = UserFactory()
    assert read.rows(person.pk) == [(person.date_joined, True)]
    compiled = read._compiled[connection.vendor]
    assert (compiled is None) == (connection.vendor == "sqlite")


def test_a_value_the_orm_uses_twice_is_not_guessed():
    read = PreparedRead(
        lambda pk: User.objects.filter(pk=pk).exclude(pk=pk).values_list("pk"), params=(int,)
    )
    person = UserFactory()
    assert read.rows(person.pk) == []
    assert read._compiled[connection.vendor] is None


def test_instances_carry_the_columns_read_and_defer_the_rest():
    read = PreparedRead(
        lambda pk: User.objects.filter(pk=pk).values_list("id", "email"), params=(int,)
    )
    person = UserFactory(first_name="Camille")
    [found] = read.instances(User, person.pk)
    assert found == person and found.email == person.email
    assert found.get_deferred_fields() >= {"first_name"}
    assert found.first_name == "Camille"  # read on access
    assert not found._state.adding and found._state.db == "default"


def test_slots_are_distinct_and_typed():
    assert len(set(slots(int, int, str, str))) == 4
    with pytest.raises(TypeError):
        slots(float)


def test_prepared_insert_writes_the_rows_bulk_create_writes():
    from ocim.core.audit import audit_entry
    from ocim.core.models import AuditLogEntry
    from ocim.core.prepared import PreparedInsert

    actor, subject = UserFactory(), UserFactory()

    def entries(tag):
        return [
            audit_entry(action="core.test.done", actor=actor, obj=subject, data={"tag": tag}),
            audit_entry(action="core.test.other", actor="cron", data={"n": [1, "é"]}),
        ]

    fields = [f.attname for f in AuditLogEntry._meta.concrete_fields if f.attname != "id"]
    expected = AuditLogEntry.objects.bulk_create(entries("same"))
    written = PreparedInsert(AuditLogEntry).insert(entries("same"))
    assert [e.pk for e in written] == sorted(e.pk for e in written)
    assert all(not e._state.adding and e.pk for e in written)
    rows = {
        pk: row
        for pk, *row in AuditLogEntry.objects.filter(
            pk__in=[e.pk for e in expected + written]
        ).values_list("pk", *fields)
    }
    created = fields.index("created_at")
    for ours, theirs in zip(written, expected, strict=True):
        mine, reference = list(rows[ours.pk]), list(rows[theirs.pk])
        assert mine[created] >= reference[created]
        mine[created] = reference[created] = None
        assert mine == reference
    assert PreparedInsert(AuditLogEntry).insert([]) == []
