"""Core background tasks, run by the real workers: the database worker and an RQ worker."""

import os
import signal
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ocim.core.errors import ApplicationError
from ocim.core.services import sessions_clear_expired, task_results_prune
from ocim.core.tasks import clear_expired_sessions, prune_task_results

DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "fetch", "mail"],
    }
}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def keep_signal_handlers():
    # Workers install their own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def make_sessions():
    expired = SessionStore()
    expired["member"] = 1
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    live = SessionStore()
    live["member"] = 2
    live.create()
    return expired.session_key, live.session_key


def run_db_worker():
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--no-reload")


@pytest.mark.django_db
def test_clearing_sessions_deletes_only_expired_ones():
    _expired, live = make_sessions()

    assert sessions_clear_expired() == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert sessions_clear_expired() == 0


def test_clearing_sessions_with_a_store_that_cannot_count(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert sessions_clear_expired() is None


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_the_session_task(database_tasks, keep_signal_handlers):
    _expired, live = make_sessions()

    result = clear_expired_sessions.enqueue()
    assert result.status == TaskResultStatus.READY
    assert Session.objects.count() == 2  # nothing ran yet

    run_db_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_the_prune_task(database_tasks, keep_signal_handlers):
    old = clear_expired_sessions.enqueue()
    recent = clear_expired_sessions.enqueue()
    run_db_worker()
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=30))

    prune = prune_task_results.enqueue(older_than_days=14)
    run_db_worker()

    prune.refresh()
    assert prune.status == TaskResultStatus.SUCCESSFUL
    assert prune.return_value == 1
    assert not DBTaskResult.objects.filter(id=old.id).exists()
    assert DBTaskResult.objects.filter(id=recent.id).exists()


@pytest.mark.django_db
def test_prune_keeps_unfinished_and_recent_results(database_tasks):
    ready = clear_expired_sessions.enqueue()
    DBTaskResult.objects.filter(id=ready.id).update(enqueued_at=timezone.now() - timedelta(days=60))

    assert task_results_prune(older_than_days=0) == 0
    assert DBTaskResult.objects.filter(id=ready.id).exists()


def test_prune_does_nothing_without_a_database_backend():
    # The test settings use the immediate backend: there is no stored result to prune.
    assert task_results_prune() == 0


def test_prune_refuses_a_negative_retention():
    with pytest.raises(ApplicationError):
        task_results_prune(older_than_days=-1)


# --- RQ on the local Redis --------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database number no deployment uses


@pytest.fixture
def redis_queue(settings, keep_signal_handlers):
    """A unique RQ queue on the local Redis, with TASKS switched to the RQ backend.

    Skipped when Redis is unreachable, unless OCIM_REQUIRE_REDIS=1 (CI), where it fails.
    Every key the test created is deleted afterwards.
    """
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        reason = f"Redis is not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("OCIM_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason} (OCIM_REQUIRE_REDIS=1)")
        pytest.skip(f"{reason} (set OCIM_REQUIRE_REDIS=1 to make this a failure)")
    keys_before = set(connection.keys("*"))
    queue_name = f"test-{uuid.uuid4().hex[:12]}"
    # As in production (settings/base.py): the queues take their client from the Redis cache.
    settings.CACHES = {
        "default": {
            "BACKEND": "ocim.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": queue_name,
        }
    }
    settings.RQ_QUEUES = {
        "default": {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 60},
        queue_name: {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 60},
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue_name]}
    }
    yield queue_name
    created = set(connection.keys("*")) - keys_before
    if created:
        connection.delete(*created)
    connection.srem("rq:queues", f"rq:queue:{queue_name}")
    connection.close()


@pytest.mark.redis
@pytest.mark.django_db
def test_rq_worker_runs_the_session_task(redis_queue):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    _expired, live = make_sessions()

    result = clear_expired_sessions.using(queue_name=redis_queue).enqueue()
    assert result.status == TaskResultStatus.READY
    queue = django_rq.get_queue(redis_queue, job_class=Job)
    assert queue.count == 1

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert queue.count == 0


@pytest.mark.redis
@pytest.mark.django_db
def test_rq_queues_share_the_cache_connection_pool(redis_queue):
    """Queueing a task opens no connection of its own: the queue's client uses the cache's
    pool, so a request that reads its session from Redis and queues an e-mail holds one
    connection (django-rq alone opened a new one for every task queued)."""
    import django_rq
    from django.core.cache import cache

    cache.set("warm", 1)  # the request has read its session through the cache
    pool = django_rq.get_queue(redis_queue).connection.connection_pool
    assert pool is django_rq.get_queue(redis_queue).connection.connection_pool
    assert pool is cache._client.connection_pool
    connections_before = pool._created_connections
    for _ in range(3):
        clear_expired_sessions.using(queue_name=redis_queue).enqueue()
    assert pool._created_connections == connections_before
    assert django_rq.get_queue(redis_queue).count == 3


@pytest.mark.redis
@pytest.mark.django_db
def test_the_cache_keeps_one_redis_client_per_pool(redis_queue):
    """A client is a handle on a pool: the cache reuses it for every operation instead of
    building one each time, and the queues get that same client."""
    import django_rq
    from django.core.cache import cache

    cache.set("cle", "valeur")
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("cle") is cache._cache.get_client("autre")
    assert cache._client is client
    assert django_rq.get_queue(redis_queue).connection is client
    assert cache.get("cle") == "valeur"
    cache.delete("cle")
    assert cache.get("cle") is None
