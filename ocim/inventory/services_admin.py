"""Writes of the back office besides the actor itself (which only ``services.actor_save``
writes): the staff-only contact persons of an actor, and the family copied onto the actors when
their type moves to another family.

Contacts are personal data: they are not part of the actor's public record nor of its history
snapshots (a revert never brings back a deleted person); changes are audited with counts only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ocim.core.audit import audit_log

from .models import Actor, ActorContact, ActorType
from .search import actor_search_index_rebuild


@transaction.atomic
def actor_contacts_save(
    *,
    actor: Actor,
    changed: Iterable[ActorContact],
    deleted: Iterable[ActorContact],
    user=None,
) -> None:
    """Save the new or changed contact persons of ``actor`` and delete the ``deleted`` ones
    (only the actor's own). Audited as ``inventory.actor.contacts_changed`` when anything
    changed. Raises ``ValidationError`` (nothing written) for an invalid contact."""
    changed = list(changed)
    deleted = [contact for contact in deleted if contact.pk and contact.actor_id == actor.pk]
    created = 0
    for contact in changed:
        contact.actor = actor
        created += contact.pk is None
        contact.full_clean()
        contact.save()
    for contact in deleted:
        contact.delete()
    if changed or deleted:
        audit_log(
            action="inventory.actor.contacts_changed",
            actor=user,
            obj=actor,
            data={
                "created": created,
                "changed": len(changed) - created,
                "deleted": len(deleted),
            },
        )


@transaction.atomic
def actor_type_family_sync(*, actor_type: ActorType, user=None) -> int:
    """Copy ``actor_type``'s family onto its actors (the column the directory filters on),
    after the type was moved to another family. The family is derived, not part of an actor's
    record: no revision; audited as ``inventory.actor_type.family_synced``. Returns the number
    of actors updated."""
    updated = (
        Actor.objects.filter(type=actor_type)
        .exclude(family_id=actor_type.family_id)
        .update(family_id=actor_type.family_id, updated_at=timezone.now())
    )
    if updated:
        # The directory's index holds a copy of the family (its facets count from it).
        actor_search_index_rebuild(
            list(Actor.objects.filter(type=actor_type).values_list("pk", flat=True))
        )
        audit_log(
            action="inventory.actor_type.family_synced",
            actor=user,
            obj=actor_type,
            data={"family": actor_type.family_id, "actors": updated},
        )
    return updated
