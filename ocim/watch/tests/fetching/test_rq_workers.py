"""Fetch tasks on RQ, the production queue: real workers on the local Redis share the work and
no source is read twice, however often its batch was queued."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django_tasks import TaskResultStatus

from ocim.core.tests.servers import Reply
from ocim.core.tests.test_tasks import REDIS_URL
from ocim.watch.models import Source
from ocim.watch.tasks import fetch_sources

from .builders import make_source

FEED = Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")


@pytest.mark.redis
@pytest.mark.django_db
def test_an_rq_worker_runs_fetch_tasks_and_a_duplicate_reads_nothing(
    redis_queue,
    loopback_server,
    pipeline_spy,
):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    loopback_server.reply("/a.xml", FEED)
    loopback_server.reply("/b.xml", FEED)
    ids = [make_source(loopback_server.url(path)).pk for path in ("/a.xml", "/b.xml")]
    task = fetch_sources.using(queue_name=redis_queue)
    first = task.enqueue(source_ids=ids)
    duplicate = task.enqueue(source_ids=ids)
    queue = django_rq.get_queue(redis_queue, job_class=Job)

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    assert worker.work(burst=True)

    first.refresh()
    duplicate.refresh()
    assert (first.status, duplicate.status) == (TaskResultStatus.SUCCESSFUL,) * 2
    assert first.return_value == {"content": 2}
    assert duplicate.return_value == {"skipped": 2}
    assert len(loopback_server.requests_to("/a.xml")) == 1
    assert len(loopback_server.requests_to("/b.xml")) == 1


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: workers are separate processes sharing the test database",
)
@pytest.mark.django_db(transaction=True)
def test_several_rq_worker_processes_share_the_sources(redis_queue, loopback_server_factory):
    """Three `manage.py rqworker` processes (as deployed, each forking a work horse per job)
    drain a queue where every batch was queued three times: each source is read exactly
    once, the duplicates find nothing to do."""
    import django_rq
    from django_tasks_rq.backend import Job

    servers = [loopback_server_factory() for _ in range(12)]
    ids = []
    for server in servers:
        server.reply("/flux.xml", FEED)
        ids.append(make_source(server.url("/flux.xml")).pk)
    task = fetch_sources.using(queue_name=redis_queue)
    batches = [ids[:4], ids[4:8], ids[8:]]
    for _copy in range(3):
        for batch in batches:
            task.enqueue(source_ids=batch)
    assert django_rq.get_queue(redis_queue, job_class=Job).count == 9

    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocim.watch.tests.fetching.worker_settings",
        "OCIM_TEST_WORKER_DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "OCIM_TEST_WORKER_REDIS_URL": REDIS_URL,
        "OCIM_TEST_WORKER_QUEUE": redis_queue,
    }
    command = [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "rqworker",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        redis_queue,
    ]
    workers = [
        subprocess.Popen(
            command,
            env=environment,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = [worker.communicate(timeout=120)[0].decode() for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0], outputs
    for server in servers:
        assert len(server.requests_to("/flux.xml")) == 1
    assert set(Source.objects.values_list("fetch_count", "last_status", "lease_token")) == {
        (1, 200, ""),
    }
    assert django_rq.get_queue(redis_queue, job_class=Job).count == 0
