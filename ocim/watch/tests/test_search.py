"""Full-text search of the items (``ocim.watch.search``), on the engine the suite runs on
(SQLite FTS5 or PostgreSQL): French and English stems, accents, case and elisions aside; every
word required; the index written in bulk by ``items_index``."""

import pytest
from django.db import connection

from ocim.watch.models import Item, ItemSearchIndex
from ocim.watch.search import item_search_condition, items_index, items_index_rebuild

from .admin_builders import SourceFactory, item

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    condition = item_search_condition(query)
    assert condition is not None, f"{query!r} has no searchable word"
    return set(Item.objects.filter(condition).values_list("title", flat=True))


@pytest.fixture
def items():
    source = SourceFactory()
    return {
        "musees": item(
            source=source,
            title="Les Musées de Lyon rouvrent leurs réserves",
            summary="Visites guidées des collections d'histoire naturelle.",
        ),
        "herbier": item(
            source=source,
            title="L'Herbier numérisé",
            content="Le jardin botanique publie ses planches d'herbier en ligne.",
        ),
        "evenement": item(source=source, title="Un évènement pour la Fête de la science"),
        "science_centres": item(
            source=source,
            title="Science centres open new exhibitions",
            summary="Museums across Europe welcome families.",
            language="en",
        ),
        "german": item(source=source, title="Naturkundemuseum Berlin", language="de"),
    }


def test_french_words_are_found_whatever_their_accents_case_and_number(items):
    title = items["musees"].title
    for query in ("musée", "MUSEES", "musees", "Musée", "réserve", "reserves"):
        assert title in found(query), query
    assert items["evenement"].title in found("evenements")
    assert items["evenement"].title in found("ÉVÉNEMENT".replace("É", "E", 1))


def test_elisions_do_not_hide_words(items):
    assert items["herbier"].title in found("herbier")
    assert items["herbier"].title in found("l'herbier")
    assert items["musees"].title in found("histoire")


def test_english_items_are_found_by_their_stems(items):
    title = items["science_centres"].title
    assert title in found("exhibition")
    assert title in found("centre")
    assert title in found("museum families")


def test_items_in_other_languages_are_found_word_for_word(items):
    assert found("naturkundemuseum") == {items["german"].title}


def test_every_word_of_the_query_is_required(items):
    assert found("musées lyon") == {items["musees"].title}
    assert found("musées berlin") == set()


def test_the_content_and_the_full_text_are_searched(items):
    assert items["herbier"].title in found("planches")
    record = items["german"]
    record.full_text = "Die Sammlung umfasst dreißig Millionen Objekte."
    record.save()
    items_index([record.pk])
    assert found("sammlung") == {record.title}


def test_a_query_without_searchable_words_filters_nothing(items):
    assert item_search_condition("") is None
    assert item_search_condition("le la les of the") is None
    assert item_search_condition("  ' ! ?  ") is None


@pytest.mark.parametrize(
    "query",
    [
        'musée"',
        "musée OR herbier",
        "NEAR(musée herbier)",
        "musée*",
        "-musée",
        "musée AND (",
        "col:musée",
        "musée\x00herbier",
        "%' OR 1=1 -- musée",
    ],
)
def test_query_syntax_is_plain_text(items, query):
    condition = item_search_condition(query)
    assert condition is not None
    list(Item.objects.filter(condition))  # no syntax error reaches the database


def test_reindexing_follows_the_items_text(items):
    record = items["musees"]
    record.title = "Les muséums d'histoire naturelle"
    record.summary = ""
    record.save()
    assert items_index([record.pk]) == 1
    assert record.title in found("muséum")
    assert found("réserves") == set()


def test_deleted_items_leave_the_index(items):
    record = items["herbier"]
    record.delete()
    assert not ItemSearchIndex.objects.filter(item_id=record.pk).exists()
    assert found("herbier") == set()


def test_unknown_ids_are_ignored_and_indexing_is_idempotent(items):
    ids = [record.pk for record in items.values()]
    assert items_index([*ids, 999_999]) == len(ids)
    assert items_index(ids) == len(ids)
    assert ItemSearchIndex.objects.count() == len(ids)
    assert items_index([]) == 0


def test_indexing_in_bulk_costs_a_constant_number_of_queries(django_assert_max_num_queries):
    source = SourceFactory()
    records = [item(source=source, title=f"Exposition numéro {n}", index=False) for n in range(120)]
    ids = [record.pk for record in records]
    # One read of the texts, one write of the vectors (PostgreSQL) or terms (SQLite).
    with django_assert_max_num_queries(2):
        assert items_index(ids) == 120
    assert len(found("exposition")) == 120


def test_the_rebuild_indexes_every_item(items):
    ItemSearchIndex.objects.all().delete()
    assert found("herbier") == set()
    assert items_index_rebuild() == len(items)
    assert items["herbier"].title in found("herbier")


def test_the_rebuild_command_reports_the_items_indexed(items):
    from io import StringIO

    from django.core.management import call_command

    ItemSearchIndex.objects.all().delete()
    out = StringIO()
    call_command("watch_search_rebuild", stdout=out)
    assert out.getvalue().strip() == f"{len(items)} items indexed."
    assert items["musees"].title in found("musée")


def test_a_word_whose_stems_differ_between_stemmers_is_found(items):
    # The vectors hold the stems computed in Python; PostgreSQL's own English stemmer cuts
    # "university" to "univers", Python's to "universiti": the query asks for both.
    record = item(title="The university opens its museum", language="en")
    assert record.title in found("university")
    assert record.title in found("universities")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector")
def test_vectors_hold_each_stem_once_and_rows_written_by_postgresql_are_still_found(items):
    from ocim.watch.search import pg_vector

    record = items["musees"]
    vector = pg_vector(record)
    terms = vector.split()
    assert len(terms) == len(set(terms)) and "muse" in terms and "lyon" in terms
    # A row indexed before the vectors were computed in Python (by to_tsvector) is found
    # until the rebuild.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE watch_itemsearchindex SET vector = to_tsvector('english', %s) "
            "WHERE item_id = %s",
            ["The University reopens", record.pk],
        )
    assert record.title in found("university")
