"""concept_search(), concept_tree() and friends, on the shipped vocabulary."""

import pytest

from ocim.core.errors import NotFoundError
from ocim.core.models import Concept
from ocim.core.selectors import (
    concept_descendant_ids,
    concept_get,
    concept_search,
    concept_tree,
)
from ocim.core.services import thesaurus_load


@pytest.fixture
def vocabulary(db):
    thesaurus_load()


def slugs(concepts):
    return [c.slug for c in concepts]


@pytest.mark.parametrize(
    ("text", "expected_first"),
    [
        ("CCSTI", "science-centre"),  # French synonym, upper case
        ("science center", "science-centre"),  # English synonym, US spelling
        ("Centre de sciences", "science-centre"),  # French label
        ("montage osteologique", "osteology"),  # synonym without accents
        ("Ostéologie", "osteology"),
        ("planetarium", "planetarium"),
        ("citizen science", "participatory-science"),
        ("sciences participatives", "participatory-science"),
        ("écomusée", "ecomuseum"),
        ("ECOMUSEE", "ecomuseum"),
        ("taxidermie", "taxidermy"),
        ("travelling exhibition", "travelling-exhibition"),
        ("conservation preventive", "preventive-conservation"),
        ("IA", "artificial-intelligence"),
    ],
)
def test_search_matches_labels_and_synonyms_in_both_languages(vocabulary, text, expected_first):
    assert slugs(concept_search(text))[0] == expected_first


def test_exact_labels_rank_before_prefixes_and_inner_words(vocabulary):
    results = slugs(concept_search("musée"))
    assert results[0] == "museum"
    assert "musee-de-france" in results
    assert "medical-museum" in results  # "Musée de la médecine…" (prefix)
    assert results.index("museum") < results.index("medical-museum")


def test_search_respects_the_limit_and_ignores_empty_queries(vocabulary):
    assert len(concept_search("m", limit=3)) == 3
    assert concept_search("") == []
    assert concept_search("  '-  ") == []
    assert concept_search("zzzzzz") == []


def test_concept_added_by_staff_is_found(vocabulary):
    Concept.objects.create(
        slug="herbier-numerique", label_fr="Herbier numérique", label_en="Digital herbarium",
        synonyms_en=["e-herbarium"],
    )  # fmt: skip
    assert slugs(concept_search("e-herbarium")) == ["herbier-numerique"]


def test_tree_has_the_ten_facets_and_every_concept_once(vocabulary):
    roots = concept_tree()

    assert {node.concept.slug for node in roots} == {
        "institution-types", "disciplines", "mediation", "exhibitions", "collections",
        "audiences", "digital", "sustainability", "research", "professional-practice",
    }  # fmt: skip
    seen = []

    def walk(nodes):
        for node in nodes:
            seen.append(node.concept.slug)
            walk(node.children)

    walk(roots)
    assert len(seen) == len(set(seen)) == Concept.objects.count()
    collections = next(node for node in roots if node.concept.slug == "collections")
    natural_history = next(
        n for n in collections.children if n.concept.slug == "natural-history-collections"
    )
    assert "osteology" in [n.concept.slug for n in natural_history.children]


def test_tree_survives_a_cycle_made_by_hand(db):
    a = Concept.objects.create(slug="a", label_fr="A", label_en="A")
    b = Concept.objects.create(slug="b", label_fr="B", label_en="B", broader=a)
    Concept.objects.filter(pk=a.pk).update(broader=b)

    roots = concept_tree()

    assert len(roots) == 1
    assert [child.concept.slug for child in roots[0].children] in (["a"], ["b"])


def test_descendants_and_get(vocabulary):
    collections = concept_get("collections")
    ids = concept_descendant_ids(collections)
    assert Concept.objects.get(slug="osteology").pk in ids
    assert Concept.objects.get(slug="planetarium").pk not in ids
    with pytest.raises(NotFoundError):
        concept_get("no-such-concept")
