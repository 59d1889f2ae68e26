"""Editing a session in the admin: capacity through the service (never below the seats held),
participants told of schedule changes, and cancelling the whole session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import IntegrityError, transaction

from ocim.core.models import AuditLogEntry
from ocim.training.models import Registration, Session

from . import test_backoffice_fixtures as fx
from .test_backoffice_fixtures import register, url

# The shared fixtures, made visible to pytest in this module.
course = fx.course
manager = fx.manager
manager_client = fx.manager_client
session = fx.session

pytestmark = pytest.mark.django_db


def _value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def edit_data(client, session, parts=None, **changes):
    """The edit form's current values (what a browser would post back), with ``changes``."""
    form = client.get(url("edit", session.pk)).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = _value(value)
    for formset in form.formsets.values():
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for index, subform in enumerate(formset.forms):
            for name in subform.fields:
                value = subform[name].value()
                if value is not False:
                    data[f"{subform.prefix}-{name}"] = _value(value)
            for name, value in ((parts or {}).get(index) or {}).items():
                data[f"{subform.prefix}-{name}"] = value
    data.update(changes)
    return data


def test_the_database_refuses_a_capacity_below_a_held_seat(session):
    """The net under the admin: without the form check, this was a server error."""
    register(session)
    register(session)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(capacity=1)


def test_a_capacity_below_the_seats_held_is_a_form_error(manager_client, session):
    for _ in range(3):
        register(session)

    response = manager_client.post(
        url("edit", session.pk), edit_data(manager_client, session, capacity=2)
    )

    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    assert Session.objects.get(pk=session.pk).capacity == 3


def test_raising_the_capacity_offers_the_new_seats(
    manager_client, session, manager, django_capture_on_commit_callbacks
):
    for _ in range(3):
        register(session)
    waiting = register(session)
    assert waiting.status == "waitlisted"

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url("edit", session.pk), edit_data(manager_client, session, capacity=4)
        )

    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).capacity == 4
    assert Registration.objects.get(pk=waiting.pk).status == "offered"
    entry = AuditLogEntry.objects.get(action="training.session.capacity_changed")
    assert entry.data == {"from": 3, "to": 4}
    assert entry.actor == manager


def test_lowering_the_capacity_above_the_seats_held_renumbers(manager_client, course):
    session = fx.make_session(course, capacity=5)
    first, second = register(session), register(session)
    Registration.objects.filter(pk=second.pk).update(seat_number=5)

    response = manager_client.post(
        url("edit", session.pk), edit_data(manager_client, session, capacity=2)
    )

    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).capacity == 2
    seats = set(Registration.objects.filter(session=session).values_list("seat_number", flat=True))
    assert seats == {1, 2}
    assert first.pk


def test_moving_the_dates_tells_the_participants(
    manager_client, session, django_capture_on_commit_callbacks
):
    holder = register(session)
    new_date = (dt.date.today() + dt.timedelta(days=45)).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url("edit", session.pk),
            edit_data(manager_client, session, parts={0: {"date": new_date}}),
        )

    assert response.status_code == 302
    assert session.parts.get().date.isoformat() == new_date
    assert [holder.user.email] in [m.to for m in mail.outbox]
    entry = AuditLogEntry.objects.get(action="training.session.changed")
    assert "parts" in entry.data["changed"]


def test_an_edit_that_changes_nothing_for_participants_sends_nothing(
    manager_client, session, django_capture_on_commit_callbacks
):
    register(session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url("edit", session.pk), edit_data(manager_client, session, title="Nouveau titre")
        )
    assert response.status_code == 302
    assert mail.outbox == []


# --- Cancelling the session ---------------------------------------------------------------------


def test_cancel_the_session_asks_for_confirmation_first(manager_client, session):
    registration = register(session)

    response = manager_client.get(url("cancel", session.pk))

    assert response.status_code == 200
    assert 'id="session-cancel-form"' in response.content.decode()
    assert Session.objects.get(pk=session.pk).status == "open"
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_cancel_the_session(manager_client, session, manager, django_capture_on_commit_callbacks):
    registration = register(session)

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url("cancel", session.pk), {"reason": "Formateur malade"})

    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).status == "cancelled"
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert [registration.user.email] in [m.to for m in mail.outbox]
    assert AuditLogEntry.objects.get(action="training.session.cancelled").actor == manager
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


def test_cancel_without_a_reason_changes_nothing(manager_client, session):
    response = manager_client.post(url("cancel", session.pk), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert Session.objects.get(pk=session.pk).status == "open"


def test_a_completed_session_cannot_be_cancelled(manager_client, course):
    session = fx.make_session(course, status="completed")
    response = manager_client.post(url("cancel", session.pk), {"reason": "Erreur"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Session.objects.get(pk=session.pk).status == "completed"
