"""session_capacity_change and registration_move: seats follow, the waiting list is served."""

import pytest

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import services
from ocim.training.models import Registration

from .core_builders import make_session, registration_data

pytestmark = pytest.mark.django_db


def _register(session, user=None):
    return services.registration_create(
        session=session, user=user or UserFactory(), data=registration_data()
    )


def _seats(session):
    return sorted(
        Registration.objects.holding_seat()
        .filter(session=session)
        .values_list("seat_number", flat=True)
    )


def test_raising_the_capacity_offers_the_new_seats_in_list_order():
    session = make_session(capacity=1)
    _register(session)
    waiters = [_register(session) for _ in range(3)]
    services.session_capacity_change(session=session, capacity=3)
    statuses = [Registration.objects.get(pk=w.pk).status for w in waiters]
    assert statuses == ["offered", "offered", "waitlisted"]
    assert Registration.objects.get(pk=waiters[2].pk).waitlist_rank == 1
    assert _seats(session) == [1, 2, 3]
    entry = AuditLogEntry.objects.get(action="training.session.capacity_changed")
    assert entry.data == {"from": 1, "to": 3}


def test_lowering_the_capacity_compacts_seat_numbers():
    session = make_session(capacity=5)
    registrations = [_register(session) for _ in range(5)]
    for registration in registrations[:3]:
        services.registration_cancel(registration=registration)
    assert _seats(session) == [4, 5]
    services.session_capacity_change(session=session, capacity=2)
    session.refresh_from_db()
    assert session.capacity == 2
    assert _seats(session) == [1, 2]


def test_the_capacity_cannot_drop_below_the_seats_held():
    session = make_session(capacity=3)
    for _ in range(3):
        _register(session)
    with pytest.raises(services.CapacityTooLow) as raised:
        services.session_capacity_change(session=session, capacity=2)
    assert "3" in str(raised.value.message)
    session.refresh_from_db()
    assert session.capacity == 3
    with pytest.raises(services.RegistrationInvalid):
        services.session_capacity_change(session=session, capacity=-1)


def test_moving_takes_a_seat_in_the_target_and_offers_the_old_one():
    source = make_session(capacity=1)
    target = make_session(course=source.course, capacity=2)
    _register(target)
    moving = _register(source)
    waiting = _register(source)
    moved = services.registration_move(registration=moving, to_session=target)
    assert (moved.session_id, moved.seat_number, moved.status) == (target.pk, 2, "confirmed")
    assert Registration.objects.get(pk=waiting.pk).status == "offered"
    entry = AuditLogEntry.objects.get(action="training.registration.moved")
    assert entry.data["from_session"] == source.pk


def test_moving_to_a_full_or_cancelled_session_is_refused():
    source = make_session(capacity=1)
    full = make_session(capacity=1)
    _register(full)
    registration = _register(source)
    with pytest.raises(services.SessionFull):
        services.registration_move(registration=registration, to_session=full)
    cancelled = make_session(capacity=3, status="cancelled")
    with pytest.raises(services.SessionCancelled):
        services.registration_move(registration=registration, to_session=cancelled)
    assert Registration.objects.get(pk=registration.pk).session_id == source.pk


def test_a_person_cannot_be_moved_into_a_session_they_are_already_in():
    user = UserFactory()
    source, target = make_session(capacity=2), make_session(capacity=2)
    registration = _register(source, user)
    _register(target, user)
    with pytest.raises(services.AlreadyRegistered):
        services.registration_move(registration=registration, to_session=target)


def test_a_waitlisted_registration_cannot_be_moved():
    source, target = make_session(capacity=0), make_session(capacity=2)
    with pytest.raises(services.InvalidTransition):
        services.registration_move(registration=_register(source), to_session=target)
