"""session_change_notify, session_cancel and the offer-expired e-mail."""

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


def _full_session(capacity=1, waiting=2, **fields):
    session = make_session(capacity=capacity, **fields)
    holders = [_register(session) for _ in range(capacity)]
    waiters = [_register(session) for _ in range(waiting)]
    mail.outbox.clear()
    return session, holders, waiters


def _fresh(registration):
    return Registration.objects.get(pk=registration.pk)


# --- Session changed ------------------------------------------------------------------------------


def test_no_relevant_change_sends_nothing(django_capture_on_commit_callbacks):
    session, _holders, _waiters = _full_session()
    before = services.session_schedule_snapshot(session)
    session.capacity = 4  # not something participants rely on to come
    session.title = "Nouveau libellé"
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_change_notify(session=session, before=before) == 0
    assert mail.outbox == []
    assert not AuditLogEntry.objects.filter(action="training.session.changed").exists()


def test_the_snapshot_reads_the_stored_rows_not_the_edited_instance():
    session = make_session()
    stored = services.session_schedule_snapshot(session)
    session.place_name = "Pas encore enregistré"
    assert services.session_schedule_snapshot(session) == stored
    assert stored["parts"][0]["start_time"] == "09:30"
    assert set(stored) == {"parts", "place_name", "address", "commune", "is_remote"}


def test_a_new_date_and_place_reach_every_active_registration(
    django_capture_on_commit_callbacks,
):
    session, (holder,), (first, second) = _full_session(place_name="Muséum de Dijon")
    services.waitlist_leave(registration=second)
    before = services.session_schedule_snapshot(session)
    new_day = timezone.localdate() + dt.timedelta(days=45)
    SessionPart.objects.filter(session=session).update(date=new_day)
    session.place_name = "Musée des Beaux-Arts"
    session.save()
    updated_before = session.updated_at

    with django_capture_on_commit_callbacks(execute=True):
        notified = services.session_change_notify(session=session, before=before, actor=None)

    assert notified == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([holder.user.email, first.user.email])
    for message in mail.outbox:
        assert "Muséum de Dijon" in message.body and "Musée des Beaux-Arts" in message.body
        events, _raw = calendar_of(message)
        assert events[0]["LOCATION_text"] == "Musée des Beaux-Arts"
        assert events[0]["DTSTART"].startswith(new_day.strftime("%Y%m%d"))
    entry = AuditLogEntry.objects.get(action="training.session.changed")
    assert entry.data["changed"] == ["parts", "place_name"]
    assert entry.data["before"]["place_name"] == "Muséum de Dijon"
    assert entry.data["after"]["place_name"] == "Musée des Beaux-Arts"
    assert entry.data["notified"] == 2
    # The calendar revision moved on, so clients replace the event they have.
    session.refresh_from_db()
    assert session.updated_at > updated_before


def test_a_cancelled_session_is_not_notified(django_capture_on_commit_callbacks):
    session, _holders, _waiters = _full_session()
    before = services.session_schedule_snapshot(session)
    services.session_cancel(session=session)
    SessionPart.objects.filter(session=session).update(start_time=dt.time(10, 0))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_change_notify(session=session, before=before) == 0
    assert mail.outbox == []


# --- Session cancelled ----------------------------------------------------------------------------


def test_cancelling_a_session_cancels_everyone_without_promotion(
    django_capture_on_commit_callbacks,
):
    session, (holder,), (first, second) = _full_session()
    services.registration_cancel(registration=holder, by_staff=True)
    assert _fresh(first).status == "offered"
    again = _register(session)  # joins the list behind the offer
    mail.outbox.clear()
    staff = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.session_cancel(session=session, actor=staff, reason="Formateur malade")

    assert result.status == "cancelled"
    statuses = {r.pk: r.status for r in Registration.objects.filter(session=session)}
    assert statuses == {
        holder.pk: "cancelled",
        first.pk: "cancelled",
        second.pk: "cancelled",
        again.pk: "cancelled",
    }
    assert not Registration.objects.filter(session=session, seat_number__isnull=False).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.user.email, second.user.email, again.user.email]
    )
    for message in mail.outbox:
        assert "Formateur malade" in message.body
        assert "Formateur malade" in message.alternatives[0][0]
        events, _raw = calendar_of(message)
        assert {event["STATUS"] for event in events} == {"CANCELLED"}
    entries = AuditLogEntry.objects.filter(
        action="training.registration.cancelled", data__session_cancelled=True
    )
    assert entries.count() == 3
    session_entry = AuditLogEntry.objects.get(action="training.session.cancelled")
    assert session_entry.data["registrations_cancelled"] == 3
    assert session_entry.actor == staff
    assert not AuditLogEntry.objects.filter(
        action="training.registration.offered", created_at__gte=session_entry.created_at
    ).exists()

    # Idempotent: nothing more written or sent.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, actor=staff)
    assert mail.outbox == []
    assert AuditLogEntry.objects.filter(action="training.session.cancelled").count() == 1


def test_attendance_records_stay_and_completed_sessions_refuse():
    session = make_session(status="completed", days_ahead=-3)
    Registration.objects.create(
        session=session, user=UserFactory(), status="attended", seat_number=1, expectations="x"
    )
    with pytest.raises(services.InvalidTransition):
        services.session_cancel(session=session)
    assert Registration.objects.get().status == "attended"
    assert session.status == "completed"


def test_a_session_cancelled_by_hand_still_has_its_registrations_cancelled(
    django_capture_on_commit_callbacks,
):
    session, (holder,), _waiters = _full_session(waiting=0)
    session.status = "cancelled"
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session)
    assert _fresh(holder).status == "cancelled"
    assert len(mail.outbox) == 1


# --- Offer expired --------------------------------------------------------------------------------


def test_an_expired_offer_is_told_and_the_next_person_offered(
    django_capture_on_commit_callbacks,
):
    session, (holder,), (first, second) = _full_session()
    services.registration_cancel(registration=holder)
    mail.outbox.clear()
    later = timezone.now() + dt.timedelta(hours=49)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.offers_expire(now=later) == 1
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {first.user.email, second.user.email}
    expired = by_person[first.user.email]
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("fr"):
        subject = gettext("Seat offer expired: %(title)s") % {"title": session.course.title}
    assert expired.subject == subject
    events, _raw = calendar_of(expired)
    assert {event["STATUS"] for event in events} == {"CANCELLED"}
    offered = by_person[second.user.email]
    assert {event["STATUS"] for event in calendar_of(offered)[0]} == {"TENTATIVE"}
    # A second run sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.offers_expire(now=later) == 0
    assert mail.outbox == []
