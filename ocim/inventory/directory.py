"""Reads of the public directory: one page of actors for the directory's filters, best first,
with the facet counts; and one actor's public record.

The actors are those of ``selectors.actors_filtered`` (the one place filters become a query).
Each facet is counted with every other filter applied but not its own, so that choosing a
value does not hide the other values of the same facet. The number of queries does not depend
on the data: the lookups (types and families, departments and regions, labels: kept by each
process, see ``_lookup_rows``), the selected concepts (when concepts are chosen), the counts
(one grouped count for the family, type, region, department and status facets and the total,
one for the labels, one for the concepts; on PostgreSQL one statement, two or three for a
search matching many actors, see ``directory_counts``), and the page of actors.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache, caches
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocim.core.facets import FacetValue
from ocim.core.models import Commune, Concept, Department

from .directory_counts import Chosen, postgres_counts
from .filters import ActorFilters
from .models import Actor, ActorStatus, ActorType, ActorVisitorCount, Label
from .search import actor_search_rank, query_words, search_generation
from .selectors import actors_filtered

ACTORS_PER_PAGE = 20
MAX_CONCEPT_VALUES = 30
MAX_PAGE_DIGITS = 9
# A search found in more actors than this is listed by name: ranking would read every match
# (``ts_rank`` on each vector), about 400 ms for a word found in 26,000 of 100,000 actors.
RANKED_MATCHES = 2000  # a page number longer than this is not a page number

# (query-string parameter, label) of each facet, in display order.
FACETS = (
    ("family", gettext_lazy("Family")),
    ("type", gettext_lazy("Type of actor")),
    ("region", gettext_lazy("Region")),
    ("department", gettext_lazy("Department")),
    ("label", gettext_lazy("Label")),
    ("concept", gettext_lazy("Field or discipline")),
    ("status", gettext_lazy("Open or closed")),
)


@dataclass
class Facet:
    name: str  # the query-string parameter
    label: str
    values: list[FacetValue]

    @property
    def selected_count(self) -> int:
        return sum(1 for value in self.values if value.selected)


@dataclass
class DirectoryResults:
    filters: ActorFilters
    total: int
    page: Page
    facets: list[Facet]
    # Messages about filter values that are well formed but match nothing known.
    problems: list[str] = field(default_factory=list)
    # The query had text but no word that can be searched (punctuation, very common words).
    no_words: bool = False
    # Whether the facet counts and the total were counted, or estimated from a sample (a
    # search matching many actors, on PostgreSQL; the pages then reach the first
    # ``exact_count_limit()`` actors).
    facets_exact: bool = True
    total_exact: bool = True


class _CountedPaginator(Paginator):
    """A paginator whose total is already known (counted with the facets): no COUNT query."""

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total


def page_number(raw) -> int:
    """The page asked for, as a number ≥ 1 (anything that is not one gives 1)."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > MAX_PAGE_DIGITS:
        return 1
    return max(int(text), 1)


def _column_counts(filters: ActorFilters, lookups: _Lookups) -> tuple[int, dict[str, dict]]:
    """(total, {facet: {value: count}}) for the family, type, region, department and status
    facets, from one grouped query over the actors passing the text, label and concept
    filters; every other filter is applied here, each facet without its own."""
    base = ActorFilters(q=filters.q, labels=filters.labels, concepts=filters.concepts)
    groups = [
        (
            group["family_id"],
            group["type_id"],
            group["region_id"],
            group["department_id"],
            group["status"],
            group["count"],
        )
        for group in actors_filtered(base)
        .values("family_id", "type_id", "region_id", "department_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ]
    return _grouped_counts(filters, lookups, groups)


def _grouped_counts(
    filters: ActorFilters, lookups: _Lookups, groups: list[tuple]
) -> tuple[int, dict[str, dict]]:
    """(total, {facet: {value: count}}) for the family, type, region, department and status
    facets from ``groups`` ((family id, type id, region, department, status, count) of the
    actors passing the text, label and concept filters): each facet with every other filter
    applied but not its own."""
    wanted = {
        "family": set(filters.families),
        "type": set(filters.types),
        "region": set(filters.regions),
        "department": set(filters.departments),
        "status": set(filters.statuses),
    }

    def values(group) -> dict[str, str | None]:
        family_id, type_id, region_id, department_id, status, _count = group
        return {
            "family": lookups.family_slugs.get(family_id),
            "type": lookups.type_slugs.get(type_id),
            "region": region_id,
            "department": department_id,
            "status": status,
        }

    described = [(values(group), group[-1]) for group in groups]

    def passes(value: dict, without: str | None) -> bool:
        return all(
            not wanted[name] or value[name] in wanted[name] for name in wanted if name != without
        )

    counts: dict[str, dict] = {name: {} for name in wanted}
    for name in wanted:
        for value, count in described:
            if value[name] is not None and passes(value, name):
                counts[name][value[name]] = counts[name].get(value[name], 0) + count
    total = sum(count for value, count in described if passes(value, None))
    return total, counts


@dataclass
class _Lookups:
    types: list[ActorType]
    departments: list[Department]
    labels: list[Label]
    selected_concepts: list[Concept]

    @cached_property
    def family_slugs(self) -> dict[int, str]:
        return {item.family_id: item.family.slug for item in self.types}

    @cached_property
    def type_slugs(self) -> dict[int, str]:
        return {item.pk: item.slug for item in self.types}


# The typology, the departments and the labels, kept by each process for every request (about
# 300 rows and 4 ms a request to read again): (version, time read, (types, departments,
# labels)). Saving or deleting any of them renews the version in the shared cache
# (``lookups_changed``), which every process compares before use; a process also reads them
# again after ``_LOOKUPS_SECONDS`` (changes that send no signal: bulk updates, raw SQL).
_LOOKUPS_VERSION_KEY = "inventory-directory-lookups"
_LOOKUPS_SECONDS = 300
_lookups_kept: tuple[str, float, tuple] | None = None


def lookups_changed(**_kwargs) -> None:
    """Signal receiver: a type, family, label, department or region was saved or deleted. The
    version is renewed now and once committed (rows read by others meanwhile are from before
    the commit)."""

    def renew():
        cache.set(_LOOKUPS_VERSION_KEY, uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew)


def _lookup_rows() -> tuple[list[ActorType], list[Department], list[Label]]:
    global _lookups_kept
    version = cache.get_or_set(_LOOKUPS_VERSION_KEY, uuid.uuid4().hex, None)
    kept = _lookups_kept
    now = time.monotonic()
    if kept is not None and kept[0] == version and now - kept[1] < _LOOKUPS_SECONDS:
        return kept[2]
    rows = (
        list(
            ActorType.objects.select_related("family").order_by(
                "family__sort_order", "family__name_fr", "sort_order", "name_fr"
            )
        ),
        list(Department.objects.select_related("region").order_by("code")),
        list(Label.objects.order_by("name")),
    )
    _lookups_kept = (version, now, rows)
    return rows


def _lookups(filters: ActorFilters) -> _Lookups:
    types, departments, labels = _lookup_rows()
    return _Lookups(
        types=types,
        departments=departments,
        labels=labels,
        selected_concepts=(
            list(Concept.objects.filter(slug__in=filters.concepts)) if filters.concepts else []
        ),
    )


def _related_counts(filters: ActorFilters, name: str) -> list[dict]:
    """Counts of the labels (``name`` "label") or concepts ("concept") of the actors passing
    every filter but this one."""
    if name == "label":
        through, without = Actor.labels.through, replace(filters, labels=())
    else:
        through, without = Actor.concepts.through, replace(filters, concepts=())
    links = through.objects.all()
    if not without.is_empty():
        links = links.filter(actor_id__in=actors_filtered(without).values("pk"))
    if name == "label":
        return list(links.values("label_id").annotate(count=Count("actor_id")).order_by())
    # The links counted first, then joined to their concepts (grouping the joined rows by
    # the concepts' text columns is three times slower).
    inner, params = (
        links.values("concept_id")
        .annotate(count=Count("actor_id"))
        .order_by()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.concept_id, k.slug, k.label_fr, k.label_en, c.count "  # noqa: S608 - Django's SQL and placeholders only
            f"FROM ({inner}) c JOIN {Concept._meta.db_table} k ON k.id = c.concept_id",
            params,
        )
        columns = ("concept_id", "concept__slug", "concept__label_fr", "concept__label_en", "count")
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _facets(filters: ActorFilters, lookups: _Lookups, counts: dict[str, dict]) -> list[Facet]:
    from django.utils.translation import get_language

    english = (get_language() or "fr").startswith("en")
    selected = {
        "family": set(filters.families),
        "type": set(filters.types),
        "region": set(filters.regions),
        "department": set(filters.departments),
        "label": set(filters.labels),
        "concept": set(filters.concepts),
        "status": set(filters.statuses),
    }
    options: dict[str, list[tuple[str, str]]] = {}
    families: dict[str, str] = {}
    for item in lookups.types:
        families.setdefault(item.family.slug, item.family.name)
    options["family"] = list(families.items())
    options["type"] = [(item.slug, item.name) for item in lookups.types]
    regions = {}
    for department in lookups.departments:
        regions.setdefault(department.region_id, department.region.name)
    options["region"] = sorted(regions.items(), key=lambda item: item[1])
    options["department"] = [
        (item.code, f"{item.name} ({item.code})") for item in lookups.departments
    ]
    options["label"] = [(item.slug, item.name) for item in lookups.labels]
    concept_names = {
        row["concept__slug"]: row["concept__label_en"]
        if english and row["concept__label_en"]
        else row["concept__label_fr"]
        for row in counts["concept_rows"]
    }
    for concept in lookups.selected_concepts:
        concept_names[concept.slug] = concept.label
    top = sorted(counts["concept"].items(), key=lambda item: (-item[1], item[0]))
    shown = [slug for slug, _count in top[:MAX_CONCEPT_VALUES]]
    shown += [slug for slug in filters.concepts if slug not in shown and slug in concept_names]
    options["concept"] = sorted(
        ((slug, concept_names[slug]) for slug in shown), key=lambda item: item[1].lower()
    )
    options["status"] = list(ActorStatus.choices)

    facets = []
    for name, label in FACETS:
        values = []
        for value, value_label in options[name]:
            count = counts[name].get(value, 0)
            chosen = value in selected[name]
            # Values no actor has are left out (unless chosen: they can then be unticked).
            if count or chosen or name == "status":
                values.append(FacetValue(str(value), str(value_label), count, chosen))
        facets.append(Facet(name=name, label=str(label), values=values))
    return facets


def _unknown_values(filters: ActorFilters, lookups: _Lookups) -> list[str]:
    known = {
        "family": set(lookups.family_slugs.values()),
        "type": set(lookups.type_slugs.values()),
        "region": {department.region_id for department in lookups.departments},
        "department": {department.code for department in lookups.departments},
        "label": {label.slug for label in lookups.labels},
        "concept": {concept.slug for concept in lookups.selected_concepts},
    }
    chosen = {
        "family": filters.families,
        "type": filters.types,
        "region": filters.regions,
        "department": filters.departments,
        "label": filters.labels,
        "concept": filters.concepts,
    }
    return [
        _("The filter “%(name)s” has no value “%(value)s”: no actor can match it.")
        % {"name": name, "value": value}
        for name, values in chosen.items()
        for value in values
        if value not in known[name]
    ]


def _counts(
    filters: ActorFilters, lookups: _Lookups, pages: dict | None = None
) -> tuple[int, dict]:
    """(total, counts). On PostgreSQL, for a search with words, ``pages`` (when given) receives
    ``"ids"``: the ids of the page of actors starting at ``pages["start"]``, by name."""
    if connection.vendor == "postgresql":
        return _postgres_counts(filters, lookups, pages)
    total, counts = _column_counts(filters, lookups)
    label_slugs = {label.pk: label.slug for label in lookups.labels}
    counts["label"] = {
        label_slugs[row["label_id"]]: row["count"]
        for row in _related_counts(filters, "label")
        if row["label_id"] in label_slugs
    }
    concept_rows = _related_counts(filters, "concept")
    counts["concept_rows"] = concept_rows
    counts["concept"] = {row["concept__slug"]: row["count"] for row in concept_rows}
    return total, counts


def _postgres_counts(
    filters: ActorFilters, lookups: _Lookups, pages: dict | None = None
) -> tuple[int, dict]:
    """``_counts`` in one statement (``directory_counts.postgres_counts``): from the matches of
    the words, of the labels or concepts, or from the kept counts of the facet cells."""
    chosen = Chosen(
        filters=filters,
        family_ids=[key for key, slug in lookups.family_slugs.items() if slug in filters.families],
        type_ids=[key for key, slug in lookups.type_slugs.items() if slug in filters.types],
        label_ids=[label.pk for label in lookups.labels if label.slug in filters.labels],
        concept_ids=[
            item.pk for item in lookups.selected_concepts if item.slug in filters.concepts
        ],
    )
    found = postgres_counts(
        chosen,
        page_start=None if pages is None else pages["start"],
        page_size=ACTORS_PER_PAGE,
        listed_above=RANKED_MATCHES,
        exact_limit=exact_count_limit(),
    )
    if pages is not None and found.page is not None:
        pages["ids"] = found.page
    label_slugs = {label.pk: label.slug for label in lookups.labels}
    counts: dict = {
        "family": {
            lookups.family_slugs[key]: count
            for key, count in found.scalars["family"].items()
            if key in lookups.family_slugs
        },
        "type": {
            lookups.type_slugs[key]: count
            for key, count in found.scalars["type"].items()
            if key in lookups.type_slugs
        },
        "region": found.scalars["region"],
        "department": found.scalars["department"],
        "status": found.scalars["status"],
        "label": {
            label_slugs[key]: count for key, count in found.labels.items() if key in label_slugs
        },
        "concept_rows": found.concepts,
        "concept": {row["concept__slug"]: row["count"] for row in found.concepts},
        "facets_exact": found.facets_exact,
        "total_exact": found.total_exact,
    }
    return found.total, counts


def exact_count_limit() -> int:
    """Above how many matches of its words a search is counted from a sample (PostgreSQL)."""
    return max(int(getattr(settings, "OCIM_DIRECTORY_EXACT_COUNT_LIMIT", 4000)), 1)


def _cache_seconds() -> int:
    return getattr(settings, "OCIM_DIRECTORY_CACHE_SECONDS", 300)


def _cache_prefix(filters: ActorFilters) -> str:
    """The cache key of ``filters`` under the search index's current generation, which every
    write of the index renews: a saved actor is counted and listed at once."""
    fingerprint = hashlib.sha256(
        json.dumps(sorted(filters.as_query()), ensure_ascii=False).encode()
    ).hexdigest()
    return f"inventory-directory:{search_generation()}:{fingerprint}"


def _cached(key: str | None, compute):
    if key is None:
        return compute()
    # The counts cache: one entry per distinct search (see settings.CACHES).
    found = caches["search"].get(key)
    if found is None:
        found = compute()
        caches["search"].set(key, found, _cache_seconds())
    return found


# The columns of an actor the directory's list shows (the others are loaded if asked for), in
# the model's order (as ``Model.from_db`` takes them).
_PAGE_FIELDS = tuple(
    field.attname
    for field in Actor._meta.concrete_fields
    if field.attname
    in {
        "id",
        "name",
        "slug",
        "status",
        "closed_year",
        "type_id",
        "family_id",
        "commune_id",
        "department_id",
        "region_id",
    }
)
_COMMUNE_FIELDS = tuple(
    field.attname
    for field in Commune._meta.concrete_fields
    if field.attname in {"insee_code", "name"}
)


def _page_actors(ids: list[int], lookups: _Lookups) -> list[Actor]:
    """The actors ``ids`` in that order, with what the list shows: their columns and their
    commune's name in one narrow query, their type, family, department and region from the
    lookups the process keeps (a query joining five tables and building six models an actor
    cost 3 ms a page). Any other field is loaded if something asks for it."""
    if not ids:
        return []
    database = Actor.objects.db
    types = {item.pk: item for item in lookups.types}
    departments = {item.code: item for item in lookups.departments}
    fields = {name: Actor._meta.get_field(name) for name in ("type", "family", "department")}
    region_field, commune_field = Actor._meta.get_field("region"), Actor._meta.get_field("commune")
    found = {}
    for *values, commune_name in Actor.objects.filter(pk__in=ids).values_list(
        *_PAGE_FIELDS, "commune__name"
    ):
        actor = Actor.from_db(database, _PAGE_FIELDS, values)
        kind = types.get(actor.type_id)
        if kind is not None:
            fields["type"].set_cached_value(actor, kind)
            if kind.family_id == actor.family_id:
                fields["family"].set_cached_value(actor, kind.family)
        department = departments.get(actor.department_id)
        if department is not None:
            fields["department"].set_cached_value(actor, department)
            if department.region_id == actor.region_id:
                region_field.set_cached_value(actor, department.region)
        if actor.commune_id:
            commune_field.set_cached_value(
                actor,
                Commune.from_db(
                    database,
                    _COMMUNE_FIELDS,
                    [
                        {"insee_code": actor.commune_id, "name": commune_name}[name]
                        for name in _COMMUNE_FIELDS
                    ],
                ),
            )
        found[actor.pk] = actor
    return [found[pk] for pk in ids if pk in found]


def directory_search(filters: ActorFilters, *, page: int = 1) -> DirectoryResults:
    """The page ``page`` (clamped to the pages there are) of the actors passing ``filters``,
    best match first when there are words to search and at most ``RANKED_MATCHES`` matches
    (then by name), by name otherwise; with the facet counts, each facet counted without its
    own filter.

    The counts and the ids of each page are cached (``OCIM_DIRECTORY_CACHE_SECONDS``, 300 by
    default; 0 turns the cache off) under the index's generation."""
    words = query_words(filters.q)
    no_words = bool(filters.q) and not words
    lookups = _lookups(filters)
    prefix = _cache_prefix(filters) if _cache_seconds() else None
    # The ids of the page asked for, listed with the counts when they are computed (PostgreSQL:
    # a search, or a listing filtered by labels or concepts).
    pages = {"start": (max(page, 1) - 1) * ACTORS_PER_PAGE}
    total, counts = _cached(prefix and f"{prefix}:counts", lambda: _counts(filters, lookups, pages))

    actors = actors_filtered(filters)
    rank = actor_search_rank(filters.q) if words and total <= RANKED_MATCHES else None
    if rank is not None:
        actors = actors.annotate(rank=rank).order_by(F("rank").desc(), "name", "pk")
    else:
        actors = actors.order_by("name", "pk")
    total_exact = counts.get("total_exact", True)
    # An estimated total (a search matching many actors): the first ``exact_count_limit()``
    # can be paged through, as search engines do.
    reachable = total if total_exact else min(total, exact_count_limit())
    paginator = _CountedPaginator(actors, ACTORS_PER_PAGE, total=reachable)
    number = min(max(page, 1), paginator.num_pages)
    start = (number - 1) * ACTORS_PER_PAGE
    # Ids first (a narrow sort), then the rows of the page.
    ids = (
        _cached(
            prefix and f"{prefix}:page:{number}",
            lambda: (
                pages["ids"]
                if "ids" in pages and pages["start"] == start
                else list(actors.values_list("pk", flat=True)[start : start + ACTORS_PER_PAGE])
            ),
        )
        if reachable
        else []
    )
    return DirectoryResults(
        filters=filters,
        total=total,
        page=Page(_page_actors(ids, lookups), number, paginator),
        facets=_facets(filters, lookups, counts),
        problems=_unknown_values(filters, lookups),
        no_words=no_words,
        facets_exact=counts.get("facets_exact", True),
        total_exact=total_exact,
    )


# --- The actor page --------------------------------------------------------------------------


def actor_public_get(slug: str) -> Actor | None:
    """The actor with ``slug`` and everything its public page shows, in a constant number of
    queries; None when there is none. Contacts (staff only) are not loaded."""
    actors: QuerySet[Actor] = Actor.objects.select_related(
        "type__family", "family", "commune", "department", "region", "parent", "image"
    ).prefetch_related(
        "labels",
        "concepts",
        Prefetch(
            "children",
            queryset=Actor.objects.order_by("name", "pk").only("pk", "name", "slug", "parent_id"),
        ),
        Prefetch("visitor_counts", queryset=ActorVisitorCount.objects.order_by("-year")),
    )
    return actors.filter(slug=slug).first()
