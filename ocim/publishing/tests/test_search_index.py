"""The publishing search index follows the pages and the moving wall: embargoed full text is never
found nor shown, drafts and private pages never appear, and every change of state is followed."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from ocim.publishing.access import add_months
from ocim.publishing.models import ArticlePage, MagazinePage, SearchDocument
from ocim.publishing.search import text as search_text
from ocim.publishing.search.indexing import search_document_update, search_rebuild
from ocim.publishing.search.query import SearchFilters, document_search, search_hits
from ocim.publishing.services import wall_lift_run

from . import builders, news_builders

pytestmark = pytest.mark.django_db

EMBARGOED_BODY = (
    "La thermofrigopompe installée dans les réserves récupère la chaleur des groupes froids."
)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(3, 0)))


def _found(query: str, **filters) -> list[int]:
    outcome = document_search(query=query, filters=SearchFilters(**filters), with_facets=False)
    return [] if outcome is None else [document.page_id for document in outcome.documents]


def _snippets(query: str) -> str:
    outcome = document_search(query=query, filters=SearchFilters(), with_facets=False)
    return " ".join(
        f"{hit.title} {hit.snippet}" for hit in search_hits(list(outcome.documents), outcome.words)
    )


def _indexed_words(page_id: int) -> str:
    """Everything the engine could match for this page."""
    document = SearchDocument.objects.get(page_id=page_id)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_vector::text FROM publishing_searchdocument WHERE id = %s",
                [document.pk],
            )
            return cursor.fetchone()[0]
    return " ".join([document.terms_title, document.terms_public, document.terms_body])


@pytest.fixture
def magazine():
    return builders.site_with_magazine(moving_wall_months=12)


@pytest.fixture
def recent_issue(magazine):
    # Published two months ago: behind the twelve-month wall for ten more months.
    published = add_months(timezone.localdate(), -2)
    return builders.issue(magazine, number=300, publication_date=published)


@pytest.fixture
def embargoed(recent_issue):
    return builders.article(
        recent_issue,
        title="Vers des musées sobres en énergie",
        translated_title="Towards energy-frugal museums",
        body_text=EMBARGOED_BODY,
    )


# --- The moving wall ------------------------------------------------------------------------


def test_embargoed_body_is_neither_found_nor_shown(embargoed):
    assert _found("thermofrigopompe") == []
    assert _found("chaleur groupes froids") == []
    # The public part is searchable: title (French and translated) and abstract.
    assert _found("musées sobres") == [embargoed.pk]
    assert _found("energy frugal") == [embargoed.pk]
    assert _found("résumé") == [embargoed.pk]
    shown = _snippets("musées sobres énergie")
    assert "thermofrigopompe" not in shown.lower()
    assert "chaleur" not in shown
    document = SearchDocument.objects.get(page_id=embargoed.pk)
    assert document.body_text == ""
    assert not document.body_open
    assert "thermofrigopomp" not in _indexed_words(embargoed.pk)


def test_the_body_is_found_once_the_wall_lifts(embargoed, recent_issue):
    opening = add_months(recent_issue.publication_date, 12)
    wall_lift_run(now=_at(opening))
    assert _found("thermofrigopompe") == [embargoed.pk]
    assert "<mark>thermofrigopompe</mark>" in _snippets("thermofrigopompe")
    assert SearchDocument.objects.get(page_id=embargoed.pk).body_open


def test_the_wall_sync_also_catches_articles_opened_long_ago(magazine):
    # Its wall lifted years ago, but the index was written when it was closed (as of a date
    # before the opening): the next wall-lift run opens it, although it is out of the
    # run's look-back window.
    old_issue = builders.issue(magazine, number=120, publication_date=dt.date(2019, 1, 15))
    article = builders.article(old_issue, title="Archive", body_text="Un texte sur les dermestes.")
    search_document_update(page=article, now=_at(dt.date(2019, 6, 1)))
    assert _found("dermestes") == []
    wall_lift_run()
    assert _found("dermestes") == [article.pk]


def test_opening_early_and_closing_again_follow_publication(embargoed):
    article = ArticlePage.objects.get(pk=embargoed.pk)
    article.open_early = True
    article.save_revision().publish()
    assert _found("thermofrigopompe") == [embargoed.pk]
    article = ArticlePage.objects.get(pk=embargoed.pk)
    article.open_early = False
    article.save_revision().publish()
    assert _found("thermofrigopompe") == []
    assert "thermofrigopomp" not in _indexed_words(embargoed.pk)


def test_a_shorter_wall_on_the_magazine_opens_the_bodies(magazine, embargoed):
    magazine = MagazinePage.objects.get(pk=magazine.pk)
    magazine.moving_wall_months = 1
    magazine.save_revision().publish()
    assert _found("thermofrigopompe") == [embargoed.pk]
    magazine.moving_wall_months = 24
    magazine.save_revision().publish()
    assert _found("thermofrigopompe") == []


def test_a_new_issue_date_moves_the_wall_and_the_year(recent_issue, embargoed):
    recent_issue.publication_date = dt.date(2020, 3, 15)
    recent_issue.save_revision().publish()
    assert _found("thermofrigopompe") == [embargoed.pk]
    assert SearchDocument.objects.get(page_id=embargoed.pk).year == 2020


# --- Visibility -----------------------------------------------------------------------------


def test_drafts_are_never_indexed_and_draft_words_wait_for_publication(magazine):
    index = news_builders.news_index(magazine)
    draft = news_builders.news(index, title="Brouillon sur les pollinisateurs", publish=False)
    assert not SearchDocument.objects.filter(page_id=draft.pk).exists()
    assert _found("pollinisateurs") == []
    live = news_builders.news(index, title="Les abeilles du jardin")
    live.title = "Les abeilles et les bourdons du jardin"
    live.save_revision()  # a draft of a live page: not public yet
    assert _found("bourdons") == []
    live.save_revision().publish()
    assert _found("bourdons") == [live.pk]


def test_unpublished_and_deleted_pages_leave_the_index(magazine, embargoed):
    index = news_builders.news_index(magazine)
    news = news_builders.news(index, title="Inauguration de la serre tropicale")
    assert _found("serre tropicale") == [news.pk]
    news.unpublish()
    assert _found("serre tropicale") == []
    assert not SearchDocument.objects.filter(page_id=news.pk).exists()
    assert _found("sobres") == [embargoed.pk]
    ArticlePage.objects.get(pk=embargoed.pk).delete()
    assert _found("sobres") == []
    assert not SearchDocument.objects.filter(page_id=embargoed.pk).exists()


def test_private_pages_leave_the_index_and_come_back(magazine):
    index = news_builders.news_index(magazine)
    news = news_builders.news(index, title="Réunion interne du réseau")
    restriction = PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.LOGIN
    )
    assert _found("réunion interne") == []
    restriction.delete()
    assert _found("réunion interne") == [news.pk]


def test_a_renamed_author_is_found_under_the_new_name(recent_issue):
    author = builders.person("Dupont", "Anne")
    article = builders.article(recent_issue, title="Les vitrines", authors=[author])
    assert _found("Dupont") == [article.pk]
    author.last_name = "Delacroix"
    author.save()
    assert _found("Delacroix") == [article.pk]
    assert _found("Dupont") == []


def test_rebuild_restores_a_lost_index(magazine, embargoed):
    index = news_builders.news_index(magazine)
    news = news_builders.news(index, title="Fête de la science au muséum")
    SearchDocument.objects.all().delete()
    assert _found("fête science") == []
    assert search_rebuild() == 3  # the issue, the article and the news item
    assert _found("fête science") == [news.pk]
    assert _found("thermofrigopompe") == []
    call_command("publishing_search_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SearchDocument.objects.count() == 3


# --- Text handling --------------------------------------------------------------------------


def test_accents_elision_and_case_are_folded():
    assert search_text.words("L’Événement d'histoire ŒUVRE") == ["evenement", "histoire", "oeuvre"]
    assert search_text.stems("évènements", "fr") == search_text.stems("Evenement", "fr")
    assert [item.word for item in search_text.query_words('"AND OR NOT * - : 🙂 le la')] == []


def test_highlight_escapes_everything_but_the_marks():
    words = search_text.query_words("musée")
    html = search_text.highlight('<script>alert("musée")</script> au musée & au jardin', words)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<mark>") == 2
    assert "&amp;" in html


# --- Bulk indexing ----------------------------------------------------------------------------


def _document_rows() -> dict[int, tuple]:
    """Everything the index holds per page (the vectors too, on PostgreSQL)."""
    rows = {}
    for document in SearchDocument.objects.prefetch_related("concepts"):
        rows[document.page_id] = (
            document.kind,
            document.language,
            document.year,
            document.date,
            document.rubric_id,
            document.title,
            document.authors,
            document.public_text,
            document.body_text,
            document.body_open,
            document.terms_title,
            document.terms_public,
            document.terms_body,
            document.sample_bucket,
            sorted(concept.pk for concept in document.concepts.all()),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT page_id, search_vector::text, rank_vector::text, title_vector::text, "
                "concept_ids FROM publishing_searchdocument"
            )
            for page_id, *vectors in cursor.fetchall():
                rows[page_id] += tuple(vectors)
    return rows


@pytest.fixture
def varied_pages(magazine, recent_issue, embargoed):
    from ocim.core.models import Concept

    old_issue = builders.issue(magazine, number=120, publication_date=dt.date(2019, 1, 15))
    plants = Concept.objects.create(
        slug="plantes", label_fr="Plantes", label_en="Plants", synonyms_fr=["Flore"]
    )
    authors = [builders.person("Durand", "Lucie"), builders.person("Martin", "Paul")]
    opened = builders.article(
        old_issue,
        title="L'herbier numérisé",
        translated_title="The digitised herbarium",
        authors=authors,
        rubric_value=builders.rubric("Repères", 2),
        free_keywords="herbier, numérisation",
        body_text="Les planches sont photographiées une à une.",
    )
    opened.keywords.set([plants])
    opened.save_revision().publish()
    index = news_builders.news_index(magazine)
    news_builders.news(
        index,
        title="Un atelier de restauration",
        kind="article",
        category_value=news_builders.category("Formations"),
        tags=["restauration", "papier"],
        authors=[authors[1]],
    )
    return magazine


def test_indexing_many_pages_at_once_gives_the_same_documents_as_one_by_one(varied_pages):
    from wagtail.models import Page

    from ocim.publishing.search.indexing import INDEXED_TYPES, search_documents_update

    pages = list(Page.objects.type(*INDEXED_TYPES).order_by("path"))
    assert len(pages) >= 5
    SearchDocument.objects.all().delete()
    for page in pages:
        search_document_update(page=page)
    one_by_one = _document_rows()
    SearchDocument.objects.all().delete()
    assert search_documents_update(page_ids=[page.pk for page in pages]) == len(pages)
    assert _document_rows() == one_by_one


def test_bulk_indexing_costs_the_same_queries_for_few_or_many_pages(varied_pages, magazine):
    from ocim.publishing.search.indexing import search_documents_update

    more = builders.issue(magazine, number=400, publication_date=dt.date(2018, 3, 1))
    for number in range(9):
        article = builders.article(
            more, title=f"Article {number}", authors=[builders.person(f"N{number}")]
        )
    pages = list(ArticlePage.objects.child_of(more).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as few:
        search_documents_update(page_ids=pages[:3])
    with CaptureQueriesContext(connection) as many:
        search_documents_update(page_ids=pages)
    assert len(pages) == 9 and article.pk in pages
    assert len(many) == len(few)  # a constant per batch, whatever its size


def test_the_benchmark_seed_writes_searchable_pages_in_bulk(magazine):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from ocim.publishing.models import IssuePage, NewsPage

    out = StringIO()
    call_command(
        "publishing_bench_seed",
        "--issues=3",
        "--articles-per-issue=2",
        "--news=4",
        "--no-site-index",
        "--any-database",  # the test database (SQLite's is in memory, unnamed)
        stdout=out,
    )
    seeded = IssuePage.objects.filter(slug__endswith="-bench")
    assert seeded.count() == 3
    articles = ArticlePage.objects.filter(path__startswith=seeded.first().path[:-4])
    assert NewsPage.objects.count() == 4
    assert SearchDocument.objects.filter(page__in=articles).count() >= 2
    assert SearchDocument.objects.count() == 3 + 6 + 4  # issues, articles, news
    title = NewsPage.objects.first().title.split()[0]
    assert _found(title), title
    with pytest.raises(CommandError):
        # A second run on the same magazine is refused.
        call_command(
            "publishing_bench_seed", "--issues=1", "--news=0", "--any-database", stdout=out
        )
