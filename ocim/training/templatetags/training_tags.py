"""Template helpers of the training pages: the cancellation terms of a registration."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from ocim.core.models import OrganisationSettings
from ocim.core.shell import shell_for_request

from ..models import RegistrationStatus
from ..services import cancellation_deadline

register = template.Library()

# Held seats the participant may cancel online until the deadline (offers and the waiting list
# can be left at any time: see ``registration_cancel``).
_BOUND_BY_DEADLINE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)


@register.simple_tag
def registration_cancellation(registration, now: datetime.datetime | None = None) -> dict:
    """``{% registration_cancellation registration as terms %}``: ``terms.deadline`` (aware,
    local time, or None), ``terms.online`` (whether the cancel button may be shown) and
    ``terms.bound`` (whether a deadline applies to this registration at all).

    Uses the session's prefetched parts: no query per row on the participant's page.
    """
    now = now or timezone.now()
    session = registration.session
    parts = list(session.parts.all())
    starts_at = None
    if parts:
        first = min(parts, key=lambda part: (part.date, part.start_time))
        starts_at = timezone.make_aware(datetime.datetime.combine(first.date, first.start_time))
    deadline = cancellation_deadline(session, starts_at=starts_at) if starts_at else None
    bound = registration.status in _BOUND_BY_DEADLINE
    return {
        "deadline": timezone.localtime(deadline) if deadline else None,
        "bound": bound,
        "online": not bound or deadline is None or now <= deadline,
    }


@register.simple_tag(takes_context=True)
def training_contact_email(context) -> str:
    """The training team's address: the organisation's contact e-mail (cached with the site
    shell for a request; read from the settings otherwise)."""
    shell = shell_for_request(context.get("request"))
    if shell is not None:
        return (shell.get("org") or {}).get("contact_email") or ""
    return OrganisationSettings.load().contact_email
