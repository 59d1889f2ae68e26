"""Staff actions on a session's registrations through the admin: effect, message, bad input."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from ocim.accounts.models import User
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import backoffice, services
from ocim.training.models import Registration

from . import test_backoffice_fixtures as fx
from .core_builders import make_course, make_session
from .test_backoffice_fixtures import register, url

# The shared fixtures, made visible to pytest in this module.
course = fx.course
manager = fx.manager
manager_client = fx.manager_client
session = fx.session

pytestmark = pytest.mark.django_db


def _messages(response):
    return [(m.level_tag, str(m).strip()) for m in get_messages(response.wsgi_request)]


def act(client, session, registration_pk, action, **extra):
    return client.post(
        url("registration_action", session.pk),
        {"registration": registration_pk, "action": action, **extra},
    )


def _waitlisted(session, rank=1):
    return Registration.objects.create(
        session=session,
        user=UserFactory(),
        status="waitlisted",
        waitlist_rank=rank,
        expectations="Apprendre.",
    )


def _confirmed(session, seat=1):
    return Registration.objects.create(
        session=session,
        user=UserFactory(),
        status="confirmed",
        seat_number=seat,
        expectations="Apprendre.",
    )


# --- The page -------------------------------------------------------------------------------------


def test_the_page_shows_counts_seats_and_the_registrations(manager_client, session):
    pending = register(session, payer="employer", employer_name="Muséum de Lyon")
    register(session)
    register(session)
    waiting = register(session)

    response = manager_client.get(url("registrations", session.pk))

    text = response.content.decode()
    assert response.status_code == 200
    assert pending.user.email in text and waiting.user.email in text
    assert 'data-status="pending">1<' in text
    assert 'data-status="waitlisted">1<' in text
    assert "Muséum de Lyon" in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_filters_and_search(manager_client, session):
    lyon = register(session, payer="employer", employer_name="Muséum de Lyon")
    dijon = register(session, employer_name="Musée de Dijon")

    by_payer = manager_client.get(url("registrations", session.pk), {"payer": "employer"})
    by_search = manager_client.get(url("registrations", session.pk), {"q": "dijon"})
    by_status = manager_client.get(url("registrations", session.pk), {"status": "confirmed"})

    assert lyon.user.email in by_payer.content.decode()
    assert dijon.user.email not in by_payer.content.decode()
    assert dijon.user.email in by_search.content.decode()
    assert lyon.user.email not in by_search.content.decode()
    assert dijon.user.email in by_status.content.decode()
    assert lyon.user.email not in by_status.content.decode()


def test_the_page_query_count_does_not_grow_with_registrations(
    manager_client, session, django_assert_max_num_queries
):
    session.capacity = 40
    session.save()
    for _ in range(3):
        register(session, payer="employer")
    manager_client.get(url("registrations", session.pk))  # warm the caches
    with django_assert_max_num_queries(30) as few:
        manager_client.get(url("registrations", session.pk))
    for _ in range(25):
        register(session, payer="employer")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(url("registrations", session.pk))
    assert response.status_code == 200


def test_the_detail_shows_the_answers_and_the_history(manager_client, session):
    registration = register(session, payer="employer", accommodation_needs="Interprète LSF")

    response = manager_client.get(url("registration_detail", session.pk, registration.pk))

    text = response.content.decode()
    assert "Interprète LSF" in text
    assert registration.signatory_email in text
    assert "training.registration.created" in text


def test_a_registration_of_another_session_is_not_shown(manager_client, session):
    other = register(make_session(make_course("Autre")))
    response = manager_client.get(url("registration_detail", session.pk, other.pk), follow=True)
    assert response.status_code == 404


# --- Actions ------------------------------------------------------------------------------------


def test_confirm_a_pending_registration(manager_client, session, manager):
    registration = register(session, payer="employer")

    response = act(manager_client, session, registration.pk, "confirm")

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert _messages(response)[0][0] == "success"
    assert AuditLogEntry.objects.filter(
        action="training.registration.confirmed", actor=manager
    ).exists()


def test_an_action_not_allowed_in_that_state_changes_nothing(manager_client, session):
    waiting = _waitlisted(session)

    response = act(manager_client, session, waiting.pk, "confirm")

    assert response.status_code == 302
    assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"
    assert _messages(response) == [("error", str(services.InvalidTransition.default_message))]


def test_an_unknown_registration_gives_a_message(manager_client, session):
    other = register(make_session(make_course("Autre")), payer="employer")

    for pk in (999999, other.pk):
        response = act(manager_client, session, pk, "confirm")
        assert response.status_code == 302
        assert _messages(response)[0][0] == "error"
    assert Registration.objects.get(pk=other.pk).status == "pending"


def test_garbage_input_gives_a_message(manager_client, session):
    response = act(manager_client, session, "abc", "explode")
    assert response.status_code == 302
    assert _messages(response)[0][0] == "error"


def test_actions_need_the_csrf_token(manager, session):
    registration = register(session, payer="employer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    response = act(client, session, registration.pk, "confirm")

    assert response.status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == "pending"


def test_staff_cancel_with_a_reason_offers_the_seat(
    manager_client, session, django_capture_on_commit_callbacks
):
    holders = [register(session) for _ in range(3)]
    waiting = register(session)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            manager_client, session, holders[0].pk, "cancel", reason="Demande de l'employeur"
        )

    assert _messages(response)[0][0] == "success"
    assert Registration.objects.get(pk=holders[0].pk).status == "cancelled"
    assert Registration.objects.get(pk=waiting.pk).status == "offered"
    entry = AuditLogEntry.objects.get(
        action="training.registration.cancelled", object_id=str(holders[0].pk)
    )
    assert entry.data["reason"] == "Demande de l'employeur"
    assert entry.data["by_staff"] is True
    assert any(holders[0].user.email in m.to for m in mail.outbox)


def test_cancel_without_a_reason_changes_nothing(manager_client, session):
    registration = register(session)
    response = act(manager_client, session, registration.pk, "cancel", reason="  ")
    assert _messages(response)[0][0] == "error"
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_move_to_another_session(manager_client, session, course):
    target = make_session(course, capacity=2, days_ahead=60)
    registration = register(session)

    response = act(manager_client, session, registration.pk, "move", to_session=target.pk)

    assert _messages(response)[0][0] == "success"
    registration.refresh_from_db()
    assert registration.session_id == target.pk
    assert registration.seat_number == 1


def test_move_to_a_full_session_changes_nothing(manager_client, session, course):
    full = make_session(course, capacity=1, days_ahead=60)
    register(full)
    registration = register(session)

    response = act(manager_client, session, registration.pk, "move", to_session=full.pk)

    assert _messages(response)[0][0] == "error"
    assert "SessionFull" not in _messages(response)[0][1]
    registration.refresh_from_db()
    assert registration.session_id == session.pk


def test_move_to_a_past_or_draft_session_is_refused(manager_client, session, course):
    past = make_session(course, days_ahead=-10)
    draft = make_session(course, status="draft", days_ahead=60)
    registration = register(session)
    for target in (past, draft):
        response = act(manager_client, session, registration.pk, "move", to_session=target.pk)
        assert _messages(response)[0][0] == "error"
    assert Registration.objects.get(pk=registration.pk).session_id == session.pk


def test_promote_a_person_from_the_waiting_list(manager_client, session):
    waiting = _waitlisted(session)

    response = act(manager_client, session, waiting.pk, "promote")

    assert _messages(response)[0][0] == "success"
    waiting.refresh_from_db()
    assert waiting.status in ("pending", "confirmed") and waiting.seat_number == 1


def test_promote_when_the_session_is_full_changes_nothing(manager_client, course):
    session = make_session(course, capacity=1)
    _confirmed(session)
    waiting = _waitlisted(session)

    response = act(manager_client, session, waiting.pk, "promote")

    assert _messages(response) == [("error", str(services.SessionFull.default_message))]
    assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"


def test_attendance_once_the_session_has_begun(manager_client, course):
    session = make_session(course, days_ahead=-1)
    present, absent = _confirmed(session, 1), _confirmed(session, 2)

    act(manager_client, session, present.pk, "attended")
    response = act(manager_client, session, absent.pk, "no_show")

    assert _messages(response)[0][0] == "success"
    assert Registration.objects.get(pk=present.pk).status == "attended"
    assert Registration.objects.get(pk=absent.pk).status == "no_show"


def test_attendance_before_the_start_changes_nothing(manager_client, session):
    registration = register(session)
    response = act(manager_client, session, registration.pk, "attended")
    assert _messages(response)[0][0] == "error"
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_offer_the_next_seat(manager_client, session, django_capture_on_commit_callbacks):
    waiting = _waitlisted(session)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url("offer_next", session.pk))
    assert _messages(response)[0][0] == "success"
    assert Registration.objects.get(pk=waiting.pk).status == "offered"
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]


def test_offer_the_next_seat_with_nobody_waiting_says_so(manager_client, session):
    response = manager_client.post(url("offer_next", session.pk))
    assert _messages(response)[0][0] == "warning"


# --- Add a participant ----------------------------------------------------------------------------


def _participant(email, **overrides):
    data = {
        "email": email,
        "first_name": "Lucie",
        "last_name": "Martin",
        "job_title": "Médiatrice",
        "employer_name": "Musée des Beaux-Arts",
        "payer": "employer",
        "expectations": "Concevoir une visite.",
        "accommodation_needs": "",
    }
    data.update(overrides)
    return data


def test_add_an_existing_account(manager_client, session, manager):
    person = UserFactory(email="Lucie.Martin@exemple.fr")
    users = User.objects.count()

    response = manager_client.post(
        url("participant_add", session.pk), _participant("lucie.martin@EXEMPLE.fr")
    )

    assert response.status_code == 302
    registration = Registration.objects.get(session=session)
    assert registration.user == person
    assert registration.status == "pending"
    assert User.objects.count() == users
    assert AuditLogEntry.objects.get(action="training.registration.created").actor == manager


def test_add_a_new_person_creates_an_account_without_password(manager_client, session):
    response = manager_client.post(
        url("participant_add", session.pk), _participant("nouvelle@exemple.fr")
    )

    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Lucie", "Martin")
    assert Registration.objects.get(session=session).user == user
    assert [level for level, _text in _messages(response)] == ["success", "info"]


def test_add_to_a_full_session_puts_on_the_waiting_list(manager_client, course):
    session = make_session(course, capacity=1)
    register(session)

    response = manager_client.post(
        url("participant_add", session.pk), _participant("attente@exemple.fr")
    )

    registration = Registration.objects.get(session=session, user__email="attente@exemple.fr")
    assert registration.status == "waitlisted" and registration.waitlist_rank == 1
    assert _messages(response)[0][0] == "warning"


def test_add_with_missing_answers_creates_nothing(manager_client, session):
    response = manager_client.post(
        url("participant_add", session.pk), _participant("x@exemple.fr", expectations="")
    )
    assert response.status_code == 200
    assert "expectations" in response.context["form"].errors
    assert not User.objects.filter(email="x@exemple.fr").exists()
    assert not Registration.objects.exists()


def test_add_someone_already_registered_creates_nothing(manager_client, session):
    registration = register(session)
    response = manager_client.post(
        url("participant_add", session.pk), _participant(registration.user.email)
    )
    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == [
        str(backoffice.AlreadyParticipant.default_message)
    ]
    assert Registration.objects.count() == 1


def test_a_refused_registration_creates_no_account(manager_client, course):
    session = make_session(course, status="cancelled")
    response = manager_client.post(
        url("participant_add", session.pk), _participant("jamais@exemple.fr")
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="jamais@exemple.fr").exists()


# --- E-mail all participants ----------------------------------------------------------------------


def _email(**overrides):
    data = {
        "recipients": "seats",
        "subject": "Changement de salle",
        "message": "Bonjour,\nRendez-vous <b>salle 2</b> & pas ailleurs.",
    }
    data.update(overrides)
    return data


def test_preview_counts_and_sends_nothing(manager_client, session):
    for _ in range(3):
        register(session)
    register(session)  # waiting list

    response = manager_client.post(url("email", session.pk), _email(recipients="both", preview="1"))

    assert response.status_code == 200
    assert response.context["preview"] == 4
    assert mail.outbox == []
    assert not AuditLogEntry.objects.filter(action="training.session.participants_emailed").exists()


def test_send_one_escaped_email_per_person(
    manager_client, session, manager, django_capture_on_commit_callbacks
):
    holders = [register(session) for _ in range(3)]
    waiting = register(session)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url("email", session.pk), _email(send="1"))

    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(h.user.email for h in holders)
    assert waiting.user.email not in [m.to[0] for m in mail.outbox]
    message = mail.outbox[0]
    assert message.subject == "Changement de salle"
    assert "Rendez-vous <b>salle 2</b> & pas ailleurs." in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;salle 2&lt;/b&gt; &amp; pas ailleurs" in html
    assert "<b>" not in html
    assert "Bonjour,<br>" in html
    entry = AuditLogEntry.objects.get(action="training.session.participants_emailed")
    assert entry.data["count"] == 3
    assert entry.actor == manager


def test_sending_to_nobody_sends_nothing(manager_client, session):
    register(session)
    response = manager_client.post(
        url("email", session.pk), _email(recipients="waitlist", send="1")
    )
    assert response.status_code == 200
    assert mail.outbox == []


def test_a_message_without_subject_is_refused(manager_client, session):
    register(session)
    response = manager_client.post(url("email", session.pk), _email(subject="", send="1"))
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
