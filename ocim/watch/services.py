"""Writes of the curators' back office: sources (create, edit, pause, delete), their import
from OPML, the marks curators put on items (starred, curated) and each reader's read marks.

The fetch state and health record of a source are the fetcher's (``ocim.watch.fetching``);
items are what the sources said (``ocim.watch.pipeline``): nothing here rewrites them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ocim.core.audit import audit_entry, audit_log, audit_log_many
from ocim.core.errors import ApplicationError, ConflictError
from ocim.core.fetch import FetchError, literal_address, parse_url
from ocim.core.fetch.addresses import HostError, refusal

from .fetching import source_reset
from .fetching.discovery import Discovery, FeedCandidate, feeds_discover
from .models import (
    MAX_SAVED_FILTERS,
    Item,
    ItemRead,
    ItemSighting,
    SavedFilter,
    Source,
    SourceCategory,
    SourceKind,
    SourceState,
)
from .opml import OpmlFeed, opml_read
from .pipeline.errors import ExtractionRulesError
from .pipeline.full_text import FullTextSelectorError, main_text_selector_compile
from .pipeline.pages import extraction_rules_clean

URL_MAX_LENGTH = Source._meta.get_field("url").max_length
TITLE_MAX_LENGTH = Source._meta.get_field("title").max_length
CATEGORY_MAX_LENGTH = SourceCategory._meta.get_field("name").max_length
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Fields of a source a curator edits, compared to record what changed.
EDITABLE_FIELDS = (
    "title",
    "url",
    "site_url",
    "kind",
    "description",
    "region_id",
    "department_id",
    "actor_id",
    "language",
    "fetch_full_text",
    "full_text_selector",
    "extraction_rules",
    "state",
    "state_reason",
)


class SourceError(ApplicationError):
    """A source cannot be saved as given. ``field`` names the form field at fault (None when
    the problem is the whole source)."""

    default_message = _("This source cannot be saved.")
    default_code = "source_invalid"

    def __init__(self, message=None, *, field: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.field = field


# --- Checks ----------------------------------------------------------------------------------


def source_url_clean(value: str, *, field_name: str = "url") -> str:
    """``value`` as the canonical address the watch stores: an absolute http(s) URL by the
    fetcher's own rules (``ocim.core.fetch.parse_url``), scheme and host in lower case, the
    default port and the fragment dropped. A host written as an IP address must be one the
    fetcher may reach. Raises ``SourceError`` with a translated message."""
    value = (value or "").strip()
    if not value:
        raise SourceError(_("Give the address."), field=field_name)
    try:
        url = parse_url(value)
        address = literal_address(url.host)
    except (FetchError, HostError) as error:
        message = getattr(error, "message", _("This web address is not valid."))
        raise SourceError(message, field=field_name) from error
    if address is not None and refusal(address) is not None:
        raise SourceError(
            _(
                "This address points to a private, local or reserved network: the watch "
                "cannot read it."
            ),
            field=field_name,
        )
    if url.port == _DEFAULT_PORTS.get(url.scheme):
        url = url.copy_with(port=None)
    text = str(url.copy_with(fragment=None))
    if len(text) > URL_MAX_LENGTH:
        raise SourceError(
            _("The address is longer than %(count)s characters.") % {"count": URL_MAX_LENGTH},
            field=field_name,
        )
    return text


def source_language_clean(value: str) -> str:
    """A language tag in lower case ("fr", "en-gb"); empty stays empty."""
    value = (value or "").strip().lower().replace("_", "-")
    if value and not _LANGUAGE.match(value):
        raise SourceError(
            _("“%(value)s” is not a language code (fr, en, de…).") % {"value": value[:20]},
            field="language",
        )
    return value


def source_extraction_rules_clean(kind: str, rules) -> dict:
    """The extraction rules a source keeps: none for a feed; for a web page, the rules as the
    pipeline validates and normalises them (``pipeline.pages.extraction_rules_clean``: each
    selector must compile with its engine). Raises ``SourceError`` whose ``extra["errors"]``
    maps each faulty rule to its message."""
    if kind != SourceKind.PAGE:
        return {}
    if not rules:
        raise SourceError(
            _("A web page without a feed needs extraction rules (how to find its items)."),
            field="extraction_rules",
        )
    try:
        return extraction_rules_clean(rules)
    except ExtractionRulesError as error:
        raise SourceError(
            error.message, field="extraction_rules", extra={"errors": error.extra.get("errors")}
        ) from error


def source_full_text_selector_clean(value: str) -> str:
    """The CSS selector of a source's main text on its linked pages ("" for none): it must
    compile (``pipeline.full_text.main_text_selector_compile``)."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        main_text_selector_compile(value)
    except FullTextSelectorError as error:
        raise SourceError(error.message, field="full_text_selector") from error
    return value


def _source_clean(source: Source) -> None:
    source.title = " ".join((source.title or "").split())[:TITLE_MAX_LENGTH]
    if not source.title:
        raise SourceError(_("Give the source a title."), field="title")
    source.url = source_url_clean(source.url)
    if source.site_url:
        source.site_url = source_url_clean(source.site_url, field_name="site_url")
    source.language = source_language_clean(source.language)
    source.extraction_rules = source_extraction_rules_clean(source.kind, source.extraction_rules)
    source.full_text_selector = source_full_text_selector_clean(source.full_text_selector)
    if source.department_id:
        region_id = source.department.region_id
        if source.region_id and source.region_id != region_id:
            raise SourceError(
                _("The department is not in the region chosen: choose one or the other."),
                field="department",
            )
        source.region_id = region_id
    duplicate = Source.objects.filter(url=source.url).exclude(pk=source.pk).first()
    if duplicate is not None:
        raise SourceError(
            _("The watch already reads this address: “%(title)s”.") % {"title": duplicate.title},
            field="url",
        )


# --- Sources ---------------------------------------------------------------------------------


def _snapshot(source: Source) -> dict:
    return {name: getattr(source, name) for name in EDITABLE_FIELDS}


def _state_apply(source: Source, before: dict | None, *, now: dt.datetime) -> str | None:
    """Record a change of state made by a curator; returns what happened ("paused",
    "resumed", "reset" for a source paused automatically that the fetcher's reset resumes,
    or None)."""
    old_state = before["state"] if before else None
    if source.state == old_state:
        return None
    if source.state == SourceState.SUSPENDED:
        # Only the fetcher suspends a source (after repeated failures).
        raise SourceError(
            _("A source is paused automatically by the fetcher, not by hand: pause it instead."),
            field="state",
        )
    if old_state == SourceState.SUSPENDED and source.state == SourceState.ACTIVE:
        # Resumed by the fetcher's reset (errors cleared, read again soon), after the save.
        source.state = SourceState.SUSPENDED
        return "reset"
    source.state_changed_at = now
    if source.state == SourceState.ACTIVE:
        source.state_reason = ""
        source.next_fetch_at = now
        return "resumed" if old_state else None
    return "paused"


# Columns a curator's save writes on an existing source: the fetcher writes the others at any
# time (leases, validators, health), and a form loaded a moment ago must not overwrite them.
_SAVED_FIELDS = (
    *EDITABLE_FIELDS,
    "state_changed_at",
    "updated_at",
)


@transaction.atomic
def source_save(
    source: Source,
    *,
    user=None,
    categories: Iterable[SourceCategory] | None = None,
    concepts: Iterable | None = None,
) -> Source:
    """Create or update ``source`` as a curator gave it, with its ``categories`` and
    ``concepts`` when given (None keeps them).

    Rules: the address must be one the fetcher may read (``source_url_clean``) and not already
    watched; a web page needs valid extraction rules; the region follows the department; a
    curator may pause or resume a source, never suspend it (the fetcher does after failures);
    resuming a source paused automatically is the fetcher's reset (``source_reset``: errors
    cleared). A new or resumed source, or one whose address changed, is due at once (a new
    address also forgets the conditional-GET validators of the old one). Only the columns a
    curator edits are written: the fetcher's, written meanwhile, stay. Audited
    (``watch.source.created``, ``.changed``, ``.paused``, ``.resumed``, ``.reset``). Raises
    ``SourceError`` (nothing written)."""
    now = timezone.now()
    before = None
    if source.pk:
        stored = Source.objects.filter(pk=source.pk).first()
        before = _snapshot(stored) if stored is not None else None
    _source_clean(source)
    verb = _state_apply(source, before, now=now)
    created = before is None
    fields = list(_SAVED_FIELDS)
    if created:
        source.next_fetch_at = now
        if source.state != SourceState.ACTIVE:
            source.state_changed_at = now
    elif verb == "resumed":
        fields.append("next_fetch_at")
    if not created and before["url"] != source.url:
        source.etag = source.last_modified = ""
        source.next_fetch_at = now
        fields += ["etag", "last_modified", "next_fetch_at"]
    try:
        with transaction.atomic():
            if created:
                source.save()
            else:
                source.save(update_fields=sorted(set(fields)))
    except IntegrityError as error:
        # Another curator saved the same address meanwhile (the unique constraint decides).
        raise SourceError(
            _("The watch already reads this address."), field="url", code="source_duplicate"
        ) from error
    if categories is not None:
        source.categories.set(categories)
    if concepts is not None:
        source.concepts.set(concepts)
    if created:
        audit_log(action="watch.source.created", actor=user, obj=source, data={"url": source.url})
    else:
        after = _snapshot(source)
        changed = sorted(key for key in EDITABLE_FIELDS if before[key] != after[key])
        if verb == "reset":
            changed = sorted({*changed, "state"})
        if changed or categories is not None or concepts is not None:
            audit_log(
                action="watch.source.changed", actor=user, obj=source, data={"fields": changed}
            )
    if verb == "reset":
        source_reset(source=source, actor=user)
    elif verb:
        audit_log(
            action=f"watch.source.{verb}",
            actor=user,
            obj=source,
            data={"reason": source.state_reason},
        )
    return source


@dataclass(frozen=True)
class SourceDeletionImpact:
    items_deleted: int  # items seen in this source only
    items_kept: int  # of those, starred, curated or published: they block the deletion
    items_moved: int  # first seen here but also carried by another source: they stay


def source_deletion_impact(source: Source) -> SourceDeletionImpact:
    """What deleting ``source`` would do to the items first seen in it (three queries)."""
    first = Item.objects.filter(source=source)
    elsewhere = ItemSighting.objects.filter(item_id__in=first.values("pk")).exclude(source=source)
    moved = first.filter(pk__in=elsewhere.values("item_id"))
    only_here = first.exclude(pk__in=elsewhere.values("item_id"))
    kept = only_here.filter(Q(starred=True) | Q(curated=True) | Q(published=True))
    return SourceDeletionImpact(
        items_deleted=only_here.count(), items_kept=kept.count(), items_moved=moved.count()
    )


@transaction.atomic
def source_delete(source: Source, *, user=None) -> SourceDeletionImpact:
    """Delete ``source`` with its sightings and the items seen in it alone. Items it shares
    with other sources stay: their first source becomes the earliest other source that
    carried them. Refused (``ConflictError``, nothing written) while an item seen only here is
    starred, curated or published: pause the source instead. Audited
    (``watch.source.deleted``)."""
    locked = Source.objects.select_for_update().filter(pk=source.pk).first()
    if locked is None:
        raise ConflictError(_("This source no longer exists."))
    impact = source_deletion_impact(locked)
    if impact.items_kept:
        raise ConflictError(
            _(
                "%(count)s item(s) seen only in this source are starred, curated or published: "
                "they would be lost. Pause the source instead, or unmark them first."
            )
            % {"count": impact.items_kept},
            code="source_has_kept_items",
        )
    moved = Item.objects.filter(source=locked).filter(
        pk__in=ItemSighting.objects.exclude(source=locked).values("item_id")
    )
    for item_id in moved.values_list("pk", flat=True).iterator():
        other = (
            ItemSighting.objects.filter(item_id=item_id)
            .exclude(source=locked)
            .order_by("seen_at", "pk")
            .values_list("source_id", flat=True)
            .first()
        )
        Item.objects.filter(pk=item_id).update(source_id=other)
    audit_log(
        action="watch.source.deleted",
        actor=user,
        obj=locked,
        data={
            "url": locked.url,
            "items_deleted": impact.items_deleted,
            "items_moved": impact.items_moved,
        },
    )
    locked.delete()
    return impact


# --- Finding a website's feeds ------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveredFeed:
    """A feed found from a website's address, as the curator chooses it: the candidate read by
    the fetcher, its address as the watch would store it, and the source that already reads it
    (None when it is new to the watch)."""

    candidate: FeedCandidate
    url: str
    watched: Source | None
    language: str  # the feed's own language, as a source keeps it ("" when unusable)


@dataclass(frozen=True)
class SourceDiscovery:
    discovery: Discovery
    feeds: list[DiscoveredFeed]
    # A web page source already reading the address given (or where it led).
    page_watched: Source | None


def source_discover(address: str, *, fetch=None) -> SourceDiscovery:
    """The feeds found from ``address`` (``fetching.discovery.feeds_discover``: the address
    itself, the feeds its page announces, feed-like links, usual places), each with the source
    already reading it. Writes nothing. Raises ``DiscoveryError`` (translated message) when the
    address cannot be read at all."""
    kwargs = {"fetch": fetch} if fetch is not None else {}
    discovery = feeds_discover(address, **kwargs)
    feeds: list[DiscoveredFeed] = []
    seen: set[str] = set()
    for candidate in discovery.candidates:
        try:
            url = source_url_clean(candidate.url)
        except SourceError:
            continue  # an address the watch could not store (too long): not offered
        if url in seen:
            continue
        seen.add(url)
        try:
            language = source_language_clean(candidate.language)
        except SourceError:
            language = ""
        feeds.append(DiscoveredFeed(candidate, url, None, language))
    pages = set()
    for value in (discovery.address, discovery.final_url):
        with contextlib.suppress(SourceError):
            pages.add(source_url_clean(value))
    watched = {
        source.url: source
        for source in Source.objects.filter(url__in=seen | pages).only("pk", "title", "url", "kind")
    }
    feeds = [
        DiscoveredFeed(feed.candidate, feed.url, watched.get(feed.url), feed.language)
        for feed in feeds
    ]
    page_watched = next((watched[url] for url in pages if url in watched and url not in seen), None)
    return SourceDiscovery(discovery=discovery, feeds=feeds, page_watched=page_watched)


# --- Items -----------------------------------------------------------------------------------

_MARKS = {"starred": ("starred", "unstarred"), "curated": ("curated", "uncurated")}


def item_mark(item: Item, *, mark: str, value: bool, user=None) -> bool:
    """Set the curators' mark ``mark`` ("starred" or "curated") of ``item`` to ``value``.
    Starred and curated items are kept past the retention age. Returns True when the mark
    changed (then audited: ``watch.item.starred``, ``.unstarred``, ``.curated``,
    ``.uncurated``); setting a mark to its current value writes nothing."""
    if mark not in _MARKS:
        raise ValueError(f"unknown mark {mark!r}")
    with transaction.atomic():
        changed = Item.objects.filter(pk=item.pk).exclude(**{mark: value}).update(**{mark: value})
        if changed:
            verb = _MARKS[mark][0 if value else 1]
            audit_log(action=f"watch.item.{verb}", actor=user, obj=item)
    setattr(item, mark, value)
    return bool(changed)


# --- News drafted from an item ------------------------------------------------------------------


class NewsDraftError(ApplicationError):
    default_code = "news_draft_refused"


def news_index_for_drafts():
    """The news index new drafts go under: the site's default language's, else the first."""
    from django.conf import settings

    from ocim.publishing.models import NewsIndexPage

    return (
        NewsIndexPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        .order_by("path")
        .first()
        or NewsIndexPage.objects.order_by("path").first()
    )


def news_draft_allowed(user, index=None) -> bool:
    """Whether ``user`` may add a news page under the news index (Wagtail page permission)."""
    index = index or news_index_for_drafts()
    return index is not None and index.permissions_for_user(user).can_add_subpage()


def item_news_draft(item: Item, *, user):
    """Draft a news page from ``item`` under the news index, for an editor to finish and
    publish: its title, the date it was published, its plain-text summary as the lead, and a
    paragraph crediting its source with a link. Nothing is published. The item is then kept
    past retention (``published``) and points to the page; one draft per item (a second
    request says where the first is). Refused (``NewsDraftError``) without a news index or
    without the permission to add pages there. Audited (``watch.item.news_drafted``)."""
    from django.utils.html import format_html
    from wagtail.rich_text import RichText

    from ocim.publishing.models import NewsPage

    index = news_index_for_drafts()
    if index is None:
        raise NewsDraftError(_("The site has no news page index to put the draft in."))
    if not news_draft_allowed(user, index):
        raise NewsDraftError(
            _("You may not add news pages: ask an editor to draft this one."), status=403
        )
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("source").get(pk=item.pk)
        if locked.news_page_id is not None:
            raise NewsDraftError(_("A news page was already drafted from this item."))
        title = " ".join((locked.title or locked.canonical_url or locked.url or "").split())
        title = title[:255] or str(_("News from the watch"))
        base = slugify(title, allow_unicode=False)[:60].strip("-") or "veille"
        siblings = set(index.get_children().values_list("slug", flat=True))
        slug, number = base, 1
        while slug in siblings:
            number += 1
            slug = f"{base}-{number}"
        link = locked.canonical_url or locked.url
        source = locked.source.title if locked.source_id else ""
        if link:
            credit = format_html(
                '<p>{label} <a href="{url}">{name}</a></p>',
                label=_("Source:"),
                url=link,
                name=source or link,
            )
        else:
            credit = format_html("<p>{label} {name}</p>", label=_("Source:"), name=source)
        page = NewsPage(
            title=title,
            slug=slug,
            live=False,
            owner=user,
            date=timezone.localdate(locked.published_at),
            lead=locked.summary[:2000],
            body=[("paragraph", RichText(credit))],
        )
        index.add_child(instance=page)
        # A revision, so that the draft opens in the page editor like any other draft.
        page.save_revision(user=user)
        locked.news_page = page
        locked.published = True
        locked.save(update_fields=["news_page", "published"])
        audit_log(action="watch.item.news_drafted", actor=user, obj=locked, data={"page": page.pk})
    item.news_page, item.published = page, True
    return page


# --- Read marks ------------------------------------------------------------------------------


def item_read_set(item: Item, *, user, read: bool, now: dt.datetime | None = None) -> bool:
    """Mark ``item`` read (or unread) for ``user`` alone: one statement, whatever its state
    (opening an item marks it read; two tabs opening it at once are one mark). Returns True
    when the mark changed. Personal state: not audited."""
    if not read:
        deleted, _by_model = ItemRead.objects.filter(user=user, item=item).delete()
        return bool(deleted)
    table = connection.ops.quote_name(ItemRead._meta.db_table)
    read_at = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, item_id, read_at) VALUES (%s, %s, %s) "  # noqa: S608 - quoted name
            "ON CONFLICT DO NOTHING",
            [user.pk, item.pk, read_at],
        )
        return cursor.rowcount > 0


def items_read_all(items, *, user, up_to: int, now: dt.datetime | None = None) -> int:
    """Mark read for ``user`` every item of ``items`` (a queryset of items, the reading
    view's filters applied) up to the id ``up_to`` (the newest item when the page was shown:
    items found since then stay unread, as in a feed reader's "mark all as read"). One
    ``INSERT … SELECT`` however many items; returns how many were newly marked."""
    chosen = (
        items.filter(pk__lte=up_to)
        .exclude(Exists(ItemRead.objects.filter(user_id=user.pk, item_id=OuterRef("pk"))))
        .order_by()
        .annotate(chosen_id=F("pk"))  # a named column, for both databases
        .values("chosen_id")
    )
    select, params = chosen.query.sql_with_params()
    table = connection.ops.quote_name(ItemRead._meta.db_table)
    read_at = connection.ops.adapt_datetimefield_value(now or timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        # "WHERE true": SQLite reads "ON CONFLICT" after a bare SELECT as a join clause.
        cursor.execute(
            f"INSERT INTO {table} (user_id, item_id, read_at) "  # noqa: S608 - quoted name, the ORM's own SQL
            f"SELECT %s, chosen.chosen_id, %s FROM ({select}) AS chosen WHERE true "
            "ON CONFLICT DO NOTHING",
            [user.pk, read_at, *params],
        )
        return max(cursor.rowcount, 0)


# --- Saved filters ---------------------------------------------------------------------------


class SavedFilterError(ApplicationError):
    default_code = "saved_filter_invalid"


def saved_filter_create(*, user, name: str, query: str, shared: bool) -> SavedFilter:
    """Keep the stream's filters ``query`` (a query string checked by the stream's form) under
    ``name`` for ``user``, ``shared`` with the other curators or not. Names are unique per
    person whatever their case; at most ``MAX_SAVED_FILTERS`` each. Audited
    (``watch.saved_filter.created``)."""
    name = " ".join(name.split())
    with transaction.atomic():
        # At most MAX_SAVED_FILTERS names: compared in Python, where case folding knows every
        # alphabet (SQLite's only folds ASCII: "MUSÉUMS" would differ from "Muséums").
        names = list(
            SavedFilter.objects.select_for_update().filter(user=user).values_list("name", flat=True)
        )
        if name.casefold() in {other.casefold() for other in names}:
            raise SavedFilterError(
                _("You already have a saved filter named “%(name)s”: choose another name.")
                % {"name": name}
            )
        if len(names) >= MAX_SAVED_FILTERS:
            raise SavedFilterError(
                _("You keep %(count)s saved filters already: delete one first.")
                % {"count": MAX_SAVED_FILTERS}
            )
        try:
            with transaction.atomic():
                saved = SavedFilter.objects.create(user=user, name=name, query=query, shared=shared)
        except IntegrityError as error:  # the same name saved at the same moment
            raise SavedFilterError(
                _("You already have a saved filter named “%(name)s”: choose another name.")
                % {"name": name}
            ) from error
        audit_log(
            action="watch.saved_filter.created",
            actor=user,
            obj=saved,
            data={"query": query, "shared": shared},
        )
    return saved


def saved_filter_delete(saved: SavedFilter, *, user) -> None:
    """Delete ``saved``; only its owner may (``SavedFilterError`` otherwise). Audited."""
    if saved.user_id != user.pk:
        raise SavedFilterError(_("Only the person who saved this filter can delete it."))
    with transaction.atomic():
        audit_log(
            action="watch.saved_filter.deleted", actor=user, obj=saved, data={"name": saved.name}
        )
        saved.delete()


# --- OPML import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpmlProblem:
    line: int
    title: str
    message: str


@dataclass
class OpmlImportReport:
    created: list[Source] = field(default_factory=list)
    categories_created: list[str] = field(default_factory=list)
    # (line, title, the source already reading this address)
    already_watched: list[tuple[int, str, Source]] = field(default_factory=list)
    # (line, title, line of the first occurrence)
    repeated: list[tuple[int, str, int]] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    notes: list[OpmlProblem] = field(default_factory=list)


class OpmlImportError(ApplicationError):
    """The file was not imported; ``problems`` lists what to fix (an empty list when the
    message says it all)."""

    default_message = _("The file was not imported.")
    default_code = "opml_rejected"

    def __init__(self, message=None, *, problems: list[OpmlProblem] | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.problems = problems or []


@dataclass
class _Planned:
    feed: OpmlFeed
    source: Source
    categories: list[str]


def _category_key(name: str) -> str:
    return slugify(name) or name.casefold()


def _plan(feeds: list[OpmlFeed], report: OpmlImportReport) -> tuple[list[_Planned], list]:
    problems: list[OpmlProblem] = []
    planned: list[_Planned] = []
    first_line: dict[str, int] = {}
    for feed in feeds:
        title = feed.title or feed.url
        try:
            url = source_url_clean(feed.url)
        except SourceError as error:
            problems.append(OpmlProblem(feed.line, title, str(error.message)))
            continue
        site_url = ""
        if feed.site_url:
            try:
                site_url = source_url_clean(feed.site_url, field_name="site_url")
            except SourceError:
                report.notes.append(
                    OpmlProblem(
                        feed.line, title, str(_("Its website address is not valid: left out."))
                    )
                )
        try:
            language = source_language_clean(feed.language)
        except SourceError:
            language = ""
            report.notes.append(
                OpmlProblem(
                    feed.line,
                    title,
                    str(
                        _("Its language “%(value)s” is not a language code: left out.")
                        % {"value": feed.language[:20]}
                    ),
                )
            )
        if url in first_line:
            report.repeated.append((feed.line, title, first_line[url]))
            continue
        first_line[url] = feed.line
        for name in feed.categories:
            if len(name) > CATEGORY_MAX_LENGTH:
                problems.append(
                    OpmlProblem(
                        feed.line,
                        title,
                        str(
                            _("The folder name “%(name)s…” is longer than %(count)s characters.")
                            % {"name": name[:40], "count": CATEGORY_MAX_LENGTH}
                        ),
                    )
                )
        source = Source(
            title=" ".join((feed.title or "").split())[:TITLE_MAX_LENGTH]
            or (parse_url(url).host or url)[:TITLE_MAX_LENGTH],
            url=url,
            site_url=site_url,
            description=feed.description,
            language=language,
            kind=SourceKind.FEED,
        )
        planned.append(_Planned(feed=feed, source=source, categories=list(feed.categories)))
    return planned, problems


def sources_opml_import(*, data: bytes, user=None, file_name: str = "") -> OpmlImportReport:
    """Import the feeds of the OPML file ``data`` as sources, all or nothing.

    Folders become categories (created when missing, matched by name without case or
    accents); a feed whose address the watch already reads, or that the file lists twice, is
    reported and left alone; outlines that are neither feeds nor folders are reported. If the
    file cannot be read, or any feed's address is not one the fetcher may read, nothing is
    written and ``OpmlImportError`` lists every problem with its line. New sources are active
    and due at once. Audited: ``watch.source.created`` per source (``via`` OPML) and one
    ``watch.sources.imported``."""
    document = opml_read(data)  # OpmlFileError is an ApplicationError: the caller shows it
    report = OpmlImportReport(ignored=list(document.ignored))
    planned, problems = _plan(document.feeds, report)
    if problems:
        raise OpmlImportError(
            _(
                "Nothing was imported: %(count)s feed(s) of the file cannot be read by the "
                "watch. Correct them (or remove them from the file) and import it again."
            )
            % {"count": len({problem.line for problem in problems})},
            problems=problems,
        )
    existing = {
        source.url: source
        for source in Source.objects.filter(url__in=[entry.source.url for entry in planned])
    }
    wanted = []
    for entry in planned:
        if entry.source.url in existing:
            report.already_watched.append(
                (entry.feed.line, entry.feed.title or entry.source.url, existing[entry.source.url])
            )
        else:
            wanted.append(entry)
    try:
        with transaction.atomic():
            _opml_write(wanted, report, user=user, file_name=file_name)
    except IntegrityError as error:
        raise OpmlImportError(
            _(
                "Nothing was imported: some of these addresses were added by someone else "
                "meanwhile. Import the file again."
            ),
            code="opml_conflict",
        ) from error
    return report


def _opml_write(wanted: list[_Planned], report: OpmlImportReport, *, user, file_name) -> None:
    now = timezone.now()
    by_key = {_category_key(category.name): category for category in SourceCategory.objects.all()}
    by_key.update({category.slug: category for category in by_key.values()})
    new_categories = []
    for entry in wanted:
        for name in entry.categories:
            key = _category_key(name)
            if key not in by_key:
                category = SourceCategory(name=name, slug=_free_slug(key, by_key))
                by_key[key] = by_key[category.slug] = category
                new_categories.append(category)
    SourceCategory.objects.bulk_create(new_categories)
    report.categories_created = [category.name for category in new_categories]
    sources = [entry.source for entry in wanted]
    for source in sources:
        source.next_fetch_at = now
    # Both engines return the new keys (INSERT … RETURNING).
    Source.objects.bulk_create(sources)
    links = [
        Source.categories.through(source_id=entry.source.pk, sourcecategory_id=category.pk)
        for entry in wanted
        for category in {
            by_key[_category_key(name)].pk: by_key[_category_key(name)] for name in entry.categories
        }.values()
    ]
    Source.categories.through.objects.bulk_create(links)
    report.created = [entry.source for entry in wanted]
    audit_log_many(
        [
            audit_entry(
                action="watch.source.created",
                actor=user,
                obj=source,
                data={"url": source.url, "via": "opml"},
            )
            for source in report.created
        ]
        + [
            audit_entry(
                action="watch.sources.imported",
                actor=user,
                data={
                    "file": file_name[:200],
                    "created": len(report.created),
                    "already_watched": len(report.already_watched),
                    "repeated": len(report.repeated),
                    "categories_created": report.categories_created,
                },
            )
        ]
    )


def _free_slug(key: str, taken: dict) -> str:
    base = (slugify(key) or "categorie")[: SourceCategory._meta.get_field("slug").max_length - 4]
    slug, number = base, 2
    while slug in taken or SourceCategory.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug
