"""Reads of the inventory. ``actors_filtered`` is the one place the directory's filters are
turned into a query: the directory, the map, the exports and the API all go through it."""

from __future__ import annotations

from django.db.models import QuerySet

from .filters import ActorFilters
from .models import Actor, ActorFamily


def actors_filtered(filters: ActorFilters, queryset: QuerySet[Actor] | None = None) -> QuerySet:
    """The actors passing ``filters`` (every filter: the text search included). Values of one
    filter are alternatives (any of them); filters add up (all of them)."""
    actors = Actor.objects.all() if queryset is None else queryset
    if filters.families:
        actors = actors.filter(family__slug__in=filters.families)
    if filters.types:
        actors = actors.filter(type__slug__in=filters.types)
    if filters.regions:
        actors = actors.filter(region_id__in=filters.regions)
    if filters.departments:
        actors = actors.filter(department_id__in=filters.departments)
    if filters.labels:
        actors = actors.filter(
            pk__in=Actor.labels.through.objects.filter(label__slug__in=filters.labels).values(
                "actor_id"
            )
        )
    if filters.concepts:
        actors = actors.filter(
            pk__in=Actor.concepts.through.objects.filter(concept__slug__in=filters.concepts).values(
                "actor_id"
            )
        )
    if filters.statuses:
        actors = actors.filter(status__in=filters.statuses)
    if filters.q:
        from .search import actor_search_condition

        actors = actors.filter(actor_search_condition(filters.q))
    return actors


def actor_names_for_matching() -> list[tuple[int, str, str, int]]:
    """Every actor's ``(id, name, other_names, family_id)``, for finding actors mentioned in a
    text (the watch's classifier). Names only: nothing that is not already public."""
    return list(Actor.objects.order_by("pk").values_list("pk", "name", "other_names", "family_id"))


def actor_family_terms() -> dict[int, list[str]]:
    """Each actor family's id with the words that name it: its French and English names and
    those of its types ("Parc zoologique, aquarium" gives both terms), for the watch's
    classifier."""
    from .models import ActorType

    terms: dict[int, list[str]] = {}
    for pk, name_fr, name_en in ActorFamily.objects.values_list("pk", "name_fr", "name_en"):
        terms.setdefault(pk, []).extend([name_fr, name_en])
    for family_id, name_fr, name_en in ActorType.objects.values_list(
        "family_id", "name_fr", "name_en"
    ):
        for name in (name_fr, name_en):
            terms.setdefault(family_id, []).extend(
                part.strip() for part in name.split(",") if part.strip()
            )
    return terms


def actor_family_list() -> QuerySet[ActorFamily]:
    """The actor families in their display order (for other modules' filters)."""
    return ActorFamily.objects.order_by("sort_order", "name_fr")
