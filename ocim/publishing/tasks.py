"""Background tasks of the publishing app: thin wrappers around services (safe to run twice)."""

from django_tasks import task

from . import services


@task()
def lift_wall() -> int:
    """Record the articles whose moving wall has lifted and tell the followers; returns how
    many articles opened in this run."""
    return services.wall_lift_run()


@task(queue_name="mail")
def send_wall_digest(digest_id: int) -> int:
    """Send the digest of newly opened articles to the followers who have not had it yet."""
    return services.wall_digest_send(digest_id=digest_id)


@task()
def publish_scheduled() -> dict:
    """Wagtail's scheduled publishing (go-live and expiry times of every page and snippet),
    issues going live with their approved articles; returns the counts of the run."""
    from .workflow.services import scheduled_publishing_run

    return scheduled_publishing_run().as_dict()
