"""Every registration e-mail renders in French and English, text + HTML, and the e-mails about
a held seat or a schedule carry ``session.ics`` (parsed back with the strict test reader)."""

from __future__ import annotations

import datetime as dt
from email.mime.base import MIMEBase

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import OrganisationSettings
from ocim.training import services
from ocim.training.ical import sequence_for
from ocim.training.models import Registration, SessionPart

from . import catalogue_fixtures as fx
from .ical_parser import parse_calendar

pytestmark = pytest.mark.django_db

CONTACT = "formation@ocim.example"


def calendar_of(message) -> tuple[list[dict], str]:
    """The events of the one ``session.ics`` attached to ``message``, and its raw text."""
    calendars = [
        part
        for part in message.attachments
        if isinstance(part, MIMEBase) and part.get_content_type() == "text/calendar"
    ]
    assert len(calendars) == 1, "exactly one calendar attachment"
    part = calendars[0]
    assert part.get_filename() == "session.ics"
    assert part.get_param("method") == "PUBLISH"
    raw = part.get_payload(decode=True)
    message.message().as_bytes()  # the whole message still serialises
    return parse_calendar(raw), raw.decode("utf-8")


def has_calendar(message) -> bool:
    return any(
        isinstance(part, MIMEBase) and part.get_content_type() == "text/calendar"
        for part in message.attachments
    )


def _data(**overrides):
    data = {"expectations": "Apprendre à monter un squelette.", "payer": "self", "consent": True}
    data.update(overrides)
    return data


@pytest.fixture
def contact():
    settings = OrganisationSettings.load()
    settings.contact_email = CONTACT
    settings.save()
    return CONTACT


@pytest.fixture
def session():
    course = fx.course(fx.site_with_catalogue(), title="Montage ostéologique")
    course.prerequisites = "Apporter une blouse et des gants."
    course.disability_contact_name = "Claire Martin"
    course.disability_contact_email = "handicap@ocim.example"
    course.save_revision().publish()
    value = fx.session(course, capacity=1, days_ahead=30, days=2)
    SessionPart.objects.create(
        session=value,
        date=timezone.localdate() + dt.timedelta(days=40),
        start_time=dt.time(14, 0),
        end_time=dt.time(17, 0),
        mode="remote",
        remote_url="https://visio.example/salle-42",
    )
    return value


def _registration(session, language, status="confirmed", **fields):
    user = UserFactory(preferred_language=language)
    seat = None
    if status in ("confirmed", "pending", "offered"):
        seat = Registration.objects.filter(session=session).count() + 1
    values = {
        "session": session,
        "user": user,
        "status": status,
        "seat_number": seat,
        "waitlist_rank": 1 if status == "waitlisted" else None,
        "expectations": "Apprendre.",
        "offer_expires_at": (
            timezone.now() + dt.timedelta(hours=48) if status == "offered" else None
        ),
    }
    values.update(fields)
    session.capacity = max(session.capacity, seat or 0)
    session.save(update_fields=["capacity"])
    return Registration.objects.select_related("session__course", "user").get(
        pk=Registration.objects.create(**values).pk
    )


def _expected(language, msgid, **values):
    with translation.override(language):
        return gettext(msgid) % values


SUBJECTS = {
    "received": "Registration received: %(title)s",
    "confirmed": "Registration confirmed: %(title)s",
    "offered": "A seat is available for you: %(title)s",
    "cancelled": "Registration cancelled: %(title)s",
    "waitlisted": "Waiting list: %(title)s",
    "session_changed": "Schedule changed: %(title)s",
    "session_cancelled": "Session cancelled: %(title)s",
    "offer_expired": "Seat offer expired: %(title)s",
}
# The status the registration has when each e-mail goes out, and the calendar it gets.
CASES = {
    "received": ("pending", "TENTATIVE"),
    "confirmed": ("confirmed", "CONFIRMED"),
    "offered": ("offered", "TENTATIVE"),
    "reminder": ("confirmed", "CONFIRMED"),
    "session_changed": ("confirmed", "CONFIRMED"),
    "session_cancelled": ("cancelled", "CANCELLED"),
    "offer_expired": ("declined", "CANCELLED"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_seat_or_schedule_email_renders_with_its_calendar(session, contact, kind, language):
    status, calendar_status = CASES[kind]
    registration = _registration(session, language, status=status)
    extra = {}
    if kind == "session_changed":
        before = services.session_schedule_snapshot(session)
        extra = {"before": {**before, "place_name": "Ancien lieu"}, "after": before}
    if kind == "session_cancelled":
        extra = {"reason": "Formateur malade"}

    message = services.registration_email_render(registration=registration, kind=kind, extra=extra)

    title = session.course.title
    if kind == "reminder":
        with translation.override(language):
            day = formats.date_format(session.starts_on, "j F Y")
        assert message.subject == _expected(
            language, "Reminder: %(title)s starts on %(date)s", title=title, date=day
        )
    else:
        assert message.subject == _expected(language, SUBJECTS[kind], title=title)
    assert message.to == [registration.user.email]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert title in message.body and title in html

    events, raw = calendar_of(message)
    assert "\r\nMETHOD:PUBLISH\r\n" in raw
    assert len(events) == 3  # one per part
    assert [event["UID"] for event in events] == [
        f"training-session-{session.pk}-part-{part.pk}@ocim.fr"
        for part in session.parts.order_by("date", "start_time")
    ]
    assert {event["STATUS"] for event in events} == {calendar_status}
    # An absolute course URL, and a revision number later e-mails can supersede.
    assert events[0]["URL"].startswith("http")
    assert events[0]["URL"].endswith(session.course.url)
    assert int(events[0]["SEQUENCE"]) == sequence_for(session.updated_at, registration.updated_at)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_waitlisted_and_own_cancellation_without_a_seat_carry_no_calendar(session, language):
    waiting = _registration(session, language, status="waitlisted")
    message = services.registration_email_render(registration=waiting, kind="waitlisted")
    assert message.subject == _expected(
        language, SUBJECTS["waitlisted"], title=session.course.title
    )
    assert not has_calendar(message)
    waiting.status, waiting.waitlist_rank = "cancelled", None
    message = services.registration_email_render(registration=waiting, kind="cancelled")
    assert message.subject == _expected(language, SUBJECTS["cancelled"], title=session.course.title)
    assert not has_calendar(message)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_cancelled_email_of_a_held_seat_cancels_the_events(session, language):
    registration = _registration(session, language, status="cancelled")
    message = services.registration_email_render(
        registration=registration, kind="cancelled", extra={"held_seat": True}
    )
    events, _raw = calendar_of(message)
    assert {event["STATUS"] for event in events} == {"CANCELLED"}


def test_remote_links_go_to_seat_holders_only(session):
    link = "https://visio.example/salle-42"
    confirmed = _registration(session, "fr", status="confirmed")
    message = services.registration_email_render(registration=confirmed, kind="reminder")
    assert link in message.body
    assert link in message.alternatives[0][0]
    events, _raw = calendar_of(message)
    assert link in events[2]["DESCRIPTION_text"]

    waiting = _registration(session, "fr", status="waitlisted")
    before = services.session_schedule_snapshot(session)
    message = services.registration_email_render(
        registration=waiting,
        kind="session_changed",
        extra={"before": {**before, "place_name": "Ancien lieu"}, "after": before},
    )
    assert link not in message.body
    assert link not in message.alternatives[0][0]
    events, _raw = calendar_of(message)
    assert link not in events[2].get("DESCRIPTION_text", "")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_reminder_lists_practical_information(session, contact, language):
    registration = _registration(session, language, status="confirmed")
    message = services.registration_email_render(registration=registration, kind="reminder")
    html = message.alternatives[0][0]
    with translation.override(language):
        my_registrations = reverse("training:my_registrations")
    for body in (message.body, html):
        assert "Apporter une blouse et des gants." in body
        assert "handicap@ocim.example" in body
        assert "Claire Martin" in body
        assert my_registrations in body
        for part in session.parts.all():
            with translation.override(language):
                assert formats.date_format(part.date, "l j F Y") in body
    with translation.override(language):
        prerequisites = gettext("Prerequisites and what to bring")
    assert prerequisites in message.body


@pytest.mark.parametrize("kind", ["confirmed", "received"])
def test_confirmed_and_received_state_the_cancellation_terms(session, contact, kind):
    registration = _registration(session, "en", status="pending")
    message = services.registration_email_render(registration=registration, kind=kind)
    deadline = timezone.localtime(services.cancellation_deadline(session))
    with translation.override("en"):
        sentence = gettext(
            "You can cancel your registration online, free of charge, until %(deadline)s, from "
            "your registrations page."
        ) % {"deadline": formats.date_format(deadline, "l j F Y, H:i")}
        after = gettext(
            "After that, please contact the training team at %(email)s: the terms of sale apply."
        ) % {"email": CONTACT}
    assert sentence in message.body
    assert after in message.body
    assert sentence in message.alternatives[0][0]


def test_the_cancelled_email_says_when_the_training_team_cancelled(
    session, contact, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="en")
    session.capacity = 5
    session.save()
    mine = services.registration_create(session=session, user=user, data=_data())
    theirs = services.registration_create(session=session, user=UserFactory(), data=_data())
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=mine, actor=user)
        services.registration_cancel(registration=theirs, by_staff=True)
    with translation.override("en"):
        by_staff = gettext("The training team has cancelled your registration for this session.")
        by_self = gettext(
            "Your registration for this session has been cancelled. If you did not ask for it, "
            "reply to this e-mail."
        )
    mine_mail, theirs_mail = mail.outbox
    assert by_self in mine_mail.body and by_staff not in mine_mail.body
    with translation.override("fr"):
        by_staff_fr = gettext("The training team has cancelled your registration for this session.")
    assert by_staff_fr in theirs_mail.body
    # Both held a seat: their calendars get the events back as cancelled.
    for message in (mine_mail, theirs_mail):
        events, _raw = calendar_of(message)
        assert {event["STATUS"] for event in events} == {"CANCELLED"}


def test_registration_emails_attach_the_calendar_end_to_end(
    session, django_capture_on_commit_callbacks
):
    session.capacity = 5
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(session=session, user=UserFactory(), data=_data())
        services.registration_create(
            session=session, user=UserFactory(), data=_data(payer="employer")
        )
    confirmed, received = mail.outbox
    assert {e["STATUS"] for e in calendar_of(confirmed)[0]} == {"CONFIRMED"}
    assert {e["STATUS"] for e in calendar_of(received)[0]} == {"TENTATIVE"}


def test_unknown_kind_is_refused(session):
    registration = _registration(session, "fr")
    with pytest.raises(ValueError):
        services.registration_email_render(registration=registration, kind="nope")


def test_sequence_grows_with_the_latest_change_and_is_written():
    from ocim.training.ical import CalendarEvent, calendar_render

    earlier = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)
    later = earlier + dt.timedelta(seconds=1)
    assert sequence_for(earlier, None, later) == sequence_for(later) > sequence_for(earlier)
    assert sequence_for() == 0 and sequence_for(None) == 0
    event = CalendarEvent(uid="u@ocim.fr", start=earlier, end=later, summary="s", sequence=7)
    assert parse_calendar(calendar_render([event]))[0]["SEQUENCE"] == "7"
    assert (
        "SEQUENCE"
        not in parse_calendar(
            calendar_render(
                [event.__class__(uid="u@ocim.fr", start=earlier, end=later, summary="s")]
            )
        )[0]
    )
    with pytest.raises(ValueError):
        calendar_render([CalendarEvent(uid="u", start=earlier, end=later, summary="s", status="X")])


@pytest.mark.django_db
def test_subjects_are_plain_text_not_html_escaped():
    from ocim.training import services

    from .core_builders import make_course, make_session, registration_data

    session = make_session(make_course(title="L'exposition « Sciences & Co »"))
    registration = services.registration_create(
        session=session, user=UserFactory(preferred_language="fr"), data=registration_data()
    )
    message = services.registration_email_render(registration=registration, kind="confirmed")
    assert "L'exposition « Sciences & Co »" in message.subject
    assert "&#x27;" not in message.subject and "&amp;" not in message.subject
