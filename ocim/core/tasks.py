"""Background tasks of the core app: thin wrappers that call a service (safe to run twice)."""

from django_tasks import task

from . import services


@task()
def clear_expired_sessions() -> int | None:
    """Delete expired sessions; returns how many (``None`` when the store cannot count)."""
    return services.sessions_clear_expired()


@task()
def prune_task_results(older_than_days: int | None = None) -> int:
    """Delete finished database task results older than the retention period."""
    return services.task_results_prune(older_than_days=older_than_days)
