"""registration_create, registration_confirm, registration_cancel: what a participant sees."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import services
from ocim.training.models import Registration

from .core_builders import INVALID_SIRET, make_session, registration_data

pytestmark = pytest.mark.django_db(transaction=False)


def _register(session, user=None, key=None, **data):
    return services.registration_create(
        session=session,
        user=user or UserFactory(),
        data=registration_data(**data),
        idempotency_key=key,
    )


def _actions(registration):
    return list(
        AuditLogEntry.objects.filter(object_id=str(registration.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_a_self_paying_person_gets_a_confirmed_seat_and_an_email(
    django_capture_on_commit_callbacks,
):
    session = make_session(capacity=3)
    user = UserFactory(preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(session, user)
    assert (registration.status, registration.seat_number) == ("confirmed", 1)
    assert registration.consent_at is not None
    assert _actions(registration) == ["training.registration.created"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Inscription confirmée" in message.subject
    assert session.course.title in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_an_employer_paid_registration_is_pending_until_confirmed(
    django_capture_on_commit_callbacks,
):
    session = make_session(capacity=3)
    user = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(session, user, payer="employer")
    assert registration.status == "pending"
    assert registration.seat_number == 1
    assert "Registration received" in mail.outbox[0].subject  # the person's language
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration=registration, actor=None)
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert registration.confirmed_at is not None
    assert "Registration confirmed" in mail.outbox[1].subject
    assert _actions(registration)[-1] == "training.registration.confirmed"


def test_approval_required_keeps_self_payers_pending_too():
    session = make_session(capacity=3, approval_required=True)
    assert _register(session).status == "pending"


def test_seats_are_given_lowest_first_and_a_full_session_offers_the_waiting_list():
    session = make_session(capacity=2)
    first, second = _register(session), _register(session)
    third, fourth = _register(session), _register(session)
    assert (first.seat_number, second.seat_number) == (1, 2)
    assert (third.status, third.waitlist_rank, third.seat_number) == ("waitlisted", 1, None)
    assert (fourth.status, fourth.waitlist_rank) == ("waitlisted", 2)
    assert _actions(third) == ["training.registration.created", "training.registration.waitlisted"]
    services.registration_cancel(registration=first)
    newcomer = _register(session)
    # The freed seat went to the head of the list, not to the newcomer.
    assert newcomer.status == "waitlisted"
    assert Registration.objects.get(pk=third.pk).status == "offered"


def test_a_double_submission_creates_one_registration():
    session = make_session(capacity=3)
    user = UserFactory()
    first = _register(session, user, key="form-123")
    again = _register(session, user, key="form-123")
    assert again.pk == first.pk
    assert Registration.objects.filter(session=session).count() == 1


def test_registering_twice_gives_a_clear_message():
    session = make_session(capacity=3)
    user = UserFactory()
    _register(session, user, key="a")
    with pytest.raises(services.AlreadyRegistered) as error:
        _register(session, user, key="b")
    assert "déjà inscrit" in str(error.value.message)


def test_a_waitlisted_person_cannot_register_twice_either():
    session = make_session(capacity=0)
    user = UserFactory()
    _register(session, user)
    with pytest.raises(services.AlreadyRegistered):
        _register(session, user)


def test_after_a_cancellation_the_person_may_register_again():
    session = make_session(capacity=3)
    user = UserFactory()
    services.registration_cancel(registration=_register(session, user))
    assert _register(session, user).status == "confirmed"


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"status": "cancelled"}, services.SessionCancelled, "annulée"),
        ({"status": "draft"}, services.RegistrationClosed, "pas ouverte"),
        ({"status": "closed"}, services.RegistrationClosed, "closes"),
        ({"status": "completed"}, services.RegistrationClosed, "closes"),
        (
            {"registration_closes_at": timezone.now() - dt.timedelta(hours=1)},
            services.RegistrationClosed,
            "date limite",
        ),
        (
            {
                "registration_opens_at": timezone.now() + dt.timedelta(days=1),
                "registration_closes_at": timezone.now() + dt.timedelta(days=2),
            },
            services.RegistrationNotOpenYet,
            "pas encore ouvertes",
        ),
        ({"days_ahead": -1}, services.RegistrationClosed, "déjà commencé"),
    ],
)
def test_closed_sessions_refuse_with_a_clear_message(fields, error, words):
    session = make_session(capacity=3, **fields)
    with pytest.raises(error) as raised:
        _register(session)
    assert words in str(raised.value.message)
    assert not Registration.objects.filter(session=session).exists()


def test_an_invalid_siret_is_refused_with_a_message_on_the_field():
    session = make_session(capacity=3)
    with pytest.raises(services.InvalidSiret) as raised:
        _register(session, employer_siret=INVALID_SIRET)
    assert "SIRET" in raised.value.extra["fields"]["employer_siret"]
    # Spaces are fine and the SIRET is optional.
    assert _register(session, employer_siret="732 829 320 00074").employer_siret == (
        "73282932000074"
    )
    assert _register(session, employer_siret="").employer_siret == ""


def test_the_needs_analysis_is_required():
    session = make_session(capacity=3)
    with pytest.raises(services.RegistrationInvalid) as raised:
        _register(session, expectations="   ")
    assert "expectations" in raised.value.extra["fields"]


def test_bad_payer_email_and_price_option_are_refused_per_field():
    session = make_session(capacity=3)
    other_course_option = make_session().course.price_options.first()
    with pytest.raises(services.RegistrationInvalid) as raised:
        _register(
            session,
            payer="lottery",
            signatory_email="pas-une-adresse",
            price_option=other_course_option,
        )
    assert set(raised.value.extra["fields"]) == {"payer", "signatory_email", "price_option"}


def test_cancelling_frees_the_seat_and_is_idempotent(django_capture_on_commit_callbacks):
    session = make_session(capacity=1)
    registration = _register(session)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration, reason="Mutation")
        services.registration_cancel(registration=registration)
    registration.refresh_from_db()
    assert (registration.status, registration.seat_number) == ("cancelled", None)
    assert _actions(registration).count("training.registration.cancelled") == 1
    assert len(mail.outbox) == 1
    assert _register(session).seat_number == 1


def test_attended_registrations_cannot_be_cancelled():
    session = make_session(capacity=1)
    registration = _register(session)
    Registration.objects.filter(pk=registration.pk).update(status="attended")
    with pytest.raises(services.InvalidTransition):
        services.registration_cancel(registration=registration)


def test_only_pending_registrations_can_be_confirmed():
    session = make_session(capacity=0)
    registration = _register(session)
    with pytest.raises(services.InvalidTransition):
        services.registration_confirm(registration=registration)


def test_a_seat_collision_is_retried_not_turned_into_an_error(monkeypatch):
    """If a write that forgot the lock takes the seat first, the database refuses the second
    insert and the service tries again with the next free seat."""
    session = make_session(capacity=3)
    taken = _register(session)
    real = services._seat_or_rank
    calls = []

    def stale_then_real(locked_session):
        calls.append(1)
        return (taken.seat_number, None) if len(calls) == 1 else real(locked_session)

    monkeypatch.setattr(services, "_seat_or_rank", stale_then_real)
    registration = _register(session)
    assert (registration.status, registration.seat_number) == ("confirmed", 2)
    assert len(calls) == 2


def test_a_seat_above_the_capacity_is_refused_by_the_database_and_retried(monkeypatch):
    session = make_session(capacity=1)
    real = services._seat_or_rank
    calls = []

    def beyond_then_real(locked_session):
        calls.append(1)
        return (99, None) if len(calls) == 1 else real(locked_session)

    monkeypatch.setattr(services, "_seat_or_rank", beyond_then_real)
    assert _register(session).seat_number == 1
    assert Registration.objects.filter(session=session).count() == 1


def test_the_reads_written_once_answer_as_the_querysets():
    session = make_session(capacity=2)
    people = [UserFactory() for _ in range(4)]
    first = _register(session, people[0], key="cle-0")
    _register(session, people[1], key="cle-1")
    _register(session, people[2], key="cle-2")  # the waiting list
    cancelled = _register(session, people[3], key="cle-3")
    services.waitlist_leave(registration=cancelled, actor=people[3])
    assert services._seat_rows(session) == list(
        Registration.objects.filter(session=session)
        .exclude(status__in=["cancelled", "declined"])
        .order_by()
        .values_list("seat_number", "waitlist_rank")
    )
    for user in people:
        for key in (None, "cle-0", "cle-3", "autre-cle"):
            expected = list(services._earlier_registrations(session.pk, user.pk, key))
            if key is None:
                assert services._EARLIER.rows(session.pk, user.pk) == expected
            else:
                assert services._EARLIER_OR_SAME_KEY.rows(session.pk, user.pk, key) == expected
    assert services._EARLIER_OR_SAME_KEY.rows(session.pk, people[3].pk, "cle-0") == [
        (first.pk, "cle-0")
    ]
    assert services._EARLIER.rows(session.pk, people[3].pk) == []  # left the list
