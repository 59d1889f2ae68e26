"""Full-text search of the actors: accents, case and elisions aside, French stems, every word
required, in the name, other names, commune, type and description; ranked name first. The same
behaviour on SQLite (stems computed in Python) and PostgreSQL (tsvector over unaccent)."""

import pytest
from django.core.management import call_command
from django.db import connection

from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import Actor, ActorType
from ocim.inventory.models_directory import ActorSearchIndex
from ocim.inventory.search import (
    actor_search_index_rebuild,
    actor_search_rank,
    query_words,
)
from ocim.inventory.selectors import actors_filtered
from ocim.inventory.services import actor_save

from .directory_fixtures import actor, places

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample():
    where = places()
    return {
        "museum": actor(
            "Musée des Beaux-Arts de Dijon",
            "ecomusee-musee-societe",
            commune=where.dijon,
            description="<p>Des <strong>Événements</strong> toute l'année.</p>",
        ),
        "herbier": actor(
            "L’Herbier de Bourgogne",
            "jardin-botanique-arboretum",
            commune=where.beaune,
            other_names="HDB\nConservatoire botanique",
        ),
        "confluences": actor(
            "Musée des Confluences",
            "museum-histoire-naturelle",
            commune=where.lyon,
            description="<p>Sciences naturelles et sociétés humaines.</p>",
        ),
        "planetarium": actor("Planétarium de Vaulx-en-Velin", "planetarium", commune=where.lyon),
        "fablab": actor(
            "La Paillasse",
            "tiers-lieu-fablab",
            commune=where.villeurbanne,
            description="<p>Un fablab où l'on parle de musées.</p>",
        ),
    }


def _found(query: str) -> set[str]:
    return set(actors_filtered(ActorFilters(q=query)).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # French stems, plural and accents aside.
        (
            "musées",
            {"Musée des Beaux-Arts de Dijon", "Musée des Confluences", "La Paillasse"},
        ),
        (
            "MUSEE",
            {"Musée des Beaux-Arts de Dijon", "Musée des Confluences", "La Paillasse"},
        ),
        # Accent-insensitive stems in the description.
        ("evenement", {"Musée des Beaux-Arts de Dijon"}),
        ("évènements", {"Musée des Beaux-Arts de Dijon"}),
        # Elision (typographic apostrophe in the name, straight one in the query).
        ("l'herbier", {"L’Herbier de Bourgogne"}),
        ("herbiers", {"L’Herbier de Bourgogne"}),
        # Other names, commune, type.
        ("HDB", {"L’Herbier de Bourgogne"}),
        ("conservatoire", {"L’Herbier de Bourgogne"}),
        ("villeurbanne", {"La Paillasse"}),
        ("planetarium", {"Planétarium de Vaulx-en-Velin"}),
        ("arboretum", {"L’Herbier de Bourgogne"}),
        ("fablab", {"La Paillasse"}),
        # Every word required.
        ("musée lyon", {"Musée des Confluences"}),
        ("musée dijon", {"Musée des Beaux-Arts de Dijon"}),
        ("musée bordeaux", set()),
        ("zzzz", set()),
    ],
)
def test_every_word_is_found_by_stem_accents_and_elisions_aside(sample, query, expected):
    assert _found(query) == expected


def test_a_query_without_searchable_words_filters_nothing(sample):
    for query in ("", "   ", "le la les", "!!! ???", "\"'", "d'"):
        assert query_words(query) == []
        assert _found(query) == set(Actor.objects.values_list("name", flat=True))


MUSEUMS = {"Musée des Beaux-Arts de Dijon", "Musée des Confluences", "La Paillasse"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"musée', MUSEUMS),
        ("musée & | ! ( ) : * <-> musée:*", MUSEUMS),
        ("🙂 musée 🦕", MUSEUMS),
        ("musée\x00dijon", {"Musée des Beaux-Arts de Dijon"}),
        ("x" * 2000, None),  # no searchable word: every actor
        ("%_\\", None),
    ],
)
def test_operators_quotes_emoji_and_long_words_are_plain_text(sample, query, expected):
    # Characters that mean something to tsquery or LIKE are plain separators.
    actors = actors_filtered(ActorFilters(q=query))
    if query_words(query):
        actors = actors.annotate(rank=actor_search_rank(query)).order_by("-rank")
    names = set(actors.values_list("name", flat=True))
    assert names == (expected if expected is not None else {item.name for item in sample.values()})


def test_names_rank_before_descriptions(sample):
    rank = actor_search_rank("musées")
    ordered = list(
        actors_filtered(ActorFilters(q="musées"))
        .annotate(rank=rank)
        .order_by("-rank", "name")
        .values_list("name", flat=True)
    )
    assert ordered[-1] == "La Paillasse"  # only in its description


def test_saving_an_actor_updates_its_index(sample):
    museum = sample["museum"]
    museum.name = "Muséum du Jardin de l'Arquebuse"
    museum.description = ""
    actor_save(museum)
    assert "Muséum du Jardin de l'Arquebuse" in _found("arquebuse")
    assert museum.name not in _found("evenement")
    assert ActorSearchIndex.objects.count() == Actor.objects.count()


def test_rebuild_indexes_actors_written_without_the_service_and_drops_orphans(sample):
    # A bulk import writes rows directly, then rebuilds the index of what it wrote.
    where_type = ActorType.objects.get(slug="zoo-aquarium")
    bulk = Actor.objects.create(
        name="Aquarium tropical",
        slug="aquarium-tropical",
        type=where_type,
        family=where_type.family,
    )
    assert "Aquarium tropical" not in _found("aquarium")
    assert actor_search_index_rebuild([bulk.pk]) == 1
    assert _found("aquariums") == {"Aquarium tropical"}
    # The whole index, as the management command does.
    ActorSearchIndex.objects.all().delete()
    call_command("inventory_search_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ActorSearchIndex.objects.count() == Actor.objects.count()
    assert _found("herbier") == {"L’Herbier de Bourgogne"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vectors only")
def test_the_bulk_rebuild_writes_the_same_vectors_as_each_save(sample):
    sample["fablab"].description = "<p>R&amp;D, &lt;code&gt; et l’atelier d'électronique.</p>"
    actor_save(sample["fablab"])
    saved = dict(ActorSearchIndex.objects.values_list("actor_id", "vector"))
    assert actor_search_index_rebuild() == len(sample)
    assert dict(ActorSearchIndex.objects.values_list("actor_id", "vector")) == saved
    assert _found("atelier electronique") == {"La Paillasse"}


def test_each_write_renews_the_generation_and_once_more_at_commit(sample):
    from ocim.inventory.search import _generation_renew, search_generation

    before = search_generation()
    actor_save(sample["museum"])
    assert search_generation() != before
    # The test's transaction saw six saves: one callback waits for its commit.
    pending = [item for item in connection.run_on_commit if item[1] is _generation_renew]
    assert len(pending) == 1
