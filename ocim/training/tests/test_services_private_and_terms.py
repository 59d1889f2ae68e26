"""Private (tailor-made) sessions, staff additions and the participant's cancellation terms."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import services
from ocim.training.models import SessionInvitation

from .core_builders import make_session, registration_data

pytestmark = pytest.mark.django_db(transaction=False)


def _register(session, user, **kwargs):
    return services.registration_create(
        session=session, user=user, data=registration_data(), **kwargs
    )


def test_a_private_session_refuses_people_who_were_not_invited():
    session = make_session(is_private=True)
    stranger = UserFactory(email="curieux@example.org")
    with pytest.raises(services.NotInvited) as error:
        _register(session, stranger)
    assert error.value.status == 403
    assert "invited" in str(error.value.message) or "invit" in str(error.value.message)
    assert not session.registrations.exists()


def test_an_invited_address_registers_whatever_its_case():
    session = make_session(is_private=True)
    SessionInvitation.objects.create(session=session, email="claire.martin@museum.example")
    guest = UserFactory(email="Claire.Martin@Museum.example")
    registration = _register(session, guest)
    assert registration.seat_number == 1


def test_staff_add_a_participant_to_a_closed_session_but_not_to_a_cancelled_one():
    closed = make_session(status="closed", is_private=True)
    registration = _register(closed, UserFactory(), by_staff=True, actor=UserFactory())
    assert registration.status == "confirmed"
    with pytest.raises(services.RegistrationClosed):
        _register(closed, UserFactory())  # the public path still refuses
    cancelled = make_session(status="cancelled")
    with pytest.raises(services.SessionCancelled):
        _register(cancelled, UserFactory(), by_staff=True)


def test_a_participant_cancels_online_only_until_the_notice_period():
    session = make_session(days_ahead=10, cancellation_notice_days=14)
    registration = _register(session, UserFactory())
    with pytest.raises(services.CancellationTooLate) as error:
        services.registration_cancel(registration=registration, actor=registration.user)
    assert "contact" in str(error.value.message)
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # nothing changed
    services.registration_cancel(registration=registration, by_staff=True)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    entry = AuditLogEntry.objects.get(action="training.registration.cancelled")
    assert entry.data["by_staff"] is True


def test_cancellation_deadline_is_the_start_minus_the_notice():
    session = make_session(days_ahead=30, cancellation_notice_days=14)
    deadline = services.cancellation_deadline(session)
    starts_at = services.session_starts_at(session)
    assert starts_at - deadline == dt.timedelta(days=14)
    registration = _register(session, UserFactory())
    services.registration_cancel(registration=registration, now=timezone.now())
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_a_waiting_list_place_can_be_left_whatever_the_date():
    session = make_session(capacity=1, days_ahead=3)
    _register(session, UserFactory())
    waiting = _register(session, UserFactory())
    assert waiting.status == "waitlisted"
    services.registration_cancel(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"


def test_start_date_ignores_other_sessions_parts_when_parts_were_prefetched():
    from django.db.models import Prefetch

    from ocim.training.models import Session, SessionPart

    early = make_session(days_ahead=5)
    later = make_session(days_ahead=40)
    loaded = Session.objects.prefetch_related(
        Prefetch("parts", queryset=SessionPart.objects.order_by("date"))
    ).get(pk=later.pk)
    assert services.session_starts_at(loaded).date() == later.parts.get().date
    assert services.session_starts_at(loaded) != services.session_starts_at(early)
