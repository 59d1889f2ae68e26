"""``selectors.items_filtered`` and ``item_stream``: the reading view's filters (source,
category, concept with its narrower ones, family, territory, language, dates, story, marks,
search), newest first, in a constant number of queries per page."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.core.models import Concept
from ocim.inventory.selectors import actor_family_list
from ocim.watch.models import ConceptOrigin, ItemConcept
from ocim.watch.selectors import ItemFilters, Kept, item_stream, items_filtered

from .admin_builders import SourceCategoryFactory, SourceFactory, item, sighting, story, territories

pytestmark = pytest.mark.django_db


def titles(filters: ItemFilters) -> list[str]:
    return list(items_filtered(filters).values_list("title", flat=True))


def at(day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, day, hour, 0))


@pytest.fixture
def world():
    places = territories()
    museums = SourceCategoryFactory(name="Musées")
    lyon = SourceFactory(title="Lyon")
    lyon.categories.add(museums)
    paris = SourceFactory(title="Paris")
    botany = Concept.objects.create(slug="botanique", label_fr="Botanique", label_en="Botany")
    herbarium = Concept.objects.create(
        slug="herbier", label_fr="Herbier", label_en="Herbarium", broader=botany
    )
    family = actor_family_list().first()
    first = item(source=lyon, title="Premier", published_at=at(1), language="fr")
    second = item(source=paris, title="Deuxième", published_at=at(2), language="en", starred=True)
    third = item(source=paris, title="Troisième", published_at=at(3), language="fr", curated=True)
    sighting(third, lyon)
    ItemConcept.objects.create(item=first, concept=herbarium, origin=ConceptOrigin.THESAURUS)
    ItemConcept.objects.create(item=second, concept=botany, origin=ConceptOrigin.STAFF)
    first.families.add(family)
    first.departments.add(places["rhone"])
    second.regions.add(places["ara"])
    third.regions.add(places["bfc"])
    story("Même sujet", second, third)
    return {
        "places": places,
        "museums": museums,
        "lyon": lyon,
        "paris": paris,
        "botany": botany,
        "herbarium": herbarium,
        "family": family,
        "items": (first, second, third),
    }


def test_without_filters_every_item_newest_first(world):
    assert titles(ItemFilters()) == ["Troisième", "Deuxième", "Premier"]


def test_a_source_finds_every_item_it_carried(world):
    assert titles(ItemFilters(sources=(world["lyon"].pk,))) == ["Troisième", "Premier"]
    assert titles(ItemFilters(categories=(world["museums"].pk,))) == ["Troisième", "Premier"]


def test_a_concept_finds_its_narrower_concepts_too(world):
    assert titles(ItemFilters(concepts=(world["botany"].pk,))) == ["Deuxième", "Premier"]
    assert titles(ItemFilters(concepts=(world["herbarium"].pk,))) == ["Premier"]


def test_family_language_marks_and_story(world):
    assert titles(ItemFilters(families=(world["family"].pk,))) == ["Premier"]
    assert titles(ItemFilters(languages=("en",))) == ["Deuxième"]
    assert titles(ItemFilters(kept=Kept.STARRED)) == ["Deuxième"]
    assert titles(ItemFilters(kept=Kept.CURATED)) == ["Troisième"]
    story_id = world["items"][1].story_id
    assert titles(ItemFilters(story=story_id)) == ["Troisième", "Deuxième"]


def test_a_region_includes_its_departments(world):
    assert titles(ItemFilters(regions=("84",))) == ["Deuxième", "Premier"]
    assert titles(ItemFilters(departments=("69",))) == ["Premier"]
    assert titles(ItemFilters(regions=("27",), departments=("69",))) == ["Troisième", "Premier"]


def test_dates_are_whole_days_both_ends_included(world):
    assert titles(ItemFilters(date_from=dt.date(2026, 11, 2))) == ["Troisième", "Deuxième"]
    assert titles(ItemFilters(date_to=dt.date(2026, 11, 2))) == ["Deuxième", "Premier"]
    assert titles(ItemFilters(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 2))) == [
        "Deuxième"
    ]


def test_filters_add_up_with_the_search(world):
    assert titles(ItemFilters(q="troisième", sources=(world["lyon"].pk,))) == ["Troisième"]
    assert titles(ItemFilters(q="troisième", languages=("en",))) == []
    assert titles(ItemFilters(q="le la les")) == ["Troisième", "Deuxième", "Premier"]


def test_the_stream_shows_sources_story_and_concepts(world):
    rows = {row.title: row for row in item_stream(ItemFilters())}
    assert rows["Troisième"].source_count == 2
    assert rows["Premier"].source_count == 1
    assert rows["Troisième"].story.title == "Même sujet"
    assert [link.concept.slug for link in rows["Premier"].concept_links.all()] == ["herbier"]


def test_a_page_of_the_stream_costs_the_same_queries_however_many_items(
    world, django_assert_max_num_queries
):
    def page_queries() -> int:
        with django_assert_max_num_queries(10) as captured:
            rows = list(item_stream(ItemFilters())[:30])
            for row in rows:
                list(row.concept_links.all())
                _ = (row.source.title, row.story and row.story.title, row.source_count)
        return len(captured.captured_queries)

    few = page_queries()
    source = SourceFactory()
    for number in range(40):
        record = item(source=source, title=f"Encore {number}", index=False)
        ItemConcept.objects.create(
            item=record, concept=world["botany"], origin=ConceptOrigin.THESAURUS
        )
    assert page_queries() == few == 2
