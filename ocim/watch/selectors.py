"""Reads of the curators' back office: the stream of items and its filters, an item with all
its sources, the sources' health, the sources an OPML export lists, and the items shown on an
actor's public page.

``items_filtered`` is the one place the stream's filters become a query; the reading view, its
counts and any export go through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from ocim.core.models import Concept
from ocim.core.selectors import concept_descendant_ids

from .models import (
    FetchLog,
    Item,
    ItemConcept,
    ItemRead,
    ItemSighting,
    SavedFilter,
    Source,
    SourceKind,
    SourceState,
    Story,
)
from .opml import OpmlSource
from .search import item_search_condition

# --- The stream ------------------------------------------------------------------------------


class Kept:
    STARRED = "starred"
    CURATED = "curated"


class ReadState:
    """The reader's own marks (``ItemRead``): unread items are those they have not opened
    nor marked read."""

    UNREAD = "unread"
    READ = "read"


@dataclass(frozen=True)
class ItemFilters:
    """The stream's filters. Values of one filter are alternatives (any of them); filters add
    up (all of them). Dates are days in the site's time zone, both ends included."""

    q: str = ""
    sources: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()
    concepts: tuple[int, ...] = ()
    families: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    story: int | None = None
    kept: str = ""
    # ReadState, for the reader given to ``items_filtered`` (ignored without one).
    read: str = ""

    @property
    def is_empty(self) -> bool:
        return self == ItemFilters()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _read_by(reader) -> Exists:
    return Exists(ItemRead.objects.filter(user_id=reader.pk, item_id=OuterRef("pk")))


def items_filtered(
    filters: ItemFilters, queryset: QuerySet[Item] | None = None, *, reader=None
) -> QuerySet:
    """The items passing ``filters``, newest first. A source (or category) filter finds the
    items any of its sources carried, not only those first seen there; a concept filter
    includes its narrower concepts; a region filter, the items tagged with one of its
    departments; the read filter, the items ``reader`` has read or not."""
    items = Item.objects.all() if queryset is None else queryset
    if filters.sources:
        items = items.filter(
            pk__in=ItemSighting.objects.filter(source_id__in=filters.sources).values("item_id")
        )
    if filters.categories:
        items = items.filter(
            pk__in=ItemSighting.objects.filter(source__categories__in=filters.categories).values(
                "item_id"
            )
        )
    if filters.concepts:
        wanted: set[int] = set()
        for concept in Concept.objects.filter(pk__in=filters.concepts):
            wanted |= concept_descendant_ids(concept)
        items = items.filter(
            pk__in=ItemConcept.objects.filter(concept_id__in=wanted).values("item_id")
        )
    if filters.families:
        through = Item.families.through
        items = items.filter(
            pk__in=through.objects.filter(actorfamily_id__in=filters.families).values("item_id")
        )
    if filters.regions or filters.departments:
        regions, departments = Item.regions.through, Item.departments.through
        territory = Q()
        if filters.regions:
            territory |= Q(
                pk__in=regions.objects.filter(region_id__in=filters.regions).values("item_id")
            ) | Q(
                pk__in=departments.objects.filter(department__region_id__in=filters.regions).values(
                    "item_id"
                )
            )
        if filters.departments:
            territory |= Q(
                pk__in=departments.objects.filter(department_id__in=filters.departments).values(
                    "item_id"
                )
            )
        items = items.filter(territory)
    if filters.languages:
        items = items.filter(language__in=filters.languages)
    if filters.date_from:
        items = items.filter(published_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        items = items.filter(published_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.story:
        items = items.filter(story_id=filters.story)
    if filters.kept == Kept.STARRED:
        items = items.filter(starred=True)
    elif filters.kept == Kept.CURATED:
        items = items.filter(curated=True)
    if reader is not None and filters.read == ReadState.UNREAD:
        items = items.filter(~_read_by(reader))
    elif reader is not None and filters.read == ReadState.READ:
        items = items.filter(_read_by(reader))
    if filters.q:
        condition = item_search_condition(filters.q)
        if condition is not None:
            items = items.filter(condition)
    return items.order_by("-published_at", "-id")


def item_stream(filters: ItemFilters, *, reader=None) -> QuerySet[Item]:
    """The stream of the reading view: ``items_filtered`` with what a listing shows (first
    source, story, number of sources, concepts), in a constant number of queries per page
    (the page, then its concepts; ``items_mark_read_state`` then says which the reader has
    read)."""
    source_count = (
        ItemSighting.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(count=Count("source_id", distinct=True))
        .values("count")
    )
    return (
        items_filtered(filters, reader=reader)
        .select_related("source", "story")
        .defer(
            "content_html",
            "content_text",
            "full_text",
            "summary_html",
            "source__description",
            "source__extraction_rules",
            "source__last_error",
        )
        .annotate(source_count=Subquery(source_count, output_field=IntegerField()))
        .prefetch_related(
            Prefetch(
                "concept_links",
                queryset=ItemConcept.objects.select_related("concept").order_by(
                    "concept__label_fr"
                ),
            )
        )
    )


def items_mark_read_state(items, *, reader) -> None:
    """Set ``is_read`` on each of ``items`` (a page of the stream) for ``reader``: one query
    through the (reader, item) unique index. Not an annotation of the stream's query: there
    PostgreSQL hashes every item the reader ever read to answer for thirty (50 ms at 120,000
    read items), whatever the page."""
    items = list(items)
    read = set(
        ItemRead.objects.filter(
            user_id=reader.pk, item_id__in=[item.pk for item in items]
        ).values_list("item_id", flat=True)
    )
    for item in items:
        item.is_read = item.pk in read


def saved_filters_for(user) -> list[SavedFilter]:
    """The saved filters ``user`` sees: their own and those the other curators shared, by
    name (one query, owners included)."""
    return list(
        SavedFilter.objects.filter(Q(user=user) | Q(shared=True))
        .select_related("user")
        .order_by("name", "pk")
    )


def item_newest_id() -> int:
    """The id of the newest item stored (0 when none): items found later have greater ids."""
    return Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@dataclass
class ItemDetail:
    item: Item
    sightings: list[ItemSighting]
    # The other items of its story (newest first, with their first source), at most STORY_LIMIT.
    story_items: list[Item] = field(default_factory=list)
    story_item_count: int = 0
    concept_links: list[ItemConcept] = field(default_factory=list)
    families: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    actors: list = field(default_factory=list)


STORY_LIMIT = 50


def item_detail(pk: int) -> ItemDetail | None:
    """The item ``pk`` with every source that carried it (first sighting first), the other
    items of its story and its classification; None when it does not exist."""
    item = Item.objects.select_related("source", "story").filter(pk=pk).first()
    if item is None:
        return None
    sightings = list(
        ItemSighting.objects.filter(item=item).select_related("source").order_by("seen_at", "pk")
    )
    detail = ItemDetail(item=item, sightings=sightings)
    if item.story_id:
        others = (
            Item.objects.filter(story_id=item.story_id)
            .exclude(pk=item.pk)
            .select_related("source")
            .only("id", "title", "url", "published_at", "language", "source__title", "source_id")
            .order_by("-published_at", "-id")
        )
        detail.story_items = list(others[:STORY_LIMIT])
        detail.story_item_count = (
            len(detail.story_items) if len(detail.story_items) < STORY_LIMIT else others.count()
        )
    detail.concept_links = list(
        ItemConcept.objects.filter(item=item)
        .select_related("concept", "rule")
        .order_by("concept__label_fr")
    )
    detail.families = list(item.families.all())
    detail.regions = list(item.regions.all())
    detail.departments = list(item.departments.all())
    detail.actors = list(item.actors.only("id", "name").order_by("name"))
    return detail


RULE_TRIAL_ITEMS = 1000
RULE_TRIAL_SHOWN = 20
# Characters of an item's content a trial reads (the classifier reads it all at ingest).
RULE_TRIAL_CONTENT = 20_000


@dataclass
class RuleTrial:
    """A rule tried on the latest items stored: how many were tried and matched, and the
    first matches (newest first)."""

    tried: int
    matched: int
    shown: list[Item]


def rule_trial(matcher, *, limit: int = RULE_TRIAL_ITEMS) -> RuleTrial:
    """``matcher`` (``pipeline.classify.rule_matcher``) on the ``limit`` items stored last, read
    as the classifier reads a new item (title, summary, content, link, author, source)."""
    from .pipeline.classify import ItemText

    items = (
        Item.objects.select_related("source")
        .only(
            "id",
            "title",
            "url",
            "author",
            "summary",
            "published_at",
            "source__title",
            "source__url",
        )
        .annotate(content_start=Substr("content_text", 1, RULE_TRIAL_CONTENT))
        .order_by("-id")[:limit]
    )
    tried = 0
    matched: list[Item] = []
    count = 0
    for item in items:
        tried += 1
        text = ItemText(
            title=item.title,
            summary=item.summary,
            content=item.content_start or "",
            url=item.url,
            author=item.author,
            source=f"{item.source.title} {item.source.url}",
        )
        if matcher(text):
            count += 1
            if len(matched) < RULE_TRIAL_SHOWN:
                matched.append(item)
    return RuleTrial(tried=tried, matched=count, shown=matched)


def item_get(pk: int) -> Item | None:
    return Item.objects.filter(pk=pk).first()


def story_get(pk: int) -> Story | None:
    return Story.objects.filter(pk=pk).first()


# --- Sources' health -------------------------------------------------------------------------


class HealthProblem:
    ERRORS = "errors"
    SUSPENDED = "suspended"
    NEVER = "never"
    SILENT = "silent"  # fetched fine but no new item for SILENT_DAYS


SILENT_DAYS = 30


@dataclass(frozen=True)
class HealthFilters:
    q: str = ""
    state: str = ""
    problem: str = ""
    category: int | None = None
    kind: str = ""


# Sort keys of the health view: (ordering fields ascending). Nulls sort last either way.
HEALTH_SORTS = {
    "title": "title",
    "state": "state",
    "last_fetch": "last_fetch_at",
    "status": "last_status",
    "share_304": "share_304",
    "errors": "consecutive_errors",
    "next_fetch": "next_fetch_at",
    "last_new_item": "last_new_item_at",
}
DEFAULT_HEALTH_SORT = "-errors"


def share_304_expression():
    return Case(
        When(fetch_count=0, then=Value(None)),
        default=Cast(F("not_modified_count"), FloatField()) / Cast(F("fetch_count"), FloatField()),
        output_field=FloatField(),
    )


def sources_health(filters: HealthFilters, *, sort: str = DEFAULT_HEALTH_SORT) -> QuerySet:
    """The sources with their health record, filtered and sorted (``sort`` is a key of
    ``HEALTH_SORTS``, "-" in front for descending; unknown keys fall back to the default).
    Annotated: ``share_304`` (answers 304 / fetches, None before the first fetch)."""
    sources = Source.objects.annotate(share_304=share_304_expression())
    if filters.q:
        sources = sources.filter(Q(title__icontains=filters.q) | Q(url__icontains=filters.q))
    if filters.state:
        sources = sources.filter(state=filters.state)
    if filters.kind:
        sources = sources.filter(kind=filters.kind)
    if filters.category:
        sources = sources.filter(
            pk__in=Source.categories.through.objects.filter(
                sourcecategory_id=filters.category
            ).values("source_id")
        )
    if filters.problem == HealthProblem.ERRORS:
        sources = sources.filter(consecutive_errors__gt=0)
    elif filters.problem == HealthProblem.SUSPENDED:
        sources = sources.filter(state=SourceState.SUSPENDED)
    elif filters.problem == HealthProblem.NEVER:
        sources = sources.filter(last_fetch_at__isnull=True)
    elif filters.problem == HealthProblem.SILENT:
        limit = timezone.now() - dt.timedelta(days=SILENT_DAYS)
        sources = sources.filter(last_success_at__isnull=False).filter(
            Q(last_new_item_at__lt=limit) | Q(last_new_item_at__isnull=True)
        )
    key = sort.removeprefix("-")
    if key not in HEALTH_SORTS:
        sort, key = DEFAULT_HEALTH_SORT, DEFAULT_HEALTH_SORT.removeprefix("-")
    column = F(HEALTH_SORTS[key])
    ordered = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    return sources.order_by(ordered, "title", "pk")


@dataclass(frozen=True)
class HealthSummary:
    total: int
    active: int
    paused: int
    suspended: int
    with_errors: int
    never_fetched: int


def sources_health_summary() -> HealthSummary:
    """Counts for the health view's header, in one query."""
    counts = Source.objects.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(state=SourceState.ACTIVE)),
        paused=Count("pk", filter=Q(state=SourceState.PAUSED)),
        suspended=Count("pk", filter=Q(state=SourceState.SUSPENDED)),
        with_errors=Count("pk", filter=Q(consecutive_errors__gt=0)),
        never_fetched=Count("pk", filter=Q(last_fetch_at__isnull=True)),
    )
    return HealthSummary(**counts)


FETCH_LOG_LIMIT = 50


def source_fetch_log(source: Source, *, limit: int = FETCH_LOG_LIMIT) -> list[FetchLog]:
    """The latest attempts to read ``source`` (the fetcher's log, kept a few days), newest
    first."""
    return list(FetchLog.objects.filter(source=source).order_by("-started_at", "-id")[:limit])


# --- OPML export -----------------------------------------------------------------------------


def sources_for_opml(*, category_id: int | None = None) -> list[OpmlSource]:
    """The feed sources (web pages read with extraction rules have no feed to list), by title,
    each with its categories by name; those of ``category_id`` only when given. Two queries."""
    sources = Source.objects.filter(kind=SourceKind.FEED).order_by("title", "pk")
    if category_id is not None:
        sources = sources.filter(categories=category_id)
    sources = sources.only("title", "url", "site_url", "description", "language").prefetch_related(
        "categories"
    )
    return [
        OpmlSource(
            title=source.title,
            url=source.url,
            site_url=source.site_url,
            description=source.description,
            language=source.language,
            categories=tuple(
                category.name
                for category in sorted(source.categories.all(), key=lambda c: c.name.casefold())
            ),
        )
        for source in sources
    ]


# --- An actor's public page ------------------------------------------------------------------


def items_about_actor(actor, *, limit: int = 5) -> list[Item]:
    """The latest items an actor's public page may list: those its own sources carried, and
    those that mention it once a curator has kept them (curated or published: a name found in
    a text is not proof enough to be shown to the public). One query."""
    own = ItemSighting.objects.filter(source__actor=actor).values("item_id")
    mentioned = Item.actors.through.objects.filter(actor=actor).values("item_id")
    return list(
        Item.objects.filter(
            Q(pk__in=own) | (Q(pk__in=mentioned) & (Q(curated=True) | Q(published=True)))
        )
        .exclude(url="")
        .select_related("source")
        .only("id", "title", "url", "canonical_url", "published_at", "source__title")
        .order_by("-published_at", "-id")[:limit]
    )
