"""sources_enqueue_due(): the scheduler's sweep puts due sources into fetch tasks on the
``fetch`` queue, grouped by host, once; and the whole chain runs on the real database worker."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocim.core.scheduler import run_due_jobs
from ocim.core.tests.servers import Reply
from ocim.core.tests.test_tasks import DATABASE_TASKS
from ocim.watch.fetching import sources_enqueue_due
from ocim.watch.models import Source, SourceState

from .builders import make_source


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def queued_batches():
    return [
        sorted(result.args_kwargs["kwargs"]["source_ids"])
        for result in DBTaskResult.objects.filter(
            task_path="ocim.watch.tasks.fetch_sources"
        ).order_by("enqueued_at")
    ]


@pytest.mark.django_db
def test_due_sources_are_queued_once(database_tasks, django_capture_on_commit_callbacks):
    now = timezone.now()
    never_read = make_source("https://un.example.org/flux.xml")
    overdue = make_source(
        "https://deux.example.org/flux.xml", next_fetch_at=now - timedelta(minutes=3)
    )
    make_source("https://trois.example.org/flux.xml", next_fetch_at=now + timedelta(minutes=3))
    make_source("https://quatre.example.org/flux.xml", state=SourceState.PAUSED)
    make_source("https://cinq.example.org/flux.xml", state=SourceState.SUSPENDED)
    make_source(
        "https://six.example.org/flux.xml", lease_until=now + timedelta(minutes=5), lease_token="x"
    )
    make_source("https://sept.example.org/flux.xml", enqueued_at=now - timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        assert sources_enqueue_due(now=now) == 2

    assert queued_batches() == [sorted([never_read.pk, overdue.pk])]
    # Saving a source also queues Wagtail's reference-index update once the admin has
    # registered the model: only the fetch tasks are counted.
    result = DBTaskResult.objects.get(task_path="ocim.watch.tasks.fetch_sources")
    assert result.queue_name == "fetch"
    assert set(Source.objects.filter(enqueued_at=now).values_list("pk", flat=True)) == {
        never_read.pk,
        overdue.pk,
    }
    # The next tick does not queue them again while they wait in the queue…
    with django_capture_on_commit_callbacks(execute=True):
        assert sources_enqueue_due(now=now + timedelta(minutes=1)) == 0
    # …unless their task was lost long ago (by then the 'trois' one is due, the 'six' one's
    # lease has run out and the 'sept' one has waited too long as well).
    with django_capture_on_commit_callbacks(execute=True):
        assert sources_enqueue_due(now=now + timedelta(minutes=31)) == 5


@pytest.mark.django_db
def test_a_hosts_sources_stay_in_one_batch(
    database_tasks, settings, django_capture_on_commit_callbacks
):
    settings.OCIM_WATCH_FETCH_THREADS = 2  # batches of 8
    big = [make_source(f"https://grand.example.org/flux{n}.xml") for n in range(6)]
    medium = [make_source(f"https://moyen.example.org/flux{n}.xml") for n in range(3)]
    small = [make_source(f"https://site{n}.example.org/flux.xml") for n in range(5)]
    odd = make_source("https://exa mple.org/flux.xml")

    with django_capture_on_commit_callbacks(execute=True):
        assert sources_enqueue_due() == 15

    batches = queued_batches()
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        s.pk for s in [*big, *medium, *small, odd]
    )
    assert all(len(batch) <= 8 for batch in batches)
    for group in (big, medium):
        holding = [batch for batch in batches if group[0].pk in batch]
        assert {s.pk for s in group} <= set(holding[0])


@pytest.mark.django_db
def test_a_batch_that_cannot_be_queued_is_left_for_the_next_tick(
    settings, django_capture_on_commit_callbacks
):
    """The queue's Redis is down (nothing listens on port 1): the sources are unmarked, so the
    next tick queues them again instead of waiting for REQUEUE_AFTER."""
    # Made before the queue breaks: saving a source may queue Wagtail's reference-index update.
    source = make_source("https://un.example.org/flux.xml")
    settings.RQ_QUEUES = {
        name: {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}
        for name in ("default", "fetch", "mail")
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "fetch", "mail"]}
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert sources_enqueue_due() == 1

    source.refresh_from_db()
    assert source.enqueued_at is None


@pytest.mark.django_db(transaction=True)
def test_scheduler_and_database_worker_read_the_due_sources(
    database_tasks, keep_signal_handlers, loopback_server, pipeline_spy
):
    """The embedded set-up end to end: the scheduler queues the sweep, the database worker
    (the one `make run` starts, on every queue) runs it, then the fetch tasks it queued."""
    for name in ("a", "b", "c"):
        loopback_server.reply(f"/{name}.xml", Reply(200, {"ETag": f'"{name}"'}, b"<rss/>"))
    sources = [make_source(loopback_server.url(f"/{name}.xml")) for name in ("a", "b", "c")]

    names = [run.job.name for run in run_due_jobs()]
    assert "watch.sources.enqueue_due" in names
    for _ in range(2):  # the sweep, then the fetch task it queued
        call_command(
            "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload"
        )

    for source in sources:
        source.refresh_from_db()
        assert source.last_status == 200
        assert source.etag.strip('"') in "abc"
        assert source.enqueued_at is None
    assert len(pipeline_spy.calls) == 3
    assert all(result.status == "SUCCESSFUL" for result in DBTaskResult.objects.all()), [
        (r.task_path, r.status) for r in DBTaskResult.objects.all()
    ]
