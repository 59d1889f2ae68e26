"""reminders_send: one reminder per seat holder, a week before the start, safe to run twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import services
from ocim.training.models import Registration, SessionPart

from .core_builders import make_session, registration_data
from .test_emails_render import calendar_of

pytestmark = pytest.mark.django_db


def _register(session, **data):
    return services.registration_create(
        session=session, user=UserFactory(), data=registration_data(**data)
    )


def _send(django_capture_on_commit_callbacks, **kwargs) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.reminders_send(**kwargs)


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_seat_holders_of_a_session_within_a_week_are_reminded_once(
    django_capture_on_commit_callbacks,
):
    session = make_session(capacity=2, days_ahead=5)
    confirmed = _register(session)
    pending = _register(session, payer="employer")
    waiting = _register(session)
    assert (confirmed.status, pending.status, waiting.status) == (
        "confirmed",
        "pending",
        "waitlisted",
    )
    mail.outbox.clear()

    assert _send(django_capture_on_commit_callbacks) == 2
    assert _recipients() == sorted([confirmed.user.email, pending.user.email])
    for message in mail.outbox:
        events, _raw = calendar_of(message)
        assert len(events) == 1
    assert Registration.objects.filter(reminder_sent_at__isnull=False).count() == 2
    assert AuditLogEntry.objects.filter(action="training.registration.reminded").count() == 2

    # Running again (the hourly job, or a second worker) sends nothing more.
    assert _send(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2


def test_no_reminder_for_far_started_or_cancelled(django_capture_on_commit_callbacks):
    far = make_session(days_ahead=8)
    _register(far)
    past = make_session(days_ahead=-1, status="closed")
    Registration.objects.create(
        session=past, user=UserFactory(), status="confirmed", seat_number=1, expectations="x"
    )
    cancelled_session = make_session(days_ahead=3)
    _register(cancelled_session)
    cancelled_session.status = "cancelled"
    cancelled_session.save()
    soon = make_session(days_ahead=3)
    gone = _register(soon)
    services.registration_cancel(registration=gone, by_staff=True)
    mail.outbox.clear()

    assert _send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not Registration.objects.filter(reminder_sent_at__isnull=False).exists()


def test_the_seven_day_boundary_is_exact(django_capture_on_commit_callbacks):
    session = make_session(days_ahead=10)
    registration = _register(session)
    mail.outbox.clear()
    starts_at = services.session_starts_at(session)
    assert (
        _send(django_capture_on_commit_callbacks, now=starts_at - dt.timedelta(days=7, minutes=1))
        == 0
    )
    assert _send(django_capture_on_commit_callbacks, now=starts_at - dt.timedelta(days=7)) == 1
    assert mail.outbox[0].to == [registration.user.email]
    # Once started, never again (even if the reminder had been missed).
    Registration.objects.update(reminder_sent_at=None)
    assert _send(django_capture_on_commit_callbacks, now=starts_at) == 0


def test_a_row_claimed_by_another_worker_is_not_sent_twice(
    django_capture_on_commit_callbacks, monkeypatch
):
    session = make_session(days_ahead=3)
    registration = _register(session)
    mail.outbox.clear()
    real_update = services.Registration.objects.filter

    # Another worker claims the row between our selection and our claim.
    def racing_filter(*args, **kwargs):
        if "reminder_sent_at__isnull" in kwargs and "pk" in kwargs:
            Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=timezone.now())
        return real_update(*args, **kwargs)

    monkeypatch.setattr(services.Registration.objects, "filter", racing_filter)
    assert _send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_failed_sending_releases_the_claim(django_capture_on_commit_callbacks, monkeypatch):
    session = make_session(days_ahead=3)
    registration = _register(session)
    mail.outbox.clear()

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert _send(django_capture_on_commit_callbacks) == 1
    registration.refresh_from_db()
    assert registration.reminder_sent_at is None  # the next run tries again
    monkeypatch.undo()
    assert _send(django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1


def test_a_session_moved_later_is_reminded_again_at_its_new_date(
    django_capture_on_commit_callbacks,
):
    session = make_session(days_ahead=5)
    registration = _register(session)
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks) == 1

    before = services.session_schedule_snapshot(session)
    SessionPart.objects.filter(session=session).update(
        date=timezone.localdate() + dt.timedelta(days=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_change_notify(session=session, before=before) == 1
    registration.refresh_from_db()
    assert registration.reminder_sent_at is None
    assert _send(django_capture_on_commit_callbacks) == 0  # not yet: a month away
    new_start = services.session_starts_at(session)
    mail.outbox.clear()
    assert _send(django_capture_on_commit_callbacks, now=new_start - dt.timedelta(days=6)) == 1
    assert mail.outbox[0].to == [registration.user.email]


def test_a_session_moved_within_the_week_takes_the_change_email_as_reminder(
    django_capture_on_commit_callbacks,
):
    session = make_session(days_ahead=20)
    registration = _register(session)
    before = services.session_schedule_snapshot(session)
    SessionPart.objects.filter(session=session).update(
        date=timezone.localdate() + dt.timedelta(days=4)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_change_notify(session=session, before=before) == 1
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None
    assert _send(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_the_hourly_job_is_registered_and_calls_the_service():
    from ocim.core.scheduler import periodic_registry as registry
    from ocim.training.tasks import send_reminders

    job = registry.get("training.reminders.send")
    assert job.task is send_reminders
    assert job.every == dt.timedelta(hours=1)
    session = make_session(days_ahead=2)
    _register(session)
    assert send_reminders.call() == 1
    assert send_reminders.call() == 0
