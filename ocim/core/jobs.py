"""Periodic jobs of the core app (registered with the scheduler; imported by CoreConfig.ready())."""

from datetime import timedelta

from .scheduler import register_periodic
from .tasks import clear_expired_sessions, prune_task_results

register_periodic(
    "core.sessions.clear_expired", task=clear_expired_sessions, every=timedelta(days=1)
)
register_periodic("core.task_results.prune", task=prune_task_results, every=timedelta(days=1))
