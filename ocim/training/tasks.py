"""Background tasks of the training app: thin wrappers around services (safe to run twice)."""

from django_tasks import task

from . import services


@task()
def expire_offers() -> int:
    """Pass every expired waiting-list offer to the next person; returns how many expired."""
    return services.offers_expire()


@task()
def send_reminders() -> int:
    """Remind the participants of the sessions starting within a week (each one once); returns
    how many reminders were sent."""
    return services.reminders_send()


@task(queue_name="mail")
def send_registration_email(registration_id: int, kind: str, extra: dict | None = None) -> bool:
    """Send one registration e-mail (queued after the change is committed)."""
    return services.registration_email_send(registration_id=registration_id, kind=kind, extra=extra)
