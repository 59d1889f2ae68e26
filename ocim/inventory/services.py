"""Writes of the inventory: every change of an actor goes through ``actor_save`` (or
``actor_revert``), which keeps the copied columns in step (family from the type, department and
region from the commune), cleans what people typed (identifiers, description HTML) and records
the change in the actor's history in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from ocim.core.sanitiser import sanitise_html

from . import identifiers
from .map_grid import map_cell  # map
from .models import Actor, ActorRevision, ActorVisitorCount, RevisionSource
from .search import actor_search_index_update  # directory

# Fields of the snapshot kept in a revision: every column a person can change.
_SKIPPED = {
    "id", "created_at", "updated_at", "family", "department", "region", "slug",
    "map_cell",  # map
}  # fmt: skip
_IDENTIFIERS_UPPER = ("museofile", "wikidata", "rna", "uai", "rnsr")


def snapshot_fields() -> list:
    """The actor's fields a revision keeps: every column a person can change (not the key, the
    timestamps, the slug, or the columns copied from the type, the commune or the
    coordinates). Shared by the import's bulk writer and the demo generator, which write the
    same revisions as ``actor_save``."""
    return [
        field
        for field in Actor._meta.concrete_fields
        if field.name not in _SKIPPED and not field.primary_key
    ]


def actor_snapshot(actor: Actor) -> dict[str, Any]:
    """The actor as plain JSON values: columns (foreign keys as their key), labels and concepts
    (sorted keys), visitor counts ({year: visitors})."""
    data: dict[str, Any] = {}
    for field in snapshot_fields():
        value = getattr(actor, field.attname)
        if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        data[field.attname] = value
    if actor.pk:
        data["labels"] = sorted(actor.labels.values_list("pk", flat=True))
        data["concepts"] = sorted(actor.concepts.values_list("pk", flat=True))
        data["visitor_counts"] = {
            str(year): visitors
            for year, visitors in actor.visitor_counts.values_list("year", "visitors")
        }
    return data


def _changes(before: dict, after: dict) -> dict[str, list]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def actor_clean(actor: Actor) -> None:
    """Canonical spellings and copied columns (no query but the commune's and type's when they
    are not loaded yet)."""
    actor.siret = identifiers.normalise_siret(actor.siret)
    for name in _IDENTIFIERS_UPPER:
        setattr(actor, name, identifiers.normalise_identifier(getattr(actor, name)))
    actor.ror = identifiers.normalise_identifier(actor.ror, lower=True)
    actor.osm = identifiers.normalise_identifier(actor.osm, lower=True)
    actor.description = sanitise_html(actor.description)
    actor.family_id = actor.type.family_id
    if actor.commune_id:
        actor.department_id = actor.commune.department_id
        actor.region_id = actor.commune.department.region_id
    else:
        actor.department_id = None
        actor.region_id = None
    if actor.status != "closed":
        actor.closed_year = None
    actor.map_cell = map_cell(actor.latitude, actor.longitude)  # map


@lru_cache(maxsize=1)
def reserved_slugs() -> frozenset[str]:
    """Slugs no actor may take: the segments that other pages use right under the directory's
    address in some language (in English the map is /en/inventory/map/, beside the actors'
    /en/inventory/<slug>/: an actor "map" would never be shown)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    reserved = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            directory = reverse("inventory:directory")
            for name in ("inventory:map",):
                other = reverse(name)
                if other.startswith(directory) and other != directory:
                    reserved.add(other[len(directory) :].split("/", 1)[0])
    return frozenset(reserved)


def _unique_slug(actor: Actor) -> str:
    base = slugify(actor.name)[:100].strip("-") or "acteur"
    candidate, number = base, 1
    while candidate in reserved_slugs() or (
        Actor.objects.filter(slug=candidate).exclude(pk=actor.pk).exists()
    ):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def actor_save(
    actor: Actor,
    *,
    user=None,
    source: str = RevisionSource.ADMIN,
    source_detail: str = "",
    labels: Iterable | None = None,
    concepts: Iterable | None = None,
    visitor_counts: dict[int, int] | None = None,
) -> ActorRevision | None:
    """Validate and save ``actor`` (new or changed), with its labels, concepts and visitor
    counts when given, and record the change. Raises ``ValidationError`` (nothing written)
    when a field is invalid. Returns the revision, or None when nothing changed."""
    before = actor_snapshot(Actor.objects.get(pk=actor.pk)) if actor.pk else {}
    actor_clean(actor)
    if not actor.slug:
        actor.slug = _unique_slug(actor)
    actor.full_clean(exclude=["family", "department", "region"])
    actor.save()
    if labels is not None:
        actor.labels.set(labels)
    if concepts is not None:
        actor.concepts.set(concepts)
    if visitor_counts is not None:
        _visitor_counts_set(actor, visitor_counts)
    actor_search_index_update(actor)  # directory
    after = actor_snapshot(actor)
    changes = _changes(before, after) if before else {}
    if before and not changes:
        return None
    return ActorRevision.objects.create(
        actor=actor,
        user=user if getattr(user, "is_authenticated", False) else None,
        source=source,
        source_detail=source_detail[:255],
        changes=changes,
        snapshot=after,
    )


def _visitor_counts_set(actor: Actor, counts: dict[int, int]) -> None:
    wanted = {int(year): int(visitors) for year, visitors in counts.items()}
    actor.visitor_counts.exclude(year__in=wanted).delete()
    existing = {count.year: count for count in actor.visitor_counts.all()}
    for year, visitors in wanted.items():
        count = existing.get(year) or ActorVisitorCount(actor=actor, year=year, visitors=0)
        if count.visitors != visitors or count.pk is None:
            count.visitors = visitors
            count.full_clean(exclude=["actor"])
            count.save()


@transaction.atomic
def actor_revert(revision: ActorRevision, *, user=None) -> ActorRevision | None:
    """Bring the actor back to the record kept in ``revision`` (a new revision says so).
    Fields that no longer exist are ignored; a record that would now be invalid (its commune
    or type deleted since, say) raises ``ValidationError`` and nothing is written."""
    actor = Actor.objects.select_for_update().get(pk=revision.actor_id)
    snapshot = revision.snapshot
    for field in snapshot_fields():
        if field.attname in snapshot:
            setattr(actor, field.attname, snapshot[field.attname])
    return actor_save(
        actor,
        user=user,
        source=RevisionSource.REVERT,
        source_detail=f"{revision.pk}",
        labels=snapshot.get("labels"),
        concepts=snapshot.get("concepts"),
        visitor_counts={int(year): n for year, n in snapshot.get("visitor_counts", {}).items()},
    )


@transaction.atomic
def actor_delete(*, actor: Actor, user=None) -> None:
    """Delete ``actor`` with its history, index rows and links (children keep no parent). The
    last record of it stays in the audit log (``inventory.actor.deleted``, with its snapshot and
    who deleted it): its own history goes with it."""
    from ocim.core.audit import audit_log

    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    audit_log(
        action="inventory.actor.deleted",
        actor=user,
        obj=actor,
        data={"name": actor.name, "slug": actor.slug, "snapshot": actor_snapshot(actor)},
    )
    actor.delete()
