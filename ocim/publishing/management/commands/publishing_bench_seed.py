"""Seed a throw-away database with a large magazine and news section, fast, for bench/.

Default volume: 2,000 issues of 10 articles (20,000 articles) and 10,000 news items, under the
demo site's magazine and a news index (created if missing), in a few minutes on PostgreSQL.

Creating pages one by one (``add_child`` + a revision + ``publish``) costs tens of queries per
page; here the page tree is written in bulk instead: the materialised paths, depths and child
counts of treebeard are computed here, the ``wagtailcore_page`` rows are inserted in batches
(their ids returned), then the rows of the specific tables (multi-table inheritance) and of the
related tables (authors, abstracts, tags). The pages are live, without revisions (nobody edits
them), and added to the search indexes: the site search's (Wagtail) in batches, the
publishing search's through its own indexing service in bulk (the rules of what is indexed
live there). Texts are drawn from ``ocim.publishing.management.bench_corpus`` (ranked French and
English vocabularies with Zipf's word frequencies and topical documents, so searches match as
many documents as they would in real writing) by a seeded random generator: every run builds
the same content.

Only for benchmarks: it refuses a database whose name does not contain "bench" or "test"
unless ``--any-database`` is given, and a second run on the same magazine (``--issues`` would
collide with the issue numbers already there).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Page

from ocim.core.models import Concept, HomePage
from ocim.core.shell import shell_invalidate
from ocim.publishing.management import bench_corpus as corpus
from ocim.publishing.management.bench_corpus import ENGLISH, FRENCH
from ocim.publishing.models import (
    ArticleAbstract,
    ArticleAuthor,
    ArticlePage,
    IssuePage,
    MagazinePage,
    NewsAuthor,
    NewsCategory,
    NewsIndexPage,
    NewsKind,
    NewsPage,
    NewsPageTag,
    Person,
    Rubric,
)

BATCH = 2000
SEED_MARK = "bench"  # slugs of seeded issues: numero-<n>-bench

_FIRST_NAMES = (
    "Claire Karim Sophie Julien Amina Thomas Léa Hugo Inès Lucas Manon Nathan Chloé Yanis Emma "
    "Paul Sarah Louis Camille Arthur Zoé Mehdi Alice Gabriel Jeanne Noé Lina Victor Rose Adam"
)
FIRST_NAMES = _FIRST_NAMES.split()
_LAST_NAMES = (
    "Aubert Benhamou Carpentier Delorme Esnault Fontaine Garnier Hubert Imbert Joly Kessler "
    "Lefort Marchand Nguyen Olivier Perrin Quéré Roussel Sauvage Tessier Vasseur Weber Zimmer "
    "Barbier Chevalier Dumas Faure Girard Henry Lambert"
)
LAST_NAMES = _LAST_NAMES.split()
NEWS_CATEGORIES = [
    ("appels-a-projets", "Appels à projets"),
    ("vie-du-reseau", "Vie du réseau"),
    ("formations", "Formations"),
    ("publications", "Publications"),
    ("emplois", "Emplois"),
]
TAGS = ["médiation", "collections", "numérique", "territoires", "recherche", "publics"]


def body_blocks(rng: random.Random, paragraphs: int, themes: list[str]) -> list[dict]:
    """StreamField raw data: French paragraphs on ``themes`` with a heading every few."""
    blocks = []
    for number in range(paragraphs):
        if number and number % 3 == 0:
            blocks.append(
                {
                    "type": "heading",
                    "value": {"text": corpus.title(rng, FRENCH, themes, 4), "level": "h2"},
                    "id": str(uuid.UUID(int=rng.getrandbits(128))),
                }
            )
        blocks.append(
            {
                "type": "paragraph",
                "value": f"<p>{corpus.paragraph(rng, FRENCH, themes)}</p>",
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
            }
        )
    return blocks


class TreeAllocator:
    """Hands out the treebeard paths of new children of one parent, after its existing ones."""

    def __init__(self, parent: Page):
        self.parent = parent
        last = (
            Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        self.next_step = (int(last[-Page.steplen :], 36) + 1) if last else 1
        self.added = 0

    def next_path(self) -> str:
        path = Page._get_path(self.parent.path, self.parent.depth + 1, self.next_step)
        self.next_step += 1
        self.added += 1
        return path

    def save_numchild(self) -> None:
        Page.objects.filter(pk=self.parent.pk).update(numchild=self.parent.numchild + self.added)


def insert_pages(model, pages: list[Page]) -> None:
    """Insert ``pages`` (instances of ``model``, a direct subclass of Page) into both tables:
    the Page rows first (ids returned), then the specific rows pointing to them."""
    page_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    specific_fields = list(model._meta.local_concrete_fields)
    for start in range(0, len(pages), BATCH):
        chunk = pages[start : start + BATCH]
        rows = Page._base_manager._insert(
            chunk, fields=page_fields, returning_fields=[Page._meta.pk]
        )
        for page, (pk,) in zip(chunk, rows, strict=True):
            page.pk = page.id = page.page_ptr_id = pk
            page._state.adding = False
        model._base_manager._insert(chunk, fields=specific_fields, raw=True)


def page_common(*, title, slug, path, depth, parent_url_path, content_type, locale_id, when):
    return {
        "title": title,
        "draft_title": title,
        "slug": slug,
        "path": path,
        "depth": depth,
        "numchild": 0,
        "url_path": f"{parent_url_path}{slug}/",
        "content_type": content_type,
        "locale_id": locale_id,
        "translation_key": uuid.uuid4(),
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": when,
        "last_published_at": when,
        "show_in_menus": False,
    }


class Command(BaseCommand):
    help = "Seed many issues, articles and news quickly (benchmarks only; see the docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--issues", type=int, default=2000)
        parser.add_argument("--articles-per-issue", type=int, default=10)
        parser.add_argument("--news", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument(
            "--any-database",
            action="store_true",
            help="seed even a database whose name contains neither 'bench' nor 'test'",
        )
        parser.add_argument("--no-index", action="store_true", help="skip both search indexes")
        parser.add_argument(
            "--no-site-index",
            action="store_true",
            help="skip the site search's (Wagtail) index; the publishing search's is still built",
        )

    def handle(self, *args, **options):
        name = str(connection.settings_dict.get("NAME", ""))
        if not options["any_database"] and not any(
            word in name.lower() for word in ("bench", "test")
        ):
            raise CommandError(f"{name!r} does not look like a throw-away database.")
        if options["issues"] < 0 or options["news"] < 0 or options["articles_per_issue"] < 0:
            raise CommandError("Counts cannot be negative.")
        home = HomePage.objects.filter(depth=2, locale__language_code="fr").first()
        magazine = MagazinePage.objects.child_of(home).first() if home else None
        if magazine is None:
            raise CommandError("No French home page with a magazine: run ocim_demo first.")
        magazine = magazine.specific
        if IssuePage.objects.child_of(magazine).filter(slug__endswith=f"-{SEED_MARK}").exists():
            raise CommandError("This magazine was seeded already: use a fresh database.")
        rng = random.Random(options["seed"])  # noqa: S311 (reproducible texts, no secret)
        began = time.monotonic()
        with transaction.atomic():
            people = self._people(rng)
            rubrics = list(Rubric.objects.order_by("sort_order"))
            articles = self._magazine(
                magazine, options["issues"], options["articles_per_issue"], rng, people, rubrics
            )
            news = self._news(home, options["news"], rng, people)
        self.stdout.write(
            f"{options['issues']} issues, {len(articles)} articles, {len(news)} news in "
            f"{time.monotonic() - began:.0f} s"
        )
        if not options["no_index"] and not options["no_site_index"]:
            began = time.monotonic()
            self._index(articles, news)
            self.stdout.write(f"site search index in {time.monotonic() - began:.0f} s")
        if not options["no_index"]:
            began = time.monotonic()
            count = self._publishing_index(magazine, home)
            self.stdout.write(
                f"publishing search index: {count} documents in {time.monotonic() - began:.0f} s"
            )
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does a little later on a live database: the planner's statistics
            # (the search's estimates depend on them) and the visibility map.
            began = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"VACUUM ANALYZE in {time.monotonic() - began:.0f} s")
        shell_invalidate()  # the cached shell and pages knew none of this

    # --- Content --------------------------------------------------------------------------

    def _people(self, rng) -> list[Person]:
        people = [
            Person(
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)}-{number}",
                affiliation=f"Muséum de {rng.choice(LAST_NAMES)} (banc d'essai)",
            )
            for number in range(400)
        ]
        return Person.objects.bulk_create(people)

    def _magazine(self, magazine, count, per_issue, rng, people, rubrics) -> list[ArticlePage]:
        issue_type = ContentType.objects.get_for_model(IssuePage)
        article_type = ContentType.objects.get_for_model(ArticlePage)
        last_number = (
            IssuePage.objects.child_of(magazine)
            .order_by("-number")
            .values_list("number", flat=True)
        ).first() or 0
        today = timezone.localdate()
        issue_tree = TreeAllocator(magazine)
        issues = []
        # Each issue is built around a dossier on one theme; its dossier articles share it.
        issue_themes: dict[int, list[str]] = {}
        for position in range(count):
            # Newest first: one issue a week back from last week (the most recent year is
            # behind a 12-month moving wall).
            number = last_number + count - position
            published = today - dt.timedelta(days=7 * (position + 1))
            when = timezone.make_aware(dt.datetime.combine(published, dt.time(9)))
            slug = f"numero-{number}-{SEED_MARK}"
            themes = issue_themes[number] = corpus.themes_for(rng, FRENCH)[:1]
            issues.append(
                IssuePage(
                    **page_common(
                        title=f"Numéro {number}",
                        slug=slug,
                        path=issue_tree.next_path(),
                        depth=magazine.depth + 1,
                        parent_url_path=magazine.url_path,
                        content_type=issue_type,
                        locale_id=magazine.locale_id,
                        when=when,
                    )
                    | {"numchild": per_issue},
                    number=number,
                    dossier_title=corpus.title(rng, FRENCH, themes, 5),
                    guest_editors=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    period_label=published.strftime("%m/%Y"),
                    publication_date=published,
                    editorial=f"<p>{corpus.paragraph(rng, FRENCH, themes)}</p>",
                    editorial_signatory="Rédaction de la Lettre",
                    editorial_signatory_role="Rédactrice en chef",
                )
            )
        insert_pages(IssuePage, issues)
        issue_tree.save_numchild()

        articles, authors, abstracts = [], [], []
        article_themes: dict[str, list[str]] = {}  # by path
        for issue in issues:
            embargoed = issue.publication_date > today - dt.timedelta(days=366)
            first_page = 3
            for position in range(per_issue):
                rubric = rubrics[position % len(rubrics)] if rubrics else None
                if rubric is not None and rubric.pk == rubrics[0].pk:
                    themes = issue_themes[issue.number]  # a dossier article
                else:
                    themes = corpus.themes_for(rng, FRENCH)
                path = Page._get_path(issue.path, issue.depth + 1, position + 1)
                article_themes[path] = themes
                title = corpus.title(rng, FRENCH, themes, rng.randint(4, 9))
                length = rng.randint(2, 8)
                slug = f"{slugify(title)[:60].rstrip('-')}-{position + 1}"
                article = ArticlePage(
                    **page_common(
                        title=title,
                        slug=slug,
                        path=path,
                        depth=issue.depth + 1,
                        parent_url_path=issue.url_path,
                        content_type=article_type,
                        locale_id=magazine.locale_id,
                        when=issue.first_published_at,
                    ),
                    translated_title=corpus.title(
                        rng, ENGLISH, corpus.themes_for(rng, ENGLISH), rng.randint(4, 8)
                    ),
                    rubric_id=rubric.pk if rubric else None,
                    first_page=first_page,
                    last_page=first_page + length - 1,
                    free_keywords=", ".join(
                        dict.fromkeys(FRENCH.theme_word(rng, rng.choice(themes)) for _ in range(4))
                    ),
                    body=body_blocks(rng, rng.randint(5, 9), themes),
                    open_early=embargoed and position == 0,
                )
                first_page += length
                articles.append(article)
        insert_pages(ArticlePage, articles)
        for article in articles:
            for order, person in enumerate(rng.sample(people, rng.randint(1, 3))):
                authors.append(ArticleAuthor(page_id=article.pk, person=person, sort_order=order))
            themes = article_themes[article.path]
            abstracts.append(
                ArticleAbstract(
                    page_id=article.pk,
                    language="fr",
                    text=corpus.paragraph(rng, FRENCH, themes),
                    sort_order=0,
                )
            )
            abstracts.append(
                ArticleAbstract(
                    page_id=article.pk,
                    language="en",
                    text=corpus.paragraph(rng, ENGLISH, corpus.themes_for(rng, ENGLISH)),
                    sort_order=1,
                )
            )
        ArticleAuthor.objects.bulk_create(authors, batch_size=BATCH)
        ArticleAbstract.objects.bulk_create(abstracts, batch_size=BATCH)
        # Two to four thesaurus keywords each, as editors give them (facets, concept pages).
        concept_ids = list(Concept.objects.order_by("pk").values_list("pk", flat=True))
        if concept_ids:
            through = ArticlePage.keywords.through
            through.objects.bulk_create(
                [
                    through(articlepage_id=article.pk, concept_id=concept_id)
                    for article in articles
                    for concept_id in rng.sample(
                        concept_ids, min(len(concept_ids), rng.randint(2, 4))
                    )
                ],
                batch_size=BATCH,
            )
        return articles

    def _news(self, home, count, rng, people) -> list[NewsPage]:
        if not count:
            return []
        index = NewsIndexPage.objects.child_of(home).first()
        if index is None:
            index = NewsIndexPage(title="Actualités", slug="actualites", locale=home.locale)
            home.add_child(instance=index)
            index.save_revision().publish()
        index = Page.objects.get(pk=index.pk)
        categories = [
            NewsCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in NEWS_CATEGORIES
        ]
        tags = [
            Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
            for name in TAGS
        ]
        news_type = ContentType.objects.get_for_model(NewsPage)
        tree = TreeAllocator(index)
        today = timezone.localdate()
        news = []
        for position in range(count):
            day = today - dt.timedelta(days=position // 3)
            themes = corpus.themes_for(rng, FRENCH)
            title = corpus.title(rng, FRENCH, themes, rng.randint(4, 9))
            slug = f"{slugify(title)[:60].rstrip('-')}-{position + 1}"
            news.append(
                NewsPage(
                    **page_common(
                        title=title,
                        slug=slug,
                        path=tree.next_path(),
                        depth=index.depth + 1,
                        parent_url_path=index.url_path,
                        content_type=news_type,
                        locale_id=index.locale_id,
                        when=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
                    ),
                    kind=NewsKind.ARTICLE if position % 4 == 0 else NewsKind.NEWS,
                    date=day,
                    category_id=rng.choice(categories).pk,
                    lead=corpus.sentence(rng, FRENCH, themes, 20),
                    body=body_blocks(rng, rng.randint(2, 4), themes),
                )
            )
        insert_pages(NewsPage, news)
        tree.save_numchild()
        NewsAuthor.objects.bulk_create(
            [NewsAuthor(page_id=item.pk, person=rng.choice(people), sort_order=0) for item in news],
            batch_size=BATCH,
        )
        NewsPageTag.objects.bulk_create(
            [
                NewsPageTag(content_object_id=item.pk, tag=tag)
                for item in news
                for tag in rng.sample(tags, rng.randint(0, 2))
            ],
            batch_size=BATCH,
        )
        return news

    # --- Search indexes ---------------------------------------------------------------------

    def _publishing_index(self, magazine, home) -> int:
        """The publishing search's own documents, written by its indexing service in bulk (the
        rule of what is indexed lives there)."""
        from ocim.publishing.search.indexing import INDEXED_TYPES, search_documents_update

        page_ids = (
            Page.objects.filter(path__startswith=home.path)
            .type(*INDEXED_TYPES)
            .order_by("path")
            .values_list("pk", flat=True)
        )
        return search_documents_update(page_ids=list(page_ids))

    def _index(self, articles, news) -> None:
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend()
        plan = [
            (
                IssuePage,
                list(
                    IssuePage.objects.filter(slug__endswith=f"-{SEED_MARK}").values_list(
                        "pk", flat=True
                    )
                ),
                (),
            ),
            (ArticlePage, [a.pk for a in articles], ("abstracts",)),
            (NewsPage, [n.pk for n in news], ()),
        ]
        for model, pks, prefetch in plan:
            for start in range(0, len(pks), 1000):
                objects = list(
                    model.objects.filter(pk__in=pks[start : start + 1000]).prefetch_related(
                        *prefetch
                    )
                )
                backend.add_bulk(model, objects)
