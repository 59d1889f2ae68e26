"""Reads of the publishing app with a meaning: what a reader sees of the magazine and its issues."""

from __future__ import annotations

import copy
import datetime as dt
import ipaddress
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear
from django.utils import timezone
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from .models import (
    ArticleAuthor,
    ArticlePage,
    DossierPage,
    IssuePage,
    MagazineFollow,
    MagazinePage,
    NewsAuthor,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    Rubric,
    Subscription,
    SubscriptionKind,
)
from .validators import parse_ip_ranges


def issue_for_number(*, site, number: int, language: str | None = None) -> IssuePage | None:
    """The live, public issue numbered ``number`` of the magazine of ``site`` (its translation
    in ``language`` when that one is live too), or None."""
    if site is None:
        return None
    issue = (
        IssuePage.objects.live()
        .public()
        .descendant_of(site.root_page)
        .filter(number=number)
        .order_by("path")
        .first()
    )
    if issue is None or not language:
        return issue
    translation = (
        IssuePage.objects.live()
        .public()
        .filter(translation_key=issue.translation_key, locale__language_code=language)
        .first()
    )
    return translation or issue


def _live_issues(magazine: MagazinePage):
    return (
        IssuePage.objects.child_of(magazine)
        .live()
        .public()
        .select_related("cover_image")
        .order_by("-number")
    )


ISSUES_PER_PAGE = 24


def issue_page_for_magazine(magazine: MagazinePage, page_number) -> tuple:
    """One page of the live issues of ``magazine`` (newest first) and the page numbers to
    link to: ``(page_obj, page_range)``. Any ``page_number`` is accepted (non-numbers give the
    first page, numbers out of range the last); only that page's issues are read."""
    paginator = Paginator(_live_issues(magazine), ISSUES_PER_PAGE)
    page_obj = paginator.get_page(page_number)
    page_range = paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    return page_obj, list(page_range)


@dataclass
class TocSection:
    rubric: Rubric | None
    articles: list[ArticlePage] = field(default_factory=list)


def issue_table_of_contents(issue: IssuePage) -> list[TocSection]:
    """The live articles of ``issue`` grouped by rubric, in the rubrics' order (articles
    without a rubric last), each group in page order then tree order; authors prefetched."""
    articles = (
        ArticlePage.objects.child_of(issue)
        .live()
        .public()
        .select_related("rubric")
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
            )
        )
        .order_by("first_page", "path")
    )
    sections: dict[int | None, TocSection] = {}
    for article in articles:
        key = article.rubric_id
        if key not in sections:
            sections[key] = TocSection(rubric=article.rubric)
        sections[key].articles.append(article)

    def order(section: TocSection):
        if section.rubric is None:
            return (1, 0, "")
        return (0, section.rubric.sort_order, section.rubric.name)

    return sorted(sections.values(), key=order)


def _stream_images(value, found: dict) -> None:
    """Collect the images of a stream value, walking lists and structs (figures)."""
    if isinstance(value, AbstractImage):
        found.setdefault(value.pk, []).append(value)
    elif isinstance(value, StreamValue):
        for child in value:
            _stream_images(child.value, found)
    elif isinstance(value, dict):  # StructValue
        for child in value.values():
            _stream_images(child, found)
    elif isinstance(value, list | tuple | ListValue):
        for child in value:
            _stream_images(child, found)


def stream_renditions_prefetch(stream_value) -> None:
    """Give every image of ``stream_value`` its existing renditions, read in one query, so that
    rendering the stream costs no query per image whatever the cache holds (a rendition still
    missing is created on first use, as usual)."""
    images: dict[int, list] = {}
    _stream_images(stream_value, images)
    if not images:
        return
    Rendition = get_image_model().get_rendition_model()
    renditions: dict[int, list] = {pk: [] for pk in images}
    for rendition in Rendition.objects.filter(image_id__in=images):
        renditions[rendition.image_id].append(rendition)
    for pk, instances in images.items():
        for image in instances:
            # Each rendition points back to this very instance (its contextual alt text is
            # used, and reading ``rendition.image`` costs no query).
            image.prefetched_renditions = [
                _with_image(rendition, image) for rendition in renditions[pk]
            ]


def _with_image(rendition, image):
    rendition = copy.copy(rendition)
    rendition.image = image
    return rendition


def article_authors(article: ArticlePage) -> list:
    """The people who wrote ``article``, in their order on the article."""
    return [
        author.person for author in article.authors.select_related("person").order_by("sort_order")
    ]


# --- News -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsFilters:
    kind: str | None = None
    category_id: int | None = None
    tag_slug: str | None = None
    year: int | None = None


def _public_news(news_index: NewsIndexPage):
    return NewsPage.objects.child_of(news_index).live().public()


def news_list_for_index(news_index: NewsIndexPage, *, filters: NewsFilters):
    """The live, public news of ``news_index`` matching ``filters``, newest first (by date, then
    the latest published, then tree order so that pagination is stable), with category, authors
    and tags fetched in a constant number of queries whatever the number of items. Returns a
    lazy queryset (to paginate)."""
    queryset = _public_news(news_index)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.category_id is not None:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.tag_slug:
        queryset = queryset.filter(tagged_items__tag__slug=filters.tag_slug).distinct()
    if filters.year is not None:
        queryset = queryset.filter(date__year=filters.year)
    return (
        queryset.select_related("category")
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=NewsAuthor.objects.select_related("person").order_by("sort_order"),
            ),
            Prefetch(
                "tagged_items",
                queryset=NewsPageTag.objects.select_related("tag").order_by("tag__name"),
            ),
        )
        .order_by("-date", "-first_published_at", "path")
    )


@dataclass(frozen=True)
class NewsYear:
    year: int
    count: int


def news_archive_years(news_index: NewsIndexPage) -> list[NewsYear]:
    """The years that have live, public news in ``news_index``, newest first, with their count
    (one query)."""
    rows = (
        _public_news(news_index)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    return [NewsYear(year=row["year"], count=row["count"]) for row in rows]


def news_authors(news: NewsPage) -> list:
    """The people who wrote ``news``, in their order on the page."""
    return [
        author.person for author in news.authors.select_related("person").order_by("sort_order")
    ]


# --- Dossiers -------------------------------------------------------------------------------


@dataclass
class DossierArticle:
    article: ArticlePage
    authors: list
    is_open: bool
    opens_on: dt.date | None


def dossier_issue_is_public(dossier: DossierPage) -> bool:
    """Is the issue of ``dossier`` live and under no view restriction? A dossier is served,
    listed in the sitemap and found by the site search only then."""
    return IssuePage.objects.live().public().filter(pk=dossier.issue_id).exists()


def dossier_articles(
    dossier: DossierPage, *, now: dt.datetime | None = None
) -> list[DossierArticle]:
    """The live, public articles of the dossier's issue in the dossier rubric, in page order,
    with their authors and whether everyone may read them now (the moving wall, see
    ``access.article_is_open``) or from when. Empty when the issue is not in a magazine."""
    from .access import article_is_open, article_opens_on

    issue = dossier.issue
    magazine = issue.get_parent().specific
    if not isinstance(magazine, MagazinePage):
        magazine = None
    articles = (
        ArticlePage.objects.child_of(issue)
        .live()
        .public()
        .filter(rubric_id=dossier.rubric_id)
        .prefetch_related(
            Prefetch(
                "authors",
                queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
            )
        )
        .order_by("first_page", "path")
    )
    result = []
    for article in articles:
        # The access rules look the parents up; they are known here (one lookup, not one each).
        article._publishing_parents = (issue, magazine)
        result.append(
            DossierArticle(
                article=article,
                authors=[author.person for author in article.authors.all()],
                is_open=article_is_open(article, now=now),
                opens_on=article_opens_on(article),
            )
        )
    return result


def dossier_news(dossier: DossierPage) -> list[NewsPage]:
    """The live, public news related to the dossier's issue, newest first."""
    return list(
        NewsPage.objects.live()
        .public()
        .filter(related_issue_id=dossier.issue_id)
        .select_related("category")
        .order_by("-date", "path")
    )


# --- Readers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionLine:
    subscription: Subscription
    state: str  # "active", "upcoming" or "expired"

    @property
    def is_active(self) -> bool:
        return self.state == "active"


@dataclass
class ReaderStatus:
    subscriptions: list[SubscriptionLine]
    institution: str  # the institution whose active subscription covers the reader's address
    followed: list[MagazinePage]
    magazines: list[MagazinePage]

    @property
    def has_active_subscription(self) -> bool:
        return bool(self.institution) or any(line.is_active for line in self.subscriptions)


def _subscription_state(subscription: Subscription, today: dt.date) -> str:
    if subscription.starts_on > today:
        return "upcoming"
    if subscription.ends_on < today:
        return "expired"
    return "active"


def institution_covering_ip(ip: str | None, *, today: dt.date) -> str:
    """The name of an institution whose subscription, active on ``today``, covers the address
    ``ip`` ("" when none), by the rule of ``access.subscription_covers`` (IPv4 and IPv6, an
    IPv4-mapped IPv6 address is its IPv4 address, malformed ranges are ignored). One query."""
    if not ip:
        return ""
    active = Subscription.objects.filter(
        kind=SubscriptionKind.INSTITUTIONAL, starts_on__lte=today, ends_on__gte=today
    ).order_by("institution_name", "pk")
    for name, ranges in active.values_list("institution_name", "ip_ranges"):
        if _ip_in_ranges(ip, ranges):
            return name
    return ""


def _ip_in_ranges(ip: str, ranges: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
        networks = parse_ip_ranges(ranges)
    except (ValueError, ValidationError):
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in networks)


def reader_status(user, *, ip: str | None = None, today: dt.date | None = None) -> ReaderStatus:
    """What the account page tells a reader about the magazine: their individual subscriptions
    (newest first, each active, upcoming or expired on ``today``), the institution whose
    subscription covers their current address if any, and the live magazines they follow
    (with all the live magazines, to offer following them). Four queries."""
    today = today or timezone.localdate()
    subscriptions = [
        SubscriptionLine(subscription=item, state=_subscription_state(item, today))
        for item in Subscription.objects.filter(
            kind=SubscriptionKind.INDIVIDUAL, user=user
        ).order_by("-ends_on", "-starts_on", "pk")
    ]
    magazines = list(MagazinePage.objects.live().public().order_by("path"))
    followed_ids = set(
        MagazineFollow.objects.filter(user=user, magazine__in=magazines).values_list(
            "magazine_id", flat=True
        )
    )
    return ReaderStatus(
        subscriptions=subscriptions,
        institution=institution_covering_ip(ip, today=today),
        followed=[magazine for magazine in magazines if magazine.pk in followed_ids],
        magazines=magazines,
    )


def magazine_followed_by(magazine: MagazinePage, user) -> bool:
    """Does ``user`` follow ``magazine``? False for anonymous readers (no query)."""
    if user is None or not user.is_authenticated:
        return False
    return MagazineFollow.objects.filter(magazine=magazine, user=user).exists()
