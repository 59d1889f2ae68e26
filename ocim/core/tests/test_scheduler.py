"""The periodic-job registry, run_due_jobs() and the `scheduler` command."""

import signal
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ocim.core import tasks
from ocim.core.models import PeriodicJobState
from ocim.core.scheduler import (
    PeriodicRegistry,
    claim_and_enqueue,
    job_state,
    periodic_registry,
    run_due_jobs,
)

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def database_tasks(settings):
    # Enqueued tasks stay in the database (nothing runs), so tests can count them.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "fetch", "mail"],
        }
    }


@pytest.fixture
def registry():
    registry = PeriodicRegistry()
    registry.register("test.sessions.clear", task=tasks.clear_expired_sessions, every=DAY)
    return registry


def enqueued(task_name="clear_expired_sessions"):
    return DBTaskResult.objects.filter(task_path__endswith=task_name)


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_per_period(registry):
    start = timezone.now()

    runs = run_due_jobs(now=start, registry=registry)

    assert [run.job.name for run in runs] == ["test.sessions.clear"]
    assert enqueued().count() == 1
    state = PeriodicJobState.objects.get(name="test.sessions.clear")
    assert state.last_enqueued_at == start
    assert state.last_task_id == runs[0].task_id == str(enqueued().get().id)

    assert run_due_jobs(now=start, registry=registry) == []
    assert run_due_jobs(now=start + DAY - timedelta(seconds=1), registry=registry) == []
    assert enqueued().count() == 1

    assert len(run_due_jobs(now=start + DAY, registry=registry)) == 1
    assert enqueued().count() == 2


@pytest.mark.django_db
def test_a_job_is_not_enqueued_before_it_is_due(registry):
    now = timezone.now()
    PeriodicJobState.objects.create(
        name="test.sessions.clear", last_enqueued_at=now - DAY + timedelta(minutes=1)
    )

    assert run_due_jobs(now=now, registry=registry) == []
    assert not enqueued().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("previous_run", [None, timedelta(days=2)])
def test_two_schedulers_claiming_the_same_run_enqueue_it_once(registry, previous_run):
    now = timezone.now()
    job = registry.get("test.sessions.clear")
    if previous_run is not None:
        PeriodicJobState.objects.create(name=job.name, last_enqueued_at=now - previous_run)
    # Both schedulers read the state before either claims the run.
    seen_by_first = job_state(job.name).last_enqueued_at
    seen_by_second = job_state(job.name).last_enqueued_at
    assert job.is_due(seen_by_first, now) and job.is_due(seen_by_second, now)

    first = claim_and_enqueue(job, seen_last_enqueued_at=seen_by_first, now=now)
    second = claim_and_enqueue(
        job, seen_last_enqueued_at=seen_by_second, now=now + timedelta(seconds=1)
    )

    assert first is not None
    assert second is None
    assert enqueued().count() == 1
    assert PeriodicJobState.objects.get(name=job.name).last_enqueued_at == now


@pytest.mark.django_db
def test_a_failing_enqueue_leaves_the_run_due_and_does_not_block_other_jobs(registry, caplog):
    registry.register(
        "test.broken.job", task=tasks.prune_task_results, every=DAY, queue="no-such-queue"
    )
    now = timezone.now()

    runs = run_due_jobs(now=now, registry=registry)

    assert [run.job.name for run in runs] == ["test.sessions.clear"]
    assert PeriodicJobState.objects.get(name="test.broken.job").last_enqueued_at is None
    assert not enqueued("prune_task_results").exists()
    assert "test.broken.job could not be enqueued" in caplog.text


@pytest.mark.django_db
def test_kwargs_factory_and_queue_are_used(registry):
    registry.register(
        "test.results.prune",
        task=tasks.prune_task_results,
        every=timedelta(hours=6),
        queue="mail",
        kwargs_factory=lambda now: {"older_than_days": 3},
    )

    run_due_jobs(registry=registry)

    result = enqueued("prune_task_results").get()
    assert result.queue_name == "mail"
    assert result.args_kwargs == {"args": [], "kwargs": {"older_than_days": 3}}


def test_registration_refuses_mistakes(registry):
    with pytest.raises(ImproperlyConfigured, match=r"app\.entity\.action"):
        registry.register("nodots", task=tasks.clear_expired_sessions, every=DAY)
    with pytest.raises(ImproperlyConfigured, match="at least 1 s"):
        registry.register("test.too.fast", task=tasks.clear_expired_sessions, every=timedelta(0))
    with pytest.raises(ImproperlyConfigured, match="is not a task"):
        registry.register("test.not.task", task=print, every=DAY)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register("test.sessions.clear", task=tasks.prune_task_results, every=DAY)
    # Registering the same definition again (a module imported twice) is harmless.
    registry.register("test.sessions.clear", task=tasks.clear_expired_sessions, every=DAY)
    assert len(registry.jobs()) == 1


def test_core_jobs_are_registered():
    names = {job.name for job in periodic_registry.jobs()}
    assert {"core.sessions.clear_expired", "core.task_results.prune"} <= names


@pytest.mark.django_db
def test_command_once_enqueues_the_due_core_jobs_then_nothing(capsys):
    call_command("scheduler", "--once")

    out = capsys.readouterr().out
    assert "Enqueued core.sessions.clear_expired" in out
    assert "Enqueued core.task_results.prune" in out
    assert enqueued().count() == 1
    assert enqueued("prune_task_results").count() == 1

    call_command("scheduler", "--once")
    assert "Enqueued" not in capsys.readouterr().out
    assert enqueued().count() == 1


@pytest.mark.django_db(transaction=True)  # the loop recycles database connections
def test_command_loop_stops_cleanly_on_sigterm_and_restores_signal_handlers(monkeypatch, capsys):
    ticks = []

    def tick():
        ticks.append(1)
        if len(ticks) == 2:
            signal.raise_signal(signal.SIGTERM)
        return []

    monkeypatch.setattr("ocim.core.management.commands.scheduler.run_due_jobs", tick)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    call_command("scheduler", "--interval", "0.01")

    assert len(ticks) == 2
    out = capsys.readouterr().out
    assert "Received SIGTERM; stopping the scheduler." in out
    assert "Scheduler stopped." in out
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


@pytest.mark.django_db(transaction=True)
def test_command_survives_a_failing_tick(monkeypatch, capsys):
    ticks = []

    def tick():
        ticks.append(1)
        if len(ticks) == 1:
            raise RuntimeError("database went away")
        signal.raise_signal(signal.SIGINT)
        return []

    monkeypatch.setattr("ocim.core.management.commands.scheduler.run_due_jobs", tick)

    call_command("scheduler", "--interval", "0.01")

    assert len(ticks) == 2
    assert "database went away" in capsys.readouterr().err


def test_command_refuses_a_bad_interval():
    with pytest.raises(CommandError, match="positive"):
        call_command("scheduler", "--interval", "0")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_truly_concurrent_schedulers_enqueue_a_run_once(registry):
    """Two threads, two database connections, the same due run at the same instant."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent transactions need PostgreSQL (DATABASE_URL).")
    job = registry.get("test.sessions.clear")
    job_state(job.name)
    now = timezone.now()
    barrier = threading.Barrier(2)
    outcomes = []

    def scheduler():
        try:
            seen = job_state(job.name).last_enqueued_at
            barrier.wait(timeout=10)
            outcomes.append(claim_and_enqueue(job, seen_last_enqueued_at=seen, now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2
    assert sum(outcome is not None for outcome in outcomes) == 1
    assert enqueued().count() == 1
