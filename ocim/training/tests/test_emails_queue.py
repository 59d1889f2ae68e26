"""Registration e-mails leave through the "mail" queue of the task backend: the request that
registers someone neither renders nor sends them, and the worker does."""

import pytest
from django.core import mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from ocim.accounts.tests.factories import UserFactory
from ocim.training import services
from ocim.training.models import Registration
from ocim.training.tasks import send_registration_email

from .core_builders import make_session, registration_data

pytestmark = pytest.mark.django_db(transaction=False)

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "fetch", "mail"],
    }
}


@override_settings(TASKS=DB_TASKS)
def test_registration_queues_its_email_then_the_worker_sends_it(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            session=make_session(), user=user, data=registration_data()
        )
    assert mail.outbox == []  # nothing rendered or sent in the request
    queued = DBTaskResult.objects.get(task_path__endswith="send_registration_email")
    assert queued.queue_name == "mail"
    assert queued.args_kwargs["args"][:2] == [registration.pk, "confirmed"]
    # What the worker runs:
    assert send_registration_email.call(*queued.args_kwargs["args"]) is True
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


def test_a_registration_gone_before_the_worker_runs_sends_nothing():
    registration = services.registration_create(
        session=make_session(), user=UserFactory(), data=registration_data()
    )
    mail.outbox.clear()
    Registration.objects.filter(pk=registration.pk).update(user=None)
    assert (
        services.registration_email_send(registration_id=registration.pk, kind="confirmed") is False
    )
    assert services.registration_email_send(registration_id=999_999, kind="confirmed") is False
    assert mail.outbox == []
