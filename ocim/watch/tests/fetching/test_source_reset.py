"""source_reset(): staff start a source's health record afresh (audited) and it is read soon."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocim.core.models import AuditLogEntry
from ocim.core.tests.test_tasks import DATABASE_TASKS
from ocim.watch.fetching import source_reset
from ocim.watch.models import Source, SourceState

from .builders import make_source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def failing_source(**fields):
    return make_source(
        "https://musee.example.org/flux.xml",
        consecutive_errors=12,
        last_error_code="server_error",
        last_error="HTTP 500",
        last_status=500,
        fetch_count=40,
        not_modified_count=25,
        etag='"v9"',
        last_modified="Mon, 07 Dec 2026 06:00:00 GMT",
        next_fetch_at=timezone.now() + timedelta(hours=20),
        **fields,
    )


def test_reset_resumes_a_suspended_source_and_clears_its_record(
    user, django_capture_on_commit_callbacks
):
    source = failing_source(
        state=SourceState.SUSPENDED, state_reason="Mis en pause automatiquement…"
    )

    with django_capture_on_commit_callbacks(execute=True):
        source_reset(source=source, actor=user)

    assert source.state == SourceState.ACTIVE
    assert source.state_reason == ""
    assert (source.consecutive_errors, source.fetch_count, source.not_modified_count) == (0, 0, 0)
    assert (source.last_error_code, source.last_error, source.last_status) == ("", "", None)
    assert (source.etag, source.last_modified) == ("", "")
    assert source.next_fetch_at <= timezone.now()
    entry = AuditLogEntry.objects.get(action="watch.source.reset")
    assert entry.actor == user
    assert entry.object_id == str(source.pk)
    assert entry.data["before"] == {
        "state": "suspended",
        "consecutive_errors": 12,
        "last_error_code": "server_error",
    }
    task = DBTaskResult.objects.get(task_path="ocim.watch.tasks.fetch_sources")
    assert task.args_kwargs["kwargs"] == {"source_ids": [source.pk]}
    assert task.queue_name == "fetch"
    assert Source.objects.get(pk=source.pk).enqueued_at is not None


def test_reset_leaves_a_source_paused_by_staff_paused(user, django_capture_on_commit_callbacks):
    source = failing_source(state=SourceState.PAUSED, state_reason="Site en travaux")

    with django_capture_on_commit_callbacks(execute=True):
        source_reset(source=source, actor=user)

    assert (source.state, source.state_reason) == (SourceState.PAUSED, "Site en travaux")
    assert source.consecutive_errors == 0
    assert not DBTaskResult.objects.filter(task_path="ocim.watch.tasks.fetch_sources").exists()
    assert AuditLogEntry.objects.filter(action="watch.source.reset").count() == 1
