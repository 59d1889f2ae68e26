"""Periodic jobs: a registry each app adds to, and the tick that enqueues what is due.

    # ocim/<app>/jobs.py (imported by the app's AppConfig.ready())
    register_periodic("watch.sources.fetch_due", task=fetch_due_sources, every=timedelta(minutes=5),
                      queue="fetch")

One scheduler process (``manage.py scheduler``) calls ``run_due_jobs()`` every few seconds. The
state of every job (when it was last enqueued) lives in the database (``PeriodicJobState``), so
the scheduler keeps no memory of its own and may be restarted, or moved to another host, at any
time. A run is claimed with a conditional UPDATE (compare-and-swap on ``last_enqueued_at``) in
the same transaction as the enqueue: two schedulers started by mistake cannot enqueue the same
run twice, and a failed enqueue leaves the run due for the next tick. Tasks must still be
idempotent: with a queue outside the database (RQ), a crash between the enqueue and the commit
can enqueue a run that is then enqueued again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from .models import PeriodicJobState

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")


@dataclass(frozen=True)
class PeriodicJob:
    """A task enqueued every ``every``; ``kwargs_factory(now)`` gives its keyword arguments."""

    name: str
    task: Task
    every: timedelta
    queue: str | None = None
    kwargs_factory: Callable[[datetime], dict[str, Any]] | None = None

    def is_due(self, last_enqueued_at: datetime | None, now: datetime) -> bool:
        return last_enqueued_at is None or last_enqueued_at + self.every <= now


@dataclass(frozen=True)
class EnqueuedRun:
    job: PeriodicJob
    task_id: str
    enqueued_at: datetime


class PeriodicRegistry:
    """The periodic jobs known to one scheduler, by name."""

    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(
        self,
        name: str,
        *,
        task: Task,
        every: timedelta,
        queue: str | None = None,
        kwargs_factory: Callable[[datetime], dict[str, Any]] | None = None,
    ) -> PeriodicJob:
        """Declare that ``task`` runs every ``every`` on ``queue`` (default: the task's own).

        ``name`` is stable and dotted (``app.entity.action``): it keys the job's state in the
        database, so renaming a job makes it due at once. Registering the same name twice with
        a different definition is a programming error.
        """
        if not _NAME.fullmatch(name):
            raise ImproperlyConfigured(
                f"Periodic job names look like 'app.entity.action', got {name!r}."
            )
        if not isinstance(task, Task):
            raise ImproperlyConfigured(f"Periodic job {name!r}: {task!r} is not a task.")
        if not isinstance(every, timedelta) or every < timedelta(seconds=1):
            raise ImproperlyConfigured(f"Periodic job {name!r}: 'every' must be at least 1 s.")
        if len(name) > PeriodicJobState._meta.get_field("name").max_length:
            raise ImproperlyConfigured(f"Periodic job name {name!r} is too long.")
        job = PeriodicJob(name=name, task=task, every=every, queue=queue,
                          kwargs_factory=kwargs_factory)  # fmt: skip
        existing = self._jobs.get(name)
        if existing is not None and existing != job:
            raise ImproperlyConfigured(f"Periodic job {name!r} is already registered.")
        self._jobs[name] = job
        return job

    def jobs(self) -> list[PeriodicJob]:
        return sorted(self._jobs.values(), key=lambda job: job.name)

    def get(self, name: str) -> PeriodicJob | None:
        return self._jobs.get(name)


# The registry of the project: apps register their jobs here from their jobs.py.
periodic_registry = PeriodicRegistry()
register_periodic = periodic_registry.register


def run_due_jobs(
    *, now: datetime | None = None, registry: PeriodicRegistry | None = None
) -> list[EnqueuedRun]:
    """Enqueue every registered job that is due, each at most once per period.

    A job whose enqueue fails is logged and stays due; the others still run. Returns the runs
    this call enqueued (another scheduler may have taken some of them).
    """
    now = now or timezone.now()
    registry = registry or periodic_registry
    runs = []
    for job in registry.jobs():
        try:
            state = job_state(job.name)
            if not job.is_due(state.last_enqueued_at, now):
                continue
            run = claim_and_enqueue(job, seen_last_enqueued_at=state.last_enqueued_at, now=now)
        except Exception:  # one broken job must not stop the others
            logger.exception("Periodic job %s could not be enqueued; it stays due.", job.name)
            continue
        if run is not None:
            runs.append(run)
    return runs


def job_state(name: str) -> PeriodicJobState:
    """The stored state of a job, created on first sight (safe if two schedulers race)."""
    state = PeriodicJobState.objects.filter(name=name).first()
    if state is None:
        try:
            with transaction.atomic():
                state = PeriodicJobState.objects.create(name=name)
        except IntegrityError:
            state = PeriodicJobState.objects.get(name=name)
    return state


def claim_and_enqueue(
    job: PeriodicJob, *, seen_last_enqueued_at: datetime | None, now: datetime
) -> EnqueuedRun | None:
    """Claim the run of ``job`` due at ``now`` and enqueue it, or do nothing if another
    scheduler claimed it since we read ``seen_last_enqueued_at``.

    The claim is ``UPDATE … SET last_enqueued_at = now WHERE last_enqueued_at = seen`` and
    the enqueue happens in the same transaction, so a failed enqueue releases the claim.
    """
    with transaction.atomic():
        claimed = PeriodicJobState.objects.filter(name=job.name)
        if seen_last_enqueued_at is None:
            claimed = claimed.filter(last_enqueued_at__isnull=True)
        else:
            claimed = claimed.filter(last_enqueued_at=seen_last_enqueued_at)
        if claimed.update(last_enqueued_at=now) != 1:
            logger.info("Periodic job %s was claimed by another scheduler.", job.name)
            return None
        task = job.task.using(queue_name=job.queue) if job.queue else job.task
        kwargs = job.kwargs_factory(now) if job.kwargs_factory else {}
        result = task.enqueue(**kwargs)
        PeriodicJobState.objects.filter(name=job.name).update(last_task_id=str(result.id)[:64])
    logger.info("Enqueued periodic job %s as task %s.", job.name, result.id)
    return EnqueuedRun(job=job, task_id=str(result.id), enqueued_at=now)
