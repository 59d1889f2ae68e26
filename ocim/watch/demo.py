"""Builds the watch's demonstration content: source categories, nine sources (French and English
feeds in RSS 1.0 and 2.0, Atom and JSON Feed, and a web page read with extraction rules), and
their items, made by running the feed files shipped in ``data/demo/`` through the pipeline
(``source_document_ingest``), as the fetcher would after reading them. Nothing is fetched.

The sources' addresses are invented (``.example``, a domain that never resolves), so the
sources are paused with a reason saying so: the scheduler never tries to read them. Dates in
the files are written relative to the day the demo is built (``{{rfc822:-3d 09:30}}``: three
days ago at 09:30, in the site's time zone), so the stream always looks current.

``watch_demo_ensure()`` is idempotent: sources are found again by their address; a source that
already has items is not read again. A few items are starred and curated, as a curator would.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from ocim.core.demo import register_demo_builder
from ocim.core.models import Concept, Department
from ocim.inventory.filters import ActorFilters
from ocim.inventory.selectors import actors_filtered

from .models import Item, ItemSighting, Source, SourceCategory, SourceKind, SourceState
from .pipeline.ingest import source_document_ingest
from .search import items_index
from .services import item_mark, source_save

DATA = Path(__file__).parent / "data" / "demo"
PAUSE_REASON = (
    "Source de démonstration : ses articles viennent d'un fichier livré avec la démo "
    "(son adresse est fictive)."
)
CATEGORIES = (
    "Musées et patrimoine",
    "Culture scientifique",
    "Institutions",
    "Presse",
    "Réseaux professionnels",
    "Recherche et science ouverte",
)

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml"


@dataclass(frozen=True)
class DemoSource:
    file: str
    content_type: str
    title: str
    url: str
    site_url: str
    categories: tuple[str, ...]
    concepts: tuple[str, ...] = ()
    language: str = ""
    department: str = ""
    actor: str = ""  # the name of an inventory demo actor
    kind: str = SourceKind.FEED
    extraction_rules: dict = field(default_factory=dict)
    description: str = ""


SOURCES = (
    DemoSource(
        file="museum-garnier.xml",
        content_type=RSS,
        title="Muséum Hélène-Garnier — Actualités",
        url="https://museum-garnier.example/actualites/flux.xml",
        site_url="https://museum-garnier.example/",
        categories=("Musées et patrimoine",),
        concepts=("natural-history-museum", "collections"),
        language="fr",
        actor="Muséum Hélène-Garnier",
        description="Les actualités du muséum : expositions, collections, recrutements.",
    ),
    DemoSource(
        file="phare-des-sciences.xml",
        content_type=ATOM,
        title="Le Phare des Sciences — Agenda",
        url="https://phare-sciences.example/atom.xml",
        site_url="https://phare-sciences.example/",
        categories=("Culture scientifique",),
        concepts=("science-centre", "scientific-mediation"),
        language="fr",
        actor="Le Phare des Sciences",
    ),
    DemoSource(
        file="ministere-communiques.xml",
        content_type="text/xml",
        title="Ministère (démonstration) — Communiqués",
        url="https://ministere-culture.example/communiques/rss",
        site_url="https://ministere-culture.example/",
        categories=("Institutions",),
        concepts=("cultural-policy",),
        language="fr",
    ),
    DemoSource(
        # Declares ISO-8859-1: the pipeline reads it in its own charset.
        file="quotidien-patrimoine.xml",
        content_type="application/rss+xml",
        title="Le Quotidien du patrimoine (démonstration)",
        url="https://quotidien-patrimoine.example/rss",
        site_url="https://quotidien-patrimoine.example/",
        categories=("Presse", "Musées et patrimoine"),
    ),
    DemoSource(
        file="reseaux-csti.json",
        content_type="application/feed+json",
        title="La Lettre des réseaux de culture scientifique (démonstration)",
        url="https://reseaux-csti.example/feed.json",
        site_url="https://reseaux-csti.example/",
        categories=("Réseaux professionnels", "Culture scientifique"),
        concepts=("professional-networks",),
        language="fr",
    ),
    DemoSource(
        file="museum-practice.xml",
        content_type=ATOM,
        title="Museum Practice Weekly (demo)",
        url="https://museum-practice.example/feed.atom",
        site_url="https://museum-practice.example/",
        categories=("Presse",),
        concepts=("museology",),
        language="en",
    ),
    DemoSource(
        file="science-centre-news.rdf",
        content_type="application/rdf+xml",
        title="Science Centre World News (demo)",
        url="https://science-centre-news.example/rss",
        site_url="https://science-centre-news.example/",
        categories=("Culture scientifique", "Presse"),
        concepts=("science-centre",),
        language="en",
    ),
    DemoSource(
        file="open-science-heritage.xml",
        content_type=RSS,
        title="Open Science & Heritage Blog (demo)",
        url="https://open-heritage.example/feed",
        site_url="https://open-heritage.example/",
        categories=("Recherche et science ouverte",),
        concepts=("open-data", "open-science"),
        language="en",
    ),
    DemoSource(
        file="jardins-agenda.html",
        content_type="text/html; charset=utf-8",
        title="Agenda des jardins botaniques (démonstration)",
        url="https://jardins-botaniques.example/agenda/",
        site_url="https://jardins-botaniques.example/",
        categories=("Culture scientifique",),
        concepts=("botanical-garden",),
        language="fr",
        actor="Jardin botanique des Hautes-Terres",
        kind=SourceKind.PAGE,
        extraction_rules={
            "engine": "css",
            "item": "article.evenement",
            "title": "h2",
            "link": "h2 a",
            "date": "time",
            "summary": "p.chapo",
        },
    ),
)

# Items a curator would have kept (starred, curated), by link.
STARRED = (
    "https://ministere-culture.example/communiques/appel-projets-csti-2027",
    "https://museum-garnier.example/actualites/herbier-numerise",
)
CURATED = (
    "https://museum-garnier.example/actualites/herbier-numerise",
    "https://reseaux-csti.example/observatoire-publics",
    "https://phare-sciences.example/actualites/planetarium-itinerant",
)


@dataclass
class WatchDemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


_DATE = re.compile(r"\{\{(rfc822|iso):-(\d+)d (\d\d):(\d\d)\}\}")


def feed_dated(text: str, *, now: dt.datetime) -> str:
    """``text`` with its date placeholders written as dates before ``now`` (see the module
    docstring); a date that would fall after ``now`` is ``now``."""
    local_now = timezone.localtime(now)

    def replace(match: re.Match) -> str:
        style, days, hour, minute = match.group(1), *map(int, match.groups()[1:])
        day = local_now.date() - dt.timedelta(days=days)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
        moment = min(moment, local_now)
        return format_datetime(moment) if style == "rfc822" else moment.isoformat()

    return _DATE.sub(replace, text)


def _document(demo: DemoSource, *, now: dt.datetime) -> bytes:
    raw = (DATA / demo.file).read_bytes()
    encoding = "iso-8859-1" if b'encoding="ISO-8859-1"' in raw[:100] else "utf-8"
    return feed_dated(raw.decode(encoding), now=now).encode(encoding)


def _actor(name: str):
    if not name:
        return None
    for actor in actors_filtered(ActorFilters(q=name))[:20]:
        if actor.name == name:
            return actor
    return None


def _categories(report: WatchDemoReport) -> dict[str, SourceCategory]:
    categories = {}
    for name in CATEGORIES:
        category, created = SourceCategory.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
        if created:
            report.add(f"watch category {name}")
        categories[name] = category
    return categories


def _source(demo: DemoSource, categories, report: WatchDemoReport) -> Source:
    source = Source.objects.filter(url=demo.url).first()
    if source is not None:
        return source
    department = (
        Department.objects.filter(code=demo.department).first() if demo.department else None
    )
    source = Source(
        title=demo.title,
        url=demo.url,
        site_url=demo.site_url,
        kind=demo.kind,
        description=demo.description,
        language=demo.language,
        extraction_rules=demo.extraction_rules,
        department=department,
        actor=_actor(demo.actor),
        state=SourceState.PAUSED,
        state_reason=PAUSE_REASON,
    )
    source_save(
        source,
        categories=[categories[name] for name in demo.categories],
        concepts=list(Concept.objects.filter(slug__in=demo.concepts)),
    )
    report.add(f"watch source {demo.title}")
    return source


def _ingest(demo: DemoSource, source: Source, *, now: dt.datetime, report) -> list[int]:
    if ItemSighting.objects.filter(source=source).exists():
        return []
    ingested = source_document_ingest(
        source=source,
        body=_document(demo, now=now),
        content_type=demo.content_type,
        encoding=None,
        final_url=source.url,
        fetched_at=now,
    )
    report.add(
        f"watch items of {demo.title}: {ingested.new_items} new, "
        f"{ingested.new_sightings} seen elsewhere first"
    )
    return ingested.new_item_ids


def watch_demo_ensure() -> WatchDemoReport:
    """Create the watch's demonstration content if it is missing (see the module docstring).
    Concepts are attached when the thesaurus is loaded; actors when the inventory's demo is."""
    report = WatchDemoReport()
    now = timezone.now()
    categories = _categories(report)
    new_ids: list[int] = []
    # Sources of the same story are read in order: the first becomes the item, the others
    # sightings or near-duplicates grouped with it.
    for demo in SOURCES:
        source = _source(demo, categories, report)
        new_ids += _ingest(demo, source, now=now, report=report)
    if new_ids:
        items_index(new_ids)
        for url_value in STARRED:
            for item in Item.objects.filter(canonical_url=url_value):
                item_mark(item, mark="starred", value=True)
        for url_value in CURATED:
            for item in Item.objects.filter(canonical_url=url_value):
                item_mark(item, mark="curated", value=True)
    return report


register_demo_builder("watch", watch_demo_ensure, order=40)
