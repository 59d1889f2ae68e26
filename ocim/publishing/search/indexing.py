"""Writes of the search index: one ``SearchDocument`` per live, public issue, article, news item
or web article, rebuilt from the page whenever something that changes what the public may find
changes (publication, unpublication, move, view restriction, the moving wall lifting).

The embargo rule is not decided here: ``ocim.publishing.access.article_is_open`` says whether an
article's body may be indexed. While it is closed, the body is simply not copied into the index,
so no query can match it and no snippet can show it.

One path writes the index, for one page or for thousands (``search_documents_update``): the
pages are read in batches with everything the documents need (authors, abstracts, keywords,
tags, parents, view restrictions) in a constant number of queries per batch, and the documents
are written with one statement per table per batch, so rebuilding the index of tens of
thousands of pages takes seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import get_text_for_indexing

from ..access import article_is_open, article_issue_and_magazine
from ..models import (
    ArticleAbstract,
    ArticleAuthor,
    ArticlePage,
    IssuePage,
    MagazinePage,
    NewsAuthor,
    NewsKind,
    NewsPage,
    NewsPageTag,
)
from . import text as search_text
from .models import SearchDocument, SearchDocumentKind, sample_bucket_of

logger = logging.getLogger(__name__)

INDEXED_TYPES = (ArticlePage, IssuePage, NewsPage)
# A tsvector holds at most 1 MB: the full text indexed is cut beyond this many characters.
MAX_INDEXED_CHARS = 300_000
PASSAGE_SEPARATOR = "\n\n"
# Pages read and documents written together: bounded memory, and at most a few thousand
# parameters per statement (PostgreSQL takes 65,535, SQLite 32,766).
BATCH_SIZE = 200
# What a new version of a document replaces (everything but its page).
UPDATED_FIELDS = [
    "kind",
    "language",
    "year",
    "date",
    "rubric",
    "title",
    "authors",
    "public_text",
    "body_text",
    "body_open",
    "terms_title",
    "terms_public",
    "terms_body",
    "sample_bucket",
    "indexed_at",
]


@dataclass
class Segment:
    weight: str  # "A" (title) … "D" (full text)
    language: str  # "fr", "en", or anything else for word-for-word matching
    text: str


@dataclass
class DocumentData:
    kind: str
    language: str
    title: str
    year: int | None = None
    date: dt.date | None = None
    rubric_id: int | None = None
    concept_ids: list[int] = field(default_factory=list)
    authors: str = ""
    public_passages: list[str] = field(default_factory=list)
    body_passages: list[str] = field(default_factory=list)
    body_open: bool = False
    segments: list[Segment] = field(default_factory=list)

    def add(self, weight: str, language: str, value: str) -> None:
        value = (value or "").strip()
        if value:
            self.segments.append(Segment(weight, language, value))


def _language(page: Page) -> str:
    return (page.locale.language_code or "fr").split("-")[0].lower()


def _other_language(language: str) -> str:
    return "en" if language == "fr" else "fr"


def _stream_passages(stream) -> list[str]:
    passages = []
    for block in stream:
        content = block.block.get_searchable_content(block.value)
        passage = " ".join(part.strip() for part in content if part and part.strip())
        if passage:
            passages.append(passage)
    return passages


def _concept_segments(data: DocumentData, concepts) -> None:
    for concept in concepts:
        data.concept_ids.append(concept.pk)
        data.add("B", "fr", " ".join([concept.label_fr, *concept.synonyms_fr]))
        data.add("B", "en", " ".join([concept.label_en, *concept.synonyms_en]))


# The builders below read the page's relations through ``.all()``: the loader
# (``_indexable_pages``) has prefetched them, so building a document costs no query.


def _article_data(article: ArticlePage, *, now: dt.datetime | None) -> DocumentData:
    language = _language(article)
    issue, _magazine = article_issue_and_magazine(article)
    data = DocumentData(
        kind=SearchDocumentKind.ARTICLE,
        language=language,
        title=article.title,
        rubric_id=article.rubric_id,
        year=issue.publication_date.year if issue else None,
        date=issue.publication_date if issue else None,
    )
    data.add("A", language, article.title)
    data.add("A", _other_language(language), article.translated_title)
    data.authors = ", ".join(author.person.full_name for author in article.authors.all())
    data.add("B", "simple", data.authors)
    data.add("B", language, article.free_keywords)
    _concept_segments(data, article.keywords.all())
    if article.translated_title:
        data.public_passages.append(article.translated_title)
    for abstract in article.abstracts.all():
        data.add("C", abstract.language, abstract.text)
        data.public_passages.append(abstract.text)
    if article.free_keywords:
        data.public_passages.append(article.free_keywords)
    # The one decision point of the moving wall: a closed body is not indexed at all.
    data.body_open = article_is_open(article, now=now)
    if data.body_open:
        data.body_passages = _stream_passages(article.body)
        data.add("D", language, PASSAGE_SEPARATOR.join(data.body_passages))
    return data


def _issue_data(issue: IssuePage) -> DocumentData:
    language = _language(issue)
    data = DocumentData(
        kind=SearchDocumentKind.ISSUE,
        language=language,
        title=issue.title,
        year=issue.publication_date.year,
        date=issue.publication_date,
    )
    data.add("A", language, issue.title)
    data.add("A", language, issue.dossier_title)
    data.authors = ", ".join(
        name for name in (issue.guest_editors, issue.editorial_signatory) if name
    )
    data.add("B", "simple", data.authors)
    data.add("C", language, issue.period_label)
    editorial = get_text_for_indexing(issue.editorial or "")
    data.add("C", language, editorial)
    data.public_passages = [value for value in (issue.dossier_title, editorial) if value]
    # The editorial is public from publication: an issue has no embargoed text of its own.
    data.body_open = True
    return data


def _news_data(news: NewsPage) -> DocumentData:
    language = _language(news)
    data = DocumentData(
        kind=(
            SearchDocumentKind.WEB_ARTICLE
            if news.kind == NewsKind.ARTICLE
            else SearchDocumentKind.NEWS
        ),
        language=language,
        title=news.title,
        year=news.date.year,
        date=news.date,
    )
    data.add("A", language, news.title)
    data.authors = ", ".join(author.person.full_name for author in news.authors.all())
    data.add("B", "simple", data.authors)
    data.add("B", language, " ".join(sorted(item.tag.name for item in news.tagged_items.all())))
    if news.category_id:
        data.add("B", language, news.category.name)
    data.add("C", language, news.lead)
    if news.lead:
        data.public_passages.append(news.lead)
    # News are public: the whole body is indexed.
    data.body_open = True
    data.body_passages = _stream_passages(news.body)
    data.add("D", language, PASSAGE_SEPARATOR.join(data.body_passages))
    return data


# --- Reading the pages ------------------------------------------------------------------------


def _loaders():
    """For each indexed type, its live pages with every relation a document needs."""
    authors = ArticleAuthor.objects.select_related("person").order_by("sort_order", "pk")
    return {
        ArticlePage: ArticlePage.objects.live()
        .select_related("locale")
        .prefetch_related(
            Prefetch("authors", queryset=authors),
            Prefetch("abstracts", queryset=ArticleAbstract.objects.order_by("sort_order", "pk")),
            "keywords",
        ),
        IssuePage: IssuePage.objects.live().select_related("locale"),
        NewsPage: NewsPage.objects.live()
        .select_related("locale", "category")
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=NewsAuthor.objects.select_related("person").order_by("sort_order", "pk"),
            ),
            Prefetch("tagged_items", queryset=NewsPageTag.objects.select_related("tag")),
        ),
    }


def _attach_article_parents(articles: list[ArticlePage]) -> None:
    """Give each article its issue and magazine (what ``access`` asks for) in two queries for
    the whole list; an article not where the page tree says it must be gets (None, None)."""
    steplen = ArticlePage.steplen
    issues = {
        issue.path: issue
        for issue in IssuePage.objects.filter(path__in={a.path[:-steplen] for a in articles})
    }
    magazines = {
        magazine.path: magazine
        for magazine in MagazinePage.objects.filter(path__in={p[:-steplen] for p in issues})
    }
    for article in articles:
        issue = issues.get(article.path[:-steplen])
        magazine = magazines.get(issue.path[:-steplen]) if issue is not None else None
        article._publishing_parents = (issue, magazine) if issue is not None else (None, None)


def _restricted_paths() -> tuple[str, ...]:
    """The paths of the pages under a view restriction (password, login, groups): their pages
    and every page below them are not public."""
    return tuple(PageViewRestriction.objects.values_list("page__path", flat=True).distinct())


def _indexable_pages(page_ids: list[int], restricted: tuple[str, ...]) -> dict[int, Page]:
    """The pages of ``page_ids`` that must have a document (live, public, of an indexed type),
    by id, as their specific instances with their relations loaded."""
    found: dict[int, Page] = {}
    for model, queryset in _loaders().items():
        pages = [
            page
            for page in queryset.filter(pk__in=page_ids)
            if not (restricted and page.path.startswith(restricted))
        ]
        if model is ArticlePage and pages:
            _attach_article_parents(pages)
        found.update((page.pk, page) for page in pages)
    return found


def _document_data(page: Page, *, now: dt.datetime | None) -> DocumentData:
    if isinstance(page, ArticlePage):
        return _article_data(page, now=now)
    if isinstance(page, IssuePage):
        return _issue_data(page)
    return _news_data(page)


# --- Writing the documents --------------------------------------------------------------------


def _terms(data: DocumentData, weights: str) -> str:
    return " ".join(
        stem
        for segment in data.segments
        if segment.weight in weights
        for stem in search_text.stems(segment.text[:MAX_INDEXED_CHARS], segment.language)
    )


def _postgres_vector_sql(segments: list[Segment]) -> tuple[str, list]:
    parts, params = [], []
    for segment in segments:
        config = search_text.PG_CONFIGS.get(segment.language, "simple")
        parts.append("setweight(to_tsvector(%s::regconfig, unaccent(%s)), %s)")
        params += [
            config,
            search_text.prepare_for_postgres(segment.text[:MAX_INDEXED_CHARS]),
            segment.weight,
        ]
    return " || ".join(parts) or "''::tsvector", params


def _write_postgres_columns(rows: list[tuple[int, DocumentData]]) -> None:
    """The PostgreSQL-only columns of each document, one statement for all of them: the rank
    vector (A to C: title, people and keywords, public text), the search vector (the rank
    vector and the full text, D, which always comes last), the title vector (A) and the copy of
    the concepts kept in the row (``concept_ids``, for counting)."""
    values, params = [], []
    for document_id, data in rows:
        head, head_params = _postgres_vector_sql([s for s in data.segments if s.weight != "D"])
        body, body_params = _postgres_vector_sql([s for s in data.segments if s.weight == "D"])
        title, title_params = _postgres_vector_sql([s for s in data.segments if s.weight == "A"])
        values.append(f"(%s::integer, {head}, {body}, {title}, %s::integer[])")
        params += [
            document_id,
            *head_params,
            *body_params,
            *title_params,
            sorted(set(data.concept_ids)),
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publishing_searchdocument d SET rank_vector = v.head, "  # noqa: S608 - only placeholders
            "search_vector = v.head || v.body, title_vector = v.title, concept_ids = v.concepts "
            f"FROM (VALUES {', '.join(values)}) AS v(id, head, body, title, concepts) "
            "WHERE d.id = v.id",
            params,
        )


def _documents_write(datas: dict[int, DocumentData]) -> dict[int, int]:
    """Create or update the documents of ``datas`` (by page id) and their concepts; returns
    their ids by page id. One statement per table (plus one for the vectors on PostgreSQL)."""
    is_sqlite = connection.vendor == "sqlite"
    now = timezone.now()
    documents = [
        SearchDocument(
            page_id=page_id,
            kind=data.kind,
            language=data.language,
            year=data.year,
            date=data.date,
            rubric_id=data.rubric_id,
            title=data.title[:255],
            authors=data.authors[:1000],
            public_text=PASSAGE_SEPARATOR.join(data.public_passages),
            body_text=PASSAGE_SEPARATOR.join(data.body_passages) if data.body_open else "",
            body_open=data.body_open,
            terms_title=_terms(data, "A") if is_sqlite else "",
            terms_public=_terms(data, "BC") if is_sqlite else "",
            terms_body=_terms(data, "D") if is_sqlite else "",
            sample_bucket=sample_bucket_of(page_id),
            indexed_at=now,
        )
        for page_id, data in datas.items()
    ]
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["page"],
        update_fields=UPDATED_FIELDS,
    )
    ids = dict(SearchDocument.objects.filter(page_id__in=list(datas)).values_list("page_id", "pk"))
    through = SearchDocument.concepts.through
    through.objects.filter(searchdocument_id__in=list(ids.values())).delete()
    through.objects.bulk_create(
        [
            through(searchdocument_id=ids[page_id], concept_id=concept_id)
            for page_id, data in datas.items()
            for concept_id in dict.fromkeys(data.concept_ids)
        ]
    )
    if connection.vendor == "postgresql":
        _write_postgres_columns([(ids[page_id], data) for page_id, data in datas.items()])
    return ids


def search_documents_update(*, page_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Bring the search documents of the pages ``page_ids`` in line with the pages as the
    public sees them now, in batches of ``BATCH_SIZE``.

    Rule: a live, public issue, article, news item or web article has exactly one document;
    any other page (draft, unpublished, private, of another type, deleted) has none. An
    article's body is indexed only while ``access.article_is_open(article, now=now)`` is true;
    its title, authors, abstracts and keywords always are.

    Side effects: creates, updates or deletes ``SearchDocument`` rows and their concepts (and,
    on PostgreSQL, their tsvectors; on SQLite the FTS5 table follows through triggers), each
    batch in one transaction. Returns the number of pages that have a document.
    """
    page_ids = list(dict.fromkeys(page_ids))
    restricted = _restricted_paths()
    indexed = 0
    for start in range(0, len(page_ids), BATCH_SIZE):
        batch = page_ids[start : start + BATCH_SIZE]
        pages = _indexable_pages(batch, restricted)
        datas = {page_id: _document_data(pages[page_id], now=now) for page_id in pages}
        with transaction.atomic():
            SearchDocument.objects.filter(page_id__in=batch).exclude(
                page_id__in=list(pages)
            ).delete()
            if datas:
                _documents_write(datas)
        indexed += len(datas)
    return indexed


def search_document_update(*, page: Page, now: dt.datetime | None = None) -> SearchDocument | None:
    """Bring the search document of ``page`` in line with the page as the public sees it now
    (the rule of ``search_documents_update``). Returns the document, or None when the page has
    none."""
    search_documents_update(page_ids=[page.pk], now=now)
    return SearchDocument.objects.filter(page_id=page.pk).first()


def search_subtree_update(*, page: Page, now: dt.datetime | None = None) -> int:
    """Update the documents of ``page`` and of every page under it (after a move or a change of
    view restriction). Returns the number of pages looked at."""
    page_ids = list(
        Page.objects.descendant_of(page, inclusive=True)
        .type(*INDEXED_TYPES)
        .values_list("pk", flat=True)
    )
    search_documents_update(page_ids=page_ids, now=now)
    return len(page_ids)


def search_wall_sync(*, magazine: MagazinePage, now: dt.datetime | None = None) -> int:
    """Re-index the live, public articles of ``magazine`` whose full text is open but not
    indexed, or indexed but no longer open (the wall lifted, the magazine's wall or an issue's
    date changed, an article was missed). Returns the number of articles re-indexed.

    A few queries, plus the re-indexing of the articles whose state changed: cheap enough to
    run after each wall-lift run and after each publication of the magazine."""
    issues = {issue.path: issue for issue in IssuePage.objects.child_of(magazine)}
    indexed = dict(
        SearchDocument.objects.filter(
            page__path__startswith=magazine.path, kind=SearchDocumentKind.ARTICLE
        ).values_list("page_id", "body_open")
    )
    changed = []
    articles = ArticlePage.objects.descendant_of(magazine).live().public()
    for article in articles.only("id", "path", "depth", "open_early").iterator():
        issue = issues.get(article.path[: -article.steplen])
        if issue is None:
            continue
        article._publishing_parents = (issue, magazine)
        if indexed.get(article.pk) is None or indexed[article.pk] != article_is_open(
            article, now=now
        ):
            changed.append(article.pk)
    search_documents_update(page_ids=changed, now=now)
    return len(changed)


def search_rebuild(*, now: dt.datetime | None = None) -> int:
    """Rebuild the whole index from the pages (the management command
    ``publishing_search_rebuild``, and the benchmark's seeding): documents of pages that should
    have none are deleted, the others rewritten; on SQLite the FTS5 table and its triggers are
    re-created if missing and the table rebuilt. Returns the number of documents."""
    if connection.vendor == "sqlite":
        sqlite_fts_ensure()
    page_ids = list(Page.objects.type(*INDEXED_TYPES).order_by("path").values_list("pk", flat=True))
    count = search_documents_update(page_ids=page_ids, now=now)
    SearchDocument.objects.exclude(page_id__in=Page.objects.type(*INDEXED_TYPES)).delete()
    return count


def sqlite_fts_ensure() -> None:
    """Create the FTS5 table and triggers if missing (a table rebuilt by a later SQLite
    migration loses its triggers), then rebuild the FTS5 table from the documents."""
    from importlib import import_module

    migration = import_module("ocim.publishing.migrations.0003_search_document")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_FORWARD:
            cursor.execute(statement)
        cursor.execute(
            "INSERT INTO publishing_searchdocument_fts(publishing_searchdocument_fts) "
            "VALUES ('rebuild')"
        )
