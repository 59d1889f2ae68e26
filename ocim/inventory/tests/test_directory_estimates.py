"""A search whose words match many actors (PostgreSQL): its facets are counted from the
sample (one actor in 16, by id) and shown as estimates; the page listed is the same as when
every match is counted; a narrow filter gives an exact total."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from ocim.inventory import directory, directory_counts
from ocim.inventory.directory import directory_search
from ocim.inventory.directory_counts import SAMPLE_MODULUS, estimate
from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import Actor, ActorType, Label
from ocim.inventory.search import actor_search_index_rebuild

from .directory_fixtures import concept, places, seed_typology

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sample only"),
]

ACTORS = 480


@pytest.fixture
def many(monkeypatch):
    """480 actors: every one a "musée" (names in three alphabetical groups, so that the
    matches are not spread evenly by name), a third of them in Lyon, one in 40 closed. Above
    50 matches a search is listed by name (2,000 in real life)."""
    monkeypatch.setattr(directory, "RANKED_MATCHES", 50)
    seed_typology()
    where = places()
    museum = ActorType.objects.get(slug="museum-histoire-naturelle")
    garden = ActorType.objects.get(slug="jardin-botanique-arboretum")
    actors = []
    for number in range(ACTORS):
        kind = museum if number % 4 else garden
        commune = where.lyon if number % 3 == 0 else where.dijon
        prefix = ("Abbaye", "Musée", "Zoo")[number % 3]
        actors.append(
            Actor(
                name=f"{prefix} {number:04d}",
                slug=f"actor-{number}",
                type=kind,
                family=kind.family,
                commune=commune,
                department=commune.department,
                region=commune.department.region,
                status="closed" if number % 40 == 0 else "open",
                description="<p>Un musée et ses collections.</p>",
            )
        )
    Actor.objects.bulk_create(actors)
    # Every other actor is a "Musée de France", with one of two concepts.
    label = Label.objects.get(slug="musee-de-france")
    geology, botany = concept("geologie", "Géologie"), concept("botanique", "Botanique")
    saved = list(Actor.objects.order_by("pk"))
    Actor.labels.through.objects.bulk_create(
        Actor.labels.through(actor=item, label=label) for item in saved[::2]
    )
    Actor.concepts.through.objects.bulk_create(
        Actor.concepts.through(actor=item, concept=geology if item.pk % 3 else botany)
        for item in saved
    )
    actor_search_index_rebuild()
    return where


def _search(query: str, settings, *, limit: int, page: int = 1):
    settings.OCIM_DIRECTORY_CACHE_SECONDS = 0
    settings.OCIM_DIRECTORY_EXACT_COUNT_LIMIT = limit
    filters, problems = ActorFilters.from_query(QueryDict(query))
    assert problems == []
    return directory_search(filters, page=page)


def _ids(results) -> list[int]:
    return [item.pk for item in results.page.object_list]


def _facet(results, name) -> dict[str, int]:
    return {value.value: value.count for facet in results.facets if facet.name == name
            for value in facet.values}  # fmt: skip


def test_a_frequent_word_is_estimated_from_the_sample_and_lists_the_same_page(many, settings):
    exact = _search("q=musée", settings, limit=100_000)
    assert exact.total == ACTORS and exact.total_exact and exact.facets_exact
    ids = list(Actor.objects.values_list("pk", flat=True))
    lyon = set(Actor.objects.filter(region_id="84").values_list("pk", flat=True))
    # 480 matches: one actor in 64 holds enough of them against a limit of 100; one in 16 is
    # read against a limit of 400.
    for limit, one_in, remainders in ((100, 64, 1), (400, 16, 4)):
        estimated = _search("q=musée", settings, limit=limit)
        assert not estimated.facets_exact and not estimated.total_exact
        in_sample = [pk for pk in ids if pk % SAMPLE_MODULUS < remainders]
        assert estimated.total == estimate(len(in_sample), one_in)
        # Every facet count is the sample's count scaled up.
        in_lyon = len([pk for pk in in_sample if pk in lyon])
        assert _facet(estimated, "region")["84"] == estimate(in_lyon, one_in)
        # The same actors by name, on the first page and further on; paging stops at the
        # limit.
        assert _ids(estimated) == _ids(exact)
        assert _ids(_search("q=musée", settings, limit=limit, page=3)) == _ids(
            _search("q=musée", settings, limit=100_000, page=3)
        )
        assert estimated.page.paginator.count == limit
    # One in 16 is close to the real counts.
    assert abs(_facet(estimated, "region")["84"] - _facet(exact, "region")["84"]) < 80


def test_a_narrow_filter_on_a_frequent_word_gives_an_exact_total_best_first(many, settings):
    exact = _search("q=musée&status=closed", settings, limit=100_000)
    estimated = _search("q=musée&status=closed", settings, limit=100)
    assert exact.total == ACTORS // 40
    assert estimated.total == exact.total and estimated.total_exact
    assert not estimated.facets_exact
    assert _ids(estimated) == _ids(exact)
    # Family and region: read through their indexes with the words.
    both = "q=musée&region=84&family=collections-vivantes"
    assert _search(both, settings, limit=100).total == _search(both, settings, limit=10**6).total
    assert _ids(_search(both, settings, limit=100)) == _ids(_search(both, settings, limit=10**6))


def test_a_page_beyond_the_sample_cut_is_listed_from_every_match(many, settings):
    # Page 20 needs more actors by name than the sample's cut covers: every match is read.
    far = _search("q=musée", settings, limit=480, page=20)
    assert far.page.number == 20
    assert _ids(far) == _ids(_search("q=musée", settings, limit=100_000, page=20))


def test_a_rare_word_stays_exact(many, settings):
    Actor.objects.filter(name="Zoo 0002").update(description="<p>Un herbier ancien.</p>")
    actor_search_index_rebuild()
    results = _search("q=herbier", settings, limit=100)
    assert results.total == 1 and results.total_exact and results.facets_exact


def test_the_page_says_the_counts_are_estimates(many, client, settings):
    settings.OCIM_DIRECTORY_CACHE_SECONDS = 0
    settings.OCIM_DIRECTORY_EXACT_COUNT_LIMIT = 100
    page = client.get(reverse("inventory:directory"), {"q": "musée"}, HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Environ" in html and "actors found" not in html
    assert 'id="facets-estimated"' in html
    assert '<span class="visually-hidden">environ </span>' in html
    settings.OCIM_DIRECTORY_EXACT_COUNT_LIMIT = 100_000
    html = client.get(reverse("inventory:directory"), {"q": "musée"}).content.decode()
    assert "facets-estimated" not in html and "≈" not in html


def test_a_label_is_counted_exactly_and_its_concepts_estimated_when_many(many, settings):
    exact = _search("label=musee-de-france", settings, limit=100_000)
    estimated = _search("label=musee-de-france", settings, limit=100)
    assert exact.total == estimated.total == ACTORS // 2 and estimated.total_exact
    assert _ids(estimated) == _ids(exact)
    facets = {facet.name: facet for facet in estimated.facets}
    # The label's own cells: every facet but the concepts' is exact.
    for name in ("family", "type", "region", "department", "label", "status"):
        assert facets[name].exact
        assert _facet(estimated, name) == _facet(exact, name)
    assert not facets["concept"].exact and not estimated.facets_exact
    labelled = set(Actor.labels.through.objects.values_list("actor_id", flat=True))
    in_sample = [pk for pk in labelled if pk % SAMPLE_MODULUS < 4]
    geology = len([pk for pk in in_sample if pk % 3])
    assert _facet(estimated, "concept")["geologie"] == estimate(geology, 16)
    # Narrowed by a region to fewer actors than the limit: counted again.
    narrow = _search("label=musee-de-france&region=27", settings, limit=200)
    assert narrow.facets_exact
    assert _facet(narrow, "concept") == _facet(
        _search("label=musee-de-france&region=27", settings, limit=100_000), "concept"
    )


def test_the_pages_of_one_label_walked_by_name_are_those_sorted_from_every_actor(
    many, settings, monkeypatch
):
    """Past the limit, the first pages of a label's listing walk the names (here through
    actors without the label: "Abbaye 0001", "Abbaye 0003"…); deeper ones sort every actor
    carrying it; with filters, few enough actors are read and sorted. All list the same
    actors as the exact listing."""
    monkeypatch.setattr(directory_counts, "WALKED_ROWS", 60)
    labelled = set(Actor.labels.through.objects.values_list("actor_id", flat=True))
    for query in ("label=musee-de-france", "label=musee-de-france&status=open"):
        for page in (1, 2, 3, 5):  # pages 1–3 walked, 5 sorted
            exact = _search(query, settings, limit=100_000, page=page)
            walked = _search(query, settings, limit=100, page=page)
            assert _ids(walked) == _ids(exact) and len(_ids(exact)) == 20
            assert set(_ids(walked)) <= labelled
            assert walked.total == exact.total and walked.total_exact
    narrow = "label=musee-de-france&region=84"
    assert _ids(_search(narrow, settings, limit=100, page=2)) == _ids(
        _search(narrow, settings, limit=100_000, page=2)
    )


def test_one_concept_is_counted_exactly_and_its_labels_estimated_when_many(many, settings):
    exact = _search("concept=geologie", settings, limit=100_000)
    estimated = _search("concept=geologie", settings, limit=100)
    geology = [pk for pk in Actor.objects.values_list("pk", flat=True) if pk % 3]
    assert exact.total == estimated.total == len(geology) and estimated.total_exact
    assert _ids(estimated) == _ids(exact)
    facets = {facet.name: facet for facet in estimated.facets}
    assert not facets["label"].exact and facets["concept"].exact and facets["region"].exact
    assert _facet(estimated, "concept") == _facet(exact, "concept")
    labelled = set(Actor.labels.through.objects.values_list("actor_id", flat=True))
    in_sample = [pk for pk in geology if pk % SAMPLE_MODULUS < 4 and pk in labelled]
    assert _facet(estimated, "label")["musee-de-france"] == estimate(len(in_sample), 16)
    assert _facet(exact, "label")["musee-de-france"] == len(set(geology) & labelled)
