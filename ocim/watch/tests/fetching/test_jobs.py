"""The watch's periodic jobs and tasks are registered where the workers look for them."""

from datetime import timedelta

from ocim.core.scheduler import periodic_registry
from ocim.watch import tasks


def test_the_sweeps_run_every_minute_and_the_log_is_pruned_daily():
    jobs = {job.name: job for job in periodic_registry.jobs()}
    assert jobs["watch.sources.enqueue_due"].task is tasks.enqueue_due_sources
    assert jobs["watch.sources.enqueue_due"].every == timedelta(minutes=1)
    assert jobs["watch.full_texts.enqueue_due"].task is tasks.enqueue_due_full_texts
    assert jobs["watch.fetch_log.prune"].every == timedelta(days=1)


def test_network_work_goes_to_the_fetch_queue_that_every_worker_set_up_serves():
    from ocim.settings import base

    for task in (
        tasks.enqueue_due_sources,
        tasks.fetch_sources,
        tasks.enqueue_due_full_texts,
        tasks.fetch_full_texts,
    ):
        assert task.queue_name == "fetch"
    assert tasks.prune_fetch_log.queue_name == "default"
    # The embedded database queue declares it (and `run_platform` starts `db_worker
    # --queue-name '*'`); with REDIS_URL, RQ_QUEUES and TASKS list it too (settings/base.py).
    assert "fetch" in base.TASKS["default"]["QUEUES"]
