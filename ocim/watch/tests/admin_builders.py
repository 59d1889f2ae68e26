"""Builders shared by the back-office tests: sources, items as the pipeline stores them (one
item, its first sighting, its search index row), stories, curators and other staff."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import factory
from django.utils import timezone

from ocim.accounts.roles import role_group, roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import Concept, Department, Region
from ocim.watch.models import Item, ItemSighting, Source, SourceCategory, Story
from ocim.watch.search import items_index

_numbers = itertools.count(1)


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SourceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Catégorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Faker("company", locale="fr_FR")
    url = factory.Sequence(lambda n: f"https://source{n}.exemple.fr/flux.xml")
    site_url = factory.Sequence(lambda n: f"https://source{n}.exemple.fr/")


def item(
    *,
    source: Source | None = None,
    title: str = "",
    summary: str = "",
    content: str = "",
    language: str = "fr",
    published_at: dt.datetime | None = None,
    url: str | None = None,
    story: Story | None = None,
    index: bool = True,
    **fields,
) -> Item:
    """An item as the pipeline stores it: with its first sighting and its index row."""
    number = next(_numbers)
    source = source or SourceFactory()
    url = url if url is not None else f"https://exemple.fr/actualites/{number}"
    published_at = published_at or timezone.now() - dt.timedelta(minutes=number)
    record = Item.objects.create(
        source=source,
        guid=url or f"guid-{number}",
        url=url,
        canonical_url=url,
        url_hash=_sha(url) if url else "",
        title=title or f"Article {number}",
        summary=summary,
        summary_html=f"<p>{summary}</p>" if summary else "",
        content_text=content,
        content_html=f"<p>{content}</p>" if content else "",
        published_at=published_at,
        first_seen_at=published_at,
        language=language,
        story=story,
        **fields,
    )
    sighting(record, source, seen_at=published_at)
    if index:
        items_index([record.pk])
    return record


def sighting(record: Item, source: Source, *, seen_at: dt.datetime | None = None) -> ItemSighting:
    url = record.url or record.guid
    return ItemSighting.objects.create(
        item=record,
        source=source,
        guid_hash=_sha(f"{source.pk}:{url}"),
        url=url,
        seen_at=seen_at or timezone.now(),
    )


def story(title: str, *items: Item) -> Story:
    dates = [record.published_at for record in items] or [timezone.now()]
    record = Story.objects.create(
        title=title, first_seen_at=min(dates), last_seen_at=max(dates), item_count=len(items)
    )
    Item.objects.filter(pk__in=[entry.pk for entry in items]).update(story=record)
    for entry in items:
        entry.story = record
    return record


def concept(slug="botanique", label_fr="Botanique", label_en="Botany") -> Concept:
    return Concept.objects.get_or_create(
        slug=slug, defaults={"label_fr": label_fr, "label_en": label_en}
    )[0]


def territories() -> dict[str, object]:
    ara = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})[0]
    bfc = Region.objects.get_or_create(code="27", defaults={"name": "Bourgogne-Franche-Comté"})[0]
    rhone = Department.objects.get_or_create(code="69", defaults={"name": "Rhône", "region": ara})[
        0
    ]
    cote_dor = Department.objects.get_or_create(
        code="21", defaults={"name": "Côte-d'Or", "region": bfc}
    )[0]
    return {"ara": ara, "bfc": bfc, "rhone": rhone, "cote_dor": cote_dor}


def user_with_role(role_key: str, **fields):
    roles_ensure()
    user = UserFactory(**fields)
    user.groups.add(role_group(role_key))
    return user
