"""RSS 2.0 and Atom feeds of the magazine and the news (Django's syndication framework).

Items carry the title, authors, abstract or lead and link. The full text of an article goes
into a feed only when it is open to everyone (``selectors_channels.article_open_to_everyone``):
a feed is read by programs without a session and kept by shared caches, so its reader is
anonymous whoever fetches it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .models import NewsCategory
from .selectors_channels import (
    article_body_html,
    article_list_for_channels,
    article_open_to_everyone,
    article_summary_text,
    articles_by_issue,
    issue_list_for_channels,
    magazine_for_channels,
    news_index_for_channels,
    news_list_for_channels,
)

FEED_ITEMS = 20


class FullTextRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full text (when there is one) in ``content:encoded``."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class FullTextAtomFeed(Atom1Feed):
    """Atom with the full text (when there is one) in ``content``."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def _midday(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _names(people) -> str:
    return ", ".join(person.full_name for person in people)


class _PublishingFeed(Feed):
    """Common ground: the request is kept (page URLs are per site and language) and items
    link to their page."""

    feed_type = FullTextRssFeed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        # Same answer for everyone: shared caches may keep it for a while.
        response["Cache-Control"] = "public, max-age=600"
        return response

    def item_link(self, item):
        return item.get_url(request=self.request) or "/"

    def item_guid(self, item):
        return self.request.build_absolute_uri(self.item_link(item))

    def item_guid_is_permalink(self, item):
        return True

    def item_title(self, item):
        return item.title

    def link(self, obj):
        return obj.get_url(request=self.request) or "/"


class _MagazineFeed(_PublishingFeed):
    def get_object(self, request, *args, **kwargs):
        magazine = magazine_for_channels(Site.find_for_request(request))
        if magazine is None:
            raise Http404
        return magazine


class LatestIssuesFeed(_MagazineFeed):
    """The latest issues with their table of contents (titles and authors, never full text)."""

    def title(self, obj):
        return _("%(magazine)s – latest issues") % {"magazine": obj.title}

    def description(self, obj):
        return _("The latest issues of %(magazine)s and their table of contents.") % {
            "magazine": obj.title
        }

    def items(self, obj):
        issues = list(issue_list_for_channels(obj)[:FEED_ITEMS])
        self._articles = articles_by_issue(issues, obj)
        return issues

    def item_title(self, item):
        title = _("Issue %(number)s") % {"number": item.number}
        return f"{title} – {item.dossier_title or item.title}"

    def item_description(self, item):
        return render_to_string(
            "publishing/feeds/issue_description.html",
            {"issue": item, "articles": self._articles.get(item.pk, [])},
        )

    def item_pubdate(self, item):
        return _midday(item.publication_date)

    def item_updateddate(self, item):
        return item.last_published_at


class LatestArticlesFeed(_MagazineFeed):
    """The latest articles: abstract always, full text only when open to everyone."""

    def title(self, obj):
        return _("%(magazine)s – latest articles") % {"magazine": obj.title}

    def description(self, obj):
        return _("The latest articles of %(magazine)s.") % {"magazine": obj.title}

    def items(self, obj):
        _total, articles = article_list_for_channels(obj, limit=FEED_ITEMS)
        return articles

    def item_description(self, item):
        return linebreaks(escape(article_summary_text(item)))

    def item_author_name(self, item):
        return _names(author.person for author in item.authors.all()) or None

    def item_categories(self, item):
        return [item.rubric.name] if item.rubric else []

    def item_pubdate(self, item):
        issue, _magazine = item._publishing_parents
        return _midday(issue.publication_date) if issue else item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_extra_kwargs(self, item):
        if not article_open_to_everyone(item):
            return {}
        return {"content_html": article_body_html(item)}


class LatestNewsFeed(_PublishingFeed):
    """The latest news and web articles, optionally of one category. News are public: their
    body goes in the feed."""

    def get_object(self, request, category=None, *args, **kwargs):
        news_index = news_index_for_channels(Site.find_for_request(request))
        if news_index is None:
            raise Http404
        category_value = None
        if category is not None:
            category_value = NewsCategory.objects.filter(slug=category).first()
            if category_value is None:
                raise Http404
        return news_index, category_value

    def title(self, obj):
        news_index, category = obj
        if category is not None:
            return _("%(index)s – %(category)s") % {
                "index": news_index.title,
                "category": category.name,
            }
        return news_index.title

    def description(self, obj):
        return _("The latest news and web articles of Ocim.")

    def link(self, obj):
        news_index, category = obj
        url = news_index.get_url(request=self.request) or "/"
        return f"{url}?category={category.slug}" if category else url

    def items(self, obj):
        news_index, category = obj
        return news_list_for_channels(news_index, category_id=category.pk if category else None)[
            :FEED_ITEMS
        ]

    def item_description(self, item):
        return linebreaks(escape(item.lead or item.search_description))

    def item_author_name(self, item):
        return _names(author.person for author in item.authors.all()) or None

    def item_categories(self, item):
        names = [item.category.name] if item.category else []
        return names + [tagged.tag.name for tagged in item.tagged_items.all()]

    def item_pubdate(self, item):
        return _midday(item.date)

    def item_updateddate(self, item):
        return item.last_published_at

    def item_extra_kwargs(self, item):
        return {"content_html": str(item.body.render_as_block()) if item.body else ""}


def _views(feed_class):
    """An RSS and an Atom view of ``feed_class``: a fresh feed object for each request (the
    object keeps the request, so it cannot be shared between threads)."""
    atom_class = type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": FullTextAtomFeed})

    def rss(request, *args, **kwargs):
        return feed_class()(request, *args, **kwargs)

    def atom(request, *args, **kwargs):
        return atom_class()(request, *args, **kwargs)

    return rss, atom


latest_issues_rss, latest_issues_atom = _views(LatestIssuesFeed)
latest_articles_rss, latest_articles_atom = _views(LatestArticlesFeed)
latest_news_rss, latest_news_atom = _views(LatestNewsFeed)


def feed_links(*names: str) -> list[dict]:
    """The ``<link rel="alternate">`` entries (RSS and Atom) of the named feeds
    ("issues", "articles", "news"), for the pages that advertise them."""
    labels = {
        "issues": _("Latest issues"),
        "articles": _("Latest articles"),
        "news": _("Latest news"),
    }
    links = []
    for name in names:
        for kind, mime in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
            links.append(
                {
                    "href": reverse(f"publishing:feed_{name}_{kind}"),
                    "type": mime,
                    "title": f"{labels[name]} ({kind.upper() if kind == 'rss' else 'Atom'})",
                }
            )
    return links
