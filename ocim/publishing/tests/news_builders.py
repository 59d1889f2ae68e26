"""Builders for the news and dossier tests (on top of ``builders``)."""

from __future__ import annotations

import datetime as dt
import itertools

from ocim.publishing.models import (
    MagazinePage,
    NewsAuthor,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
)

_counter = itertools.count(1)


def news_index(magazine: MagazinePage, **fields) -> NewsIndexPage:
    """The news index under the home page of ``magazine``'s site (published)."""
    home = magazine.get_parent()
    page = NewsIndexPage(
        title=fields.pop("title", "Actualités"), slug=fields.pop("slug", "actualites"), **fields
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return NewsIndexPage.objects.get(pk=page.pk)


def category(name="Vie du réseau", slug=None) -> NewsCategory:
    value, _c = NewsCategory.objects.get_or_create(
        slug=slug or f"categorie-{next(_counter)}", defaults={"name": name}
    )
    return value


def news(
    index: NewsIndexPage,
    *,
    title=None,
    date=dt.date(2025, 3, 1),
    kind="news",
    category_value=None,
    tags=(),
    authors=(),
    lead="Le chapeau de l'actualité.",
    body_text="Le corps de l'actualité.",
    publish=True,
    **fields,
) -> NewsPage:
    number = next(_counter)
    page = NewsPage(
        title=title or f"Actualité {number}",
        slug=f"actualite-{number}",
        date=date,
        kind=kind,
        category=category_value,
        lead=lead,
        body=[("paragraph", f"<p>{body_text}</p>")],
        live=publish,
        **fields,
    )
    index.add_child(instance=page)
    for order, person in enumerate(authors):
        NewsAuthor.objects.create(page=page, person=person, sort_order=order)
    if tags:
        page.tags.add(*tags)
        page.save()
    if publish:
        page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)
