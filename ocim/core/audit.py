"""The audit log: every meaningful state change, with a dotted action code.

audit_log(action="training.registration.cancelled", actor=user, obj=registration,
          data={"reason": "..."})
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditLogEntry
from .prepared import PreparedInsert

_INSERT = PreparedInsert(AuditLogEntry)


def audit_entry(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    data: dict | None = None,
) -> AuditLogEntry:
    """An unsaved entry for ``action`` (see ``audit_log``); save several at once with
    ``audit_log_many``."""
    if not action or action.count(".") < 2 or " " in action:
        raise ValueError(f"Audit action codes look like 'app.entity.verb', got {action!r}.")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLogEntry(
        action=action,
        actor=actor if is_user else None,
        actor_label=(
            str(getattr(actor, "email", "")) if is_user else (str(actor) if actor else "")
        )[:255],
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        data=data or {},
    )


def audit_log(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    data: dict | None = None,
) -> AuditLogEntry:
    """Record ``action`` (a dotted code: ``app.entity.verb``) done by ``actor`` on ``obj``.

    Runs inside the caller's transaction, so the entry exists exactly when the change does.
    ``data`` must be JSON-serialisable and hold no secrets.
    """
    entry = audit_entry(action=action, actor=actor, obj=obj, data=data)
    entry.save()
    return entry


def audit_log_many(entries: list[AuditLogEntry]) -> list[AuditLogEntry]:
    """Save entries built by ``audit_entry`` in one INSERT, in their order (for hot paths that
    record two facts about one change; on PostgreSQL, a statement written once per process)."""
    return _INSERT.insert(entries)
