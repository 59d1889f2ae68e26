"""Accounts' personal-data declarations (see ocim.core.personal_data)."""

from django.contrib.contenttypes.models import ContentType

from ocim.core import personal_data
from ocim.core.models import AuditLogEntry

from .models import User


def _entries_about(user):
    return AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )


def _export_entries_about(user) -> list[dict]:
    return personal_data.rows_from_fields(_entries_about(user), ("action", "created_at", "data"))


def _erase_entries_about(user) -> None:
    # The history of what happened to the account stays; the name, address and any details
    # (such as a client address in a throttling entry) go.
    _entries_about(user).update(object_repr=personal_data.DELETED_USER_LABEL, data={})


# Records about the account itself (the actor side is declared by core for AuditLogEntry.actor).
personal_data.register_extra(
    "core.AuditLogEntry.about_account", export=_export_entries_about, erase=_erase_entries_about
)
