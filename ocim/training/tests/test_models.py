"""The database itself refuses what would break the seat and waiting-list invariants."""

import pytest
from django.db import IntegrityError, connection, transaction

from ocim.accounts.tests.factories import UserFactory
from ocim.training.models import Registration, Session

from .core_builders import make_session

pytestmark = pytest.mark.django_db


def _row(session, user=None, **fields):
    fields.setdefault("status", "confirmed")
    fields.setdefault("expectations", "Apprendre.")
    return Registration.objects.create(session=session, user=user or UserFactory(), **fields)


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(**fields)


def test_a_seat_holding_status_needs_a_seat_number_and_only_it_has_one():
    session = make_session(capacity=3)
    _refused(session=session, status="confirmed", seat_number=None)
    _refused(session=session, status="cancelled", seat_number=1)
    _refused(session=session, status="waitlisted", seat_number=1, waitlist_rank=1)
    _refused(session=session, status="confirmed", seat_number=0)


def test_two_registrations_never_share_a_seat():
    session = make_session(capacity=3)
    _row(session, seat_number=2)
    _refused(session=session, seat_number=2)


def test_one_active_registration_per_person_and_session():
    session = make_session(capacity=3)
    user = UserFactory()
    _row(session, user, seat_number=1)
    _refused(session=session, user=user, seat_number=2)
    _refused(session=session, user=user, status="waitlisted", waitlist_rank=1)
    # A cancelled one does not count: the person may register again.
    _row(session, user, status="cancelled")


def test_waiting_list_ranks_are_unique_and_only_for_waitlisted():
    session = make_session(capacity=0)
    _row(session, status="waitlisted", waitlist_rank=1)
    _refused(session=session, status="waitlisted", waitlist_rank=1)
    _refused(session=session, status="waitlisted", waitlist_rank=None)
    _refused(session=session, status="cancelled", waitlist_rank=2)


def test_an_offer_has_an_expiry():
    session = make_session(capacity=1)
    _refused(session=session, status="offered", seat_number=1, offer_expires_at=None)


def test_the_database_refuses_a_seat_number_above_the_capacity():
    """Even a write that skips the services (no lock, no count) cannot oversell."""
    session = make_session(capacity=2)
    _row(session, seat_number=2)
    _refused(session=session, seat_number=3)
    registration = _row(session, seat_number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(seat_number=5)


def test_moving_a_row_to_a_smaller_session_is_checked_against_that_session():
    big, small = make_session(capacity=10), make_session(capacity=2)
    registration = _row(big, seat_number=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(session=small)


def test_the_database_refuses_a_capacity_below_a_held_seat():
    session = make_session(capacity=5)
    _row(session, seat_number=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(capacity=3)
    Session.objects.filter(pk=session.pk).update(capacity=4)  # still fits
    session.refresh_from_db()
    assert session.capacity == 4


def test_the_capacity_cannot_be_negative():
    session = make_session(capacity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(capacity=-1)


def test_the_seat_triggers_exist():
    """SQLite drops a table's triggers when a migration rebuilds it: this catches that."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    expected = {"training_session_capacity_above_seats"}
    if connection.vendor == "sqlite":
        expected |= {
            "training_registration_seat_capacity_insert",
            "training_registration_seat_capacity_update",
        }
    else:
        expected |= {"training_registration_seat_capacity"}
    assert expected <= names


def test_seats_left_is_computed_not_stored():
    session = make_session(capacity=3)
    _row(session, seat_number=1)
    _row(session, status="cancelled")
    annotated = Session.objects.with_seats().get(pk=session.pk)
    assert (annotated.seats_held, annotated.seats_left, annotated.waitlist_length) == (1, 2, 0)
    assert session.seats_left == 2
