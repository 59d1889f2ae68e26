"""registration_attendance_record: attended / no-show once the session has begun."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import services

from .core_builders import make_session, registration_data

pytestmark = pytest.mark.django_db


def _confirmed(session):
    return services.registration_create(
        session=session, user=UserFactory(), data=registration_data(), idempotency_key=None
    )


def test_attendance_is_recorded_after_the_start_and_keeps_the_seat():
    session = make_session(capacity=2, days_ahead=3)
    registration = _confirmed(session)
    assert registration.status == "confirmed"
    after_start = timezone.now() + dt.timedelta(days=4)

    absent = services.registration_attendance_record(
        registration=registration, attended=False, now=after_start
    )
    assert (absent.status, absent.seat_number) == ("no_show", registration.seat_number)
    # A mistaken record can be corrected.
    present = services.registration_attendance_record(
        registration=registration, attended=True, now=after_start
    )
    assert present.status == "attended"
    actions = AuditLogEntry.objects.filter(object_id=str(registration.pk)).values_list(
        "action", flat=True
    )
    assert {"training.registration.no_show", "training.registration.attended"} <= set(actions)


def test_attendance_cannot_be_recorded_before_the_session_starts():
    registration = _confirmed(make_session(capacity=2, days_ahead=3))
    with pytest.raises(services.InvalidTransition, match="une fois la session commencée"):
        services.registration_attendance_record(registration=registration, attended=True)
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_waitlisted_person_cannot_be_marked_as_attending():
    session = make_session(capacity=1, days_ahead=3)
    _confirmed(session)
    waiting = _confirmed(session)
    assert waiting.status == "waitlisted"
    with pytest.raises(services.InvalidTransition):
        services.registration_attendance_record(
            registration=waiting, attended=True, now=timezone.now() + dt.timedelta(days=4)
        )
