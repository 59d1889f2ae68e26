"""Writes of the search index: one ``SearchDocument`` per live, public issue, article, news item
or web article, rebuilt from the page whenever something that changes what the public may find
changes (publication, unpublication, move, view restriction, the moving wall lifting).

The embargo rule is not decided here: ``ocim.publishing.access.article_is_open`` says whether an
article's body may be indexed. While it is closed, the body is simply not copied into the index,
so no query can match it and no snippet can show it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction
from wagtail.models import Page
from wagtail.rich_text import get_text_for_indexing

from ..access import article_is_open, article_issue_and_magazine
from ..models import ArticlePage, IssuePage, MagazinePage, NewsKind, NewsPage
from . import text as search_text
from .models import SearchDocument, SearchDocumentKind

logger = logging.getLogger(__name__)

INDEXED_TYPES = (ArticlePage, IssuePage, NewsPage)
# A tsvector holds at most 1 MB: the full text indexed is cut beyond this many characters.
MAX_INDEXED_CHARS = 300_000
PASSAGE_SEPARATOR = "\n\n"


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
    people = [author.person.full_name for author in article.authors.select_related("person")]
    data.authors = ", ".join(people)
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
    people = [author.person.full_name for author in news.authors.select_related("person")]
    data.authors = ", ".join(people)
    data.add("B", "simple", data.authors)
    data.add("B", language, " ".join(tag.name for tag in news.tags.all()))
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


def _is_public(page: Page) -> bool:
    """Live, and under no view restriction (password, login, groups) of its own or inherited."""
    return page.live and not page.get_view_restrictions().exists()


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


def _write_postgres_vectors(document_id: int, segments: list[Segment]) -> None:
    full, full_params = _postgres_vector_sql(segments)
    head, head_params = _postgres_vector_sql([item for item in segments if item.weight != "D"])
    title, title_params = _postgres_vector_sql([item for item in segments if item.weight == "A"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE publishing_searchdocument SET search_vector = {full}, "  # noqa: S608 - only placeholders
            f"rank_vector = {head}, title_vector = {title} WHERE id = %s",
            [*full_params, *head_params, *title_params, document_id],
        )


def search_document_update(*, page: Page, now: dt.datetime | None = None) -> SearchDocument | None:
    """Bring the search document of ``page`` in line with the page as the public sees it now.

    Rule: a live, public issue, article, news item or web article has exactly one document;
    any other page (draft, unpublished, private, of another type, deleted) has none. An
    article's body is indexed only while ``access.article_is_open(article, now=now)`` is true;
    its title, authors, abstracts and keywords always are.

    Side effects: creates, updates or deletes the ``SearchDocument`` row (and, on PostgreSQL,
    its tsvector; on SQLite the FTS5 table follows through triggers). Returns the document,
    or None when the page has none.
    """
    fresh = Page.objects.filter(pk=page.pk).select_related("locale").first()
    specific = fresh.specific if fresh is not None else None
    if not isinstance(specific, INDEXED_TYPES) or not _is_public(specific):
        SearchDocument.objects.filter(page_id=page.pk).delete()
        return None
    if isinstance(specific, ArticlePage):
        data = _article_data(specific, now=now)
    elif isinstance(specific, IssuePage):
        data = _issue_data(specific)
    else:
        data = _news_data(specific)
    is_sqlite = connection.vendor == "sqlite"
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            page_id=specific.pk,
            defaults={
                "kind": data.kind,
                "language": data.language,
                "year": data.year,
                "date": data.date,
                "rubric_id": data.rubric_id,
                "title": data.title[:255],
                "authors": data.authors[:1000],
                "public_text": PASSAGE_SEPARATOR.join(data.public_passages),
                "body_text": PASSAGE_SEPARATOR.join(data.body_passages) if data.body_open else "",
                "body_open": data.body_open,
                "terms_title": _terms(data, "A") if is_sqlite else "",
                "terms_public": _terms(data, "BC") if is_sqlite else "",
                "terms_body": _terms(data, "D") if is_sqlite else "",
            },
        )
        document.concepts.set(data.concept_ids)
        if connection.vendor == "postgresql":
            _write_postgres_vectors(document.pk, data.segments)
    return document


def search_subtree_update(*, page: Page, now: dt.datetime | None = None) -> int:
    """Update the documents of ``page`` and of every page under it (after a move or a change of
    view restriction). Returns the number of pages looked at."""
    pages = Page.objects.descendant_of(page, inclusive=True).type(*INDEXED_TYPES)
    count = 0
    for item in pages.iterator():
        search_document_update(page=item, now=now)
        count += 1
    # Pages of other types never have a document, but one may linger from a type change.
    return count


def search_wall_sync(*, magazine: MagazinePage, now: dt.datetime | None = None) -> int:
    """Re-index the live, public articles of ``magazine`` whose full text is open but not
    indexed, or indexed but no longer open (the wall lifted, the magazine's wall or an issue's
    date changed, an article was missed). Returns the number of articles re-indexed.

    Two queries plus one update per article whose state changed: cheap enough to run after each
    wall-lift run and after each publication of the magazine."""
    issues = {issue.path: issue for issue in IssuePage.objects.child_of(magazine)}
    indexed = dict(
        SearchDocument.objects.filter(
            page__path__startswith=magazine.path, kind=SearchDocumentKind.ARTICLE
        ).values_list("page_id", "body_open")
    )
    changed = 0
    articles = ArticlePage.objects.descendant_of(magazine).live().public()
    for article in articles.only("id", "path", "depth", "open_early").iterator():
        issue = issues.get(article.path[: -article.steplen])
        if issue is None:
            continue
        article._publishing_parents = (issue, magazine)
        if indexed.get(article.pk) is None or indexed[article.pk] != article_is_open(
            article, now=now
        ):
            search_document_update(page=article, now=now)
            changed += 1
    return changed


def search_rebuild(*, now: dt.datetime | None = None) -> int:
    """Rebuild the whole index from the pages (the management command
    ``publishing_search_rebuild``): documents of pages that should have none are deleted, the
    others rewritten; on SQLite the FTS5 table and its triggers are re-created if missing and
    the table rebuilt. Returns the number of documents."""
    if connection.vendor == "sqlite":
        sqlite_fts_ensure()
    keep = []
    for page in Page.objects.type(*INDEXED_TYPES).iterator():
        if search_document_update(page=page, now=now) is not None:
            keep.append(page.pk)
    SearchDocument.objects.exclude(page_id__in=keep).delete()
    return len(keep)


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
