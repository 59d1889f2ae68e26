"""source_retry_now(): staff ask for a read now, whatever the back-off (audited)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocim.core.models import AuditLogEntry
from ocim.core.tests.servers import Reply
from ocim.core.tests.test_tasks import DATABASE_TASKS
from ocim.watch.fetching import SourceStateError, source_fetch, source_retry_now
from ocim.watch.models import SourceState

from .builders import make_source

pytestmark = pytest.mark.django_db


def test_retry_queues_a_read_at_once(user, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    source = make_source(
        "https://musee.example.org/flux.xml",
        consecutive_errors=3,
        next_fetch_at=timezone.now() + timedelta(hours=2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        source_retry_now(source=source, actor=user)

    assert source.next_fetch_at <= timezone.now()
    assert source.consecutive_errors == 3  # the record is kept: this is one more try
    task = DBTaskResult.objects.get(task_path="ocim.watch.tasks.fetch_sources")
    assert task.args_kwargs["kwargs"] == {"source_ids": [source.pk]}
    entry = AuditLogEntry.objects.get(action="watch.source.retried")
    assert (entry.actor, entry.data) == (user, {"state": "active", "consecutive_errors": 3})


def test_a_suspended_source_gets_one_more_try(
    user, settings, loopback_server, pipeline_spy, django_capture_on_commit_callbacks
):
    """The retry resumes it and the read runs (immediate task backend). A failure pauses it
    again at once; a success keeps it active with a clean record."""
    settings.OCIM_WATCH_SUSPEND_AFTER_ERRORS = 3
    loopback_server.reply("/flux.xml", Reply(500))
    source = make_source(
        loopback_server.url("/flux.xml"),
        state=SourceState.SUSPENDED,
        state_reason="Mis en pause automatiquement…",
        consecutive_errors=3,
    )

    with django_capture_on_commit_callbacks(execute=True):
        source_retry_now(source=source, actor=user)

    source.refresh_from_db()
    assert len(loopback_server.requests_to("/flux.xml")) == 1
    assert (source.state, source.consecutive_errors) == (SourceState.SUSPENDED, 4)

    loopback_server.reply("/flux.xml", Reply(200, body=b"<rss/>"))
    with django_capture_on_commit_callbacks(execute=True):
        source_retry_now(source=source, actor=user)

    source.refresh_from_db()
    assert (source.state, source.consecutive_errors, source.last_status) == (
        SourceState.ACTIVE,
        0,
        200,
    )


def test_a_source_paused_by_staff_is_not_retried(user, loopback_server, pipeline_spy):
    source = make_source(loopback_server.url("/flux.xml"), state=SourceState.PAUSED)

    with pytest.raises(SourceStateError) as caught:
        source_retry_now(source=source, actor=user)

    assert (caught.value.code, caught.value.status) == ("source_state", 409)
    assert str(caught.value.message) == (
        "Cette source est suspendue par l'équipe ; réactivez-la avant de demander une nouvelle "
        "collecte."
    )
    assert not AuditLogEntry.objects.filter(action="watch.source.retried").exists()
    assert source_fetch(source_id=source.pk).outcome == "skipped"
    assert loopback_server.requests == []


def test_retry_still_respects_a_host_holding_us_off(
    user, loopback_server, pipeline_spy, django_capture_on_commit_callbacks
):
    from ocim.watch.models import Host

    loopback_server.reply("/flux.xml", Reply(200, body=b"<rss/>"))
    until = timezone.now() + timedelta(minutes=30)
    Host.objects.create(name=f"127.0.0.1:{loopback_server.port}", blocked_until=until)
    source = make_source(loopback_server.url("/flux.xml"))

    with django_capture_on_commit_callbacks(execute=True):
        source_retry_now(source=source, actor=user)

    source.refresh_from_db()
    assert loopback_server.requests == []
    assert source.next_fetch_at == until
