"""The watch's demo: categories, paused sources with invented addresses, and items made by
running the bundled feed files through the pipeline (every format, French and English, a web
page read with extraction rules); idempotent; searchable at once."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from ocim.inventory.tests.admin_builders import actor, territories
from ocim.watch.demo import SOURCES, feed_dated, watch_demo_ensure
from ocim.watch.models import Item, Source, SourceState, Story
from ocim.watch.search import item_search_condition

pytestmark = pytest.mark.django_db


def test_the_demo_reads_every_bundled_file_once():
    places = territories()
    museum = actor(
        "Muséum Hélène-Garnier", type_slug="museum-histoire-naturelle", commune=places["dijon"]
    )
    report = watch_demo_ensure()
    assert not report.skipped

    sources = Source.objects.all()
    assert sources.count() == len(SOURCES)
    assert all(source.state == SourceState.PAUSED and source.state_reason for source in sources)
    assert all(source.url.split("/")[2].endswith(".example") for source in sources)
    assert Source.objects.get(actor=museum).title.startswith("Muséum Hélène-Garnier")
    for source in sources:
        assert source.sightings.exists(), f"{source.title} gave no item"

    herbarium = Item.objects.get(
        canonical_url="https://museum-garnier.example/actualites/herbier-numerise"
    )
    assert herbarium.sightings.count() == 3  # tracking parameters removed, one item
    assert herbarium.starred and herbarium.curated
    assert "<script" not in herbarium.content_html
    assert Story.objects.filter(item_count__gte=2).exists()
    assert Item.objects.filter(language="en").exists() and Item.objects.filter(language="fr")
    assert Item.objects.filter(published_at__gt=timezone.now()).count() == 0
    assert Item.objects.filter(date_estimated=True).exists()

    found = Item.objects.filter(item_search_condition("herbiers"))
    assert herbarium in found

    count = Item.objects.count()
    again = watch_demo_ensure()
    assert again.created == []
    assert Item.objects.count() == count


def test_placeholders_become_dates_before_now():
    now = timezone.now()
    text = feed_dated("<pubDate>{{rfc822:-2d 09:30}}</pubDate><d>{{iso:-0d 23:59}}</d>", now=now)
    assert "{{" not in text and "09:30:00" in text
    later_today = dt.datetime.fromisoformat(re.search(r"<d>(.*)</d>", text).group(1))
    assert later_today <= now
