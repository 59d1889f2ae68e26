"""Territory selectors: postal codes, name search, lookups and lists."""

import pytest
from django.utils import translation

from ocim.core.errors import NotFoundError
from ocim.core.selectors import (
    commune_get,
    commune_search,
    communes_for_postal_code,
    department_list,
    normalize_search_text,
    region_list,
    territory_boundaries_path,
)
from ocim.core.services import territories_load

from .test_territories import write_geo_files


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (their msgid); the site default is French.
    with translation.override("en"):
        yield


@pytest.fixture
def territories(db, tmp_path):
    territories_load(data_dir=write_geo_files(tmp_path / "geo-fr"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("st etienne", "saint etienne"),
        ("Ste-Marie", "sainte marie"),
        ("Pont-l'Évêque", "pont l eveque"),
        ("Pont-l’Évêque", "pont l eveque"),
        ("  CŒUR   de   France ", "coeur de france"),
        ("", ""),
    ],
)
def test_normalize_search_text(text, expected):
    assert normalize_search_text(text) == expected


def test_communes_sharing_a_postal_code_come_most_populated_first(territories):
    names = [commune.name for commune in communes_for_postal_code("72300")]
    assert names == ["Sablé-sur-Sarthe", "Parcé-sur-Sarthe", "Louailles"]


def test_a_commune_with_several_postal_codes_is_found_by_each(territories):
    for code in ("42000", "42100", "42230", " 42 100 "):
        assert [commune.insee_code for commune in communes_for_postal_code(code)] == ["42218"]


@pytest.mark.parametrize("code", ["", "99999", "4200", "abcde", None])
def test_unknown_or_malformed_postal_codes_give_no_commune(territories, code):
    assert communes_for_postal_code(code) == []


def test_search_ignores_accents_case_and_hyphens(territories):
    assert [c.name for c in commune_search("eveque")] == ["Pont-l'Évêque"]
    assert [c.name for c in commune_search("PONT L EVEQUE")] == ["Pont-l'Évêque"]
    assert [c.name for c in commune_search("Sablé")] == ["Sablé-sur-Sarthe"]


def test_search_ranks_prefix_matches_by_population_before_inner_words(territories):
    names = [c.name for c in commune_search("saint etienne")]
    assert names == ["Saint-Étienne", "Saint-Étienne-le-Molard"]
    assert commune_search("st étienne")[0].name == "Saint-Étienne"
    # "saint" starts three names (by population), then appears inside one.
    assert [c.name for c in commune_search("saint")] == [
        "Saint-Étienne",
        "Saint-Chamond",
        "Saint-Étienne-le-Molard",
    ]
    assert [c.name for c in commune_search("sarthe")] == ["Sablé-sur-Sarthe", "Parcé-sur-Sarthe"]


def test_search_accepts_postal_and_insee_codes_and_respects_the_limit(territories):
    assert [c.name for c in commune_search("21000")] == ["Dijon"]
    assert [c.name for c in commune_search("2a004")] == ["Ajaccio"]
    assert len(commune_search("sarthe", limit=1)) == 1
    assert commune_search("   ") == []
    assert commune_search("zzzz") == []
    assert commune_search("'-") == []


def test_commune_get_returns_the_commune_or_a_clear_not_found(territories):
    ajaccio = commune_get("2a004")
    assert ajaccio.name == "Ajaccio"
    assert ajaccio.department.region.name == "Corse"
    with pytest.raises(NotFoundError, match="No commune has the INSEE code 99999"):
        commune_get("99999")


def test_region_and_department_lists(territories):
    assert [region.name for region in region_list()][:2] == [
        "Auvergne-Rhône-Alpes",
        "Bourgogne-Franche-Comté",
    ]
    assert [department.code for department in department_list()] == ["14", "21", "2A", "42", "72"]
    assert [department.name for department in department_list(region_code="27")] == ["Côte-d'Or"]


def test_boundaries_are_shipped_with_the_project():
    assert territory_boundaries_path("regions").is_file()
    assert territory_boundaries_path("departements").is_file()
    with pytest.raises(ValueError):
        territory_boundaries_path("communes")
