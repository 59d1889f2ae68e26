"""The map's API: actors of a box clustered on the server (never more than 1,000 features, the
counts adding up to the filtered total), the directory's filters applied, bad boxes and zooms
refused with a translated message (never a 500), the choropleth's numbers and the boundaries."""

import gzip
import json

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.inventory import map_grid
from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import Actor, ActorType
from ocim.inventory.selectors import actors_filtered
from ocim.inventory.selectors_map import MAX_FEATURES
from ocim.inventory.services import actor_save

from .map_fixtures import bulk, grid, map_territories  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("map_territories")]

FRANCE = "-5.5,41,10,51.5"
WORLD = "-180,-90,180,90"


def _get(client, **params):
    return client.get(reverse("api:inventory_map_features"), params)


def _counted(data) -> int:
    return sum(
        feature["properties"]["count"] if feature["properties"]["kind"] == "cluster" else 1
        for feature in data["features"]
    )


# --- The grid --------------------------------------------------------------------------------


def test_a_cell_at_any_level_holds_its_points_and_nests_in_the_coarser_ones():
    latitude, longitude = 48.8566, 2.3522
    code = map_grid.map_cell(latitude, longitude)
    for level in (0, 3, 8, 14, 20):
        cell = code >> map_grid.cell_shift(level)
        west, south, east, north = map_grid.cell_bounds(cell, level)
        assert west <= longitude <= east and south <= latitude <= north
        if level:
            assert cell >> 2 == code >> map_grid.cell_shift(level - 1)
    assert map_grid.map_cell(None, None) is None
    # The poles and the antimeridian stay on the grid.
    assert map_grid.map_cell(90, 180) >= 0 and map_grid.map_cell(-90, -180) >= 0


def test_the_services_keep_the_cell_in_step_with_the_coordinates():
    actor = Actor(name="Planétarium", type=ActorType.objects.get(slug="planetarium"))
    actor.latitude, actor.longitude = 47.32, 5.04
    revision = actor_save(actor)
    actor.refresh_from_db()
    assert actor.map_cell == map_grid.map_cell(47.32, 5.04)
    assert "map_cell" not in revision.snapshot
    actor.latitude = actor.longitude = None
    actor_save(actor)
    actor.refresh_from_db()
    assert actor.map_cell is None


# --- Features ----------------------------------------------------------------------------------


def test_few_actors_come_one_by_one_with_what_the_map_shows(client):
    bulk([(48.85, 2.35), (48.86, 2.34)])
    Actor.objects.create(
        name="Sans lieu",
        slug="sans-lieu",
        type=ActorType.objects.get(slug="planetarium"),
        family_id=ActorType.objects.get(slug="planetarium").family_id,
    )
    response = _get(client, bbox=FRANCE, zoom=5)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["mode"] == "actors"
    assert data["total"] == 2  # the actor without coordinates is not on the map
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.35, 48.85]}
    assert feature["properties"] == {
        "kind": "actor",
        "id": feature["id"],
        "name": "Acteur a0",
        "slug": "acteur-a0",
        "url": reverse("inventory:actor", kwargs={"slug": "acteur-a0"}),
        "family": "centres-sciences",
        "family_name": ActorType.objects.get(slug="planetarium").family.name_fr,
        "type": "planetarium",
        "type_name": "Planétarium",
    }


def test_many_actors_are_clustered_and_the_counts_add_up_to_the_filtered_total(client):
    bulk(grid(20, 20))  # 400 actors over France
    bulk(grid(5, 5), type_slug="jardin-botanique-arboretum", prefix="j")
    data = _get(client, bbox=FRANCE, zoom=5).json()
    assert data["mode"] == "clusters"
    assert data["total"] == 425 == _counted(data)
    clusters = [f for f in data["features"] if f["properties"]["kind"] == "cluster"]
    assert clusters and all(f["properties"]["count"] > 1 for f in clusters)
    for feature in clusters:
        west, south, east, north = feature["bbox"]
        longitude, latitude = feature["geometry"]["coordinates"]
        assert west <= longitude <= east and south <= latitude <= north
    # Filtered: only the gardens, each one a cluster or a point, adding up again.
    data = _get(client, bbox=FRANCE, zoom=5, family="collections-vivantes").json()
    expected = actors_filtered(ActorFilters(families=("collections-vivantes",))).count()
    assert data["total"] == expected == 25 == _counted(data)
    assert data["mode"] == "actors"
    assert {f["properties"]["type"] for f in data["features"]} == {"jardin-botanique-arboretum"}


def test_big_answers_are_compressed_for_clients_that_accept_it(client):
    bulk(grid(20, 20))
    plain = _get(client, bbox=FRANCE, zoom=12)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    compressed = client.get(
        reverse("api:inventory_map_features"),
        {"bbox": FRANCE, "zoom": 12},
        HTTP_ACCEPT_ENCODING="gzip, deflate",
    )
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content


def test_a_box_shows_only_its_own_actors(client):
    bulk(grid(20, 20))
    data = _get(client, bbox="-1,45,3,49", zoom=7).json()
    inside = Actor.objects.filter(
        latitude__gte=45, latitude__lte=49, longitude__gte=-1, longitude__lte=3
    ).count()
    assert 0 < data["total"] == inside == _counted(data) < 400


def test_never_more_than_a_thousand_features_whatever_the_data(client):
    bulk(grid(45, 45))  # 2,025 actors, each in its own place
    for zoom, bbox in ((0, WORLD), (5, FRANCE), (12, FRANCE), (20, FRANCE), (20, WORLD)):
        data = _get(client, bbox=bbox, zoom=zoom).json()
        assert len(data["features"]) <= MAX_FEATURES
        assert data["total"] == 2025 == _counted(data)
        assert data["mode"] == "clusters"


def test_zoomed_in_the_actors_come_one_by_one_unless_too_many(client):
    bulk([(48.85 + index * 1e-4, 2.35) for index in range(300)])
    data = _get(client, bbox="2.3,48.8,2.4,48.9", zoom=14).json()
    assert data["mode"] == "actors" and len(data["features"]) == 300
    # 1,200 actors in the same place: more than the limit, so one cluster even fully zoomed.
    bulk([(48.87, 2.38)] * 1200, prefix="b")
    data = _get(client, bbox="2.3,48.8,2.4,48.9", zoom=20).json()
    assert data["mode"] == "clusters" and len(data["features"]) <= MAX_FEATURES
    assert data["total"] == 1500 == _counted(data)
    assert max(f["properties"].get("count", 1) for f in data["features"]) >= 1200


def test_a_lonely_actor_among_clusters_comes_as_itself(client):
    bulk(grid(20, 20))
    bulk([(16.25, -61.55)], prefix="guadeloupe")
    data = _get(client, bbox=WORLD, zoom=2).json()
    assert data["mode"] == "clusters"
    lonely = [f for f in data["features"] if f["properties"]["kind"] == "actor"]
    assert [f["properties"]["slug"] for f in lonely] == ["acteur-guadeloupe0"]
    assert data["total"] == 401 == _counted(data)


def test_unknown_filter_values_are_left_out_and_reported(client):
    bulk([(48.85, 2.35)])
    data = _get(client, bbox=FRANCE, zoom=5, status="ajar").json()
    assert data["total"] == 1
    assert data["warnings"] == [
        _("The filter “%(name)s” does not accept the value “%(value)s”.")
        % {"name": "status", "value": "ajar"}
    ]


BAD_BOX = _(
    "“bbox” must be four numbers separated by commas: west,south,east,north (WGS84 degrees)."
)
OUT_OF_RANGE = _(
    "“bbox” is out of range: longitudes go from -180 to 180 and latitudes from -90 to 90."
)
WRONG_ORDER = _(
    "“bbox” must have its west edge before its east edge and its south edge below its north "
    "edge; a box across the antimeridian is not supported (ask for each side separately)."
)
BAD_ZOOM = _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.") % {
    "name": "zoom",
    "minimum": 0,
    "maximum": 20,
}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"zoom": "5"}, _("“bbox” is required: west,south,east,north in degrees (WGS84).")),
        ({"bbox": "1,2,3", "zoom": "5"}, BAD_BOX),
        ({"bbox": "a,b,c,d", "zoom": "5"}, BAD_BOX),
        ({"bbox": "nan,41,10,51", "zoom": "5"}, BAD_BOX),
        ({"bbox": "1e999,41,10,51", "zoom": "5"}, BAD_BOX),
        ({"bbox": "-5,41,10,51,3", "zoom": "5"}, BAD_BOX),
        ({"bbox": "-200,41,10,51", "zoom": "5"}, OUT_OF_RANGE),
        ({"bbox": "-5,-91,10,51", "zoom": "5"}, OUT_OF_RANGE),
        ({"bbox": "170,-20,-170,20", "zoom": "5"}, WRONG_ORDER),
        ({"bbox": "-5,51,10,41", "zoom": "5"}, WRONG_ORDER),
        ({"bbox": "2,41,2,51", "zoom": "5"}, WRONG_ORDER),
        ({"bbox": FRANCE}, BAD_ZOOM),
        ({"bbox": FRANCE, "zoom": "21"}, BAD_ZOOM),
        ({"bbox": FRANCE, "zoom": "-1"}, BAD_ZOOM),
        ({"bbox": FRANCE, "zoom": "5.5"}, BAD_ZOOM),
        ({"bbox": FRANCE, "zoom": "９"}, BAD_ZOOM),
    ],
)
def test_a_bad_box_or_zoom_is_refused_with_a_clear_message(client, params, message):
    response = _get(client, **params)
    assert response.status_code == 400
    assert response.json() == {"error": message, "status": 400}


def test_the_messages_follow_the_language_of_the_request(client):
    response = client.get(
        reverse("api:inventory_map_features"), {"bbox": "x", "zoom": "3"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("“bbox” must be four numbers")


# --- Choropleth --------------------------------------------------------------------------------


def test_the_choropleth_counts_per_region_and_per_inhabitants(client):
    bulk([(48.85, 2.35)] * 3)
    bulk([(47.32, 5.04)] * 2, department="21", region="27", prefix="d")
    bulk([(47.24, 6.02)], department="25", region="27", prefix="b", type_slug="musee-sante")
    response = client.get(reverse("api:inventory_map_choropleth"), {"level": "region"})
    assert response.status_code == 200
    data = response.json()
    assert data["level"] == "region" and data["total"] == 6 and data["max_count"] == 3
    assert data["areas"]["11"] == {
        "name": "Île-de-France",
        "count": 3,
        "population": 12_174_880,
        "per_100k": round(3 * 100_000 / 12_174_880, 2),
    }
    assert data["areas"]["27"]["count"] == 3
    assert data["areas"]["27"]["per_100k"] == round(3 * 100_000 / 2_811_423, 2)
    assert data["max_per_100k"] == data["areas"]["27"]["per_100k"]
    # Unknown population: no ratio rather than a division by zero.
    assert data["areas"]["06"] == {"name": "Mayotte", "count": 0, "population": 0, "per_100k": None}

    data = client.get(
        reverse("api:inventory_map_choropleth"), {"level": "department", "type": "musee-sante"}
    ).json()
    assert data["total"] == 1
    assert {code: area["count"] for code, area in data["areas"].items()} == {
        "75": 0,
        "21": 0,
        "25": 1,
    }
    assert data["areas"]["25"]["per_100k"] == round(100_000 / 543_974, 2)


@pytest.mark.parametrize("level", [None, "", "commune", "regions"])
def test_the_choropleth_refuses_an_unknown_level(client, level):
    params = {} if level is None else {"level": level}
    response = client.get(reverse("api:inventory_map_choropleth"), params)
    assert response.status_code == 400
    assert response.json() == {
        "error": _("“level” must be “region” or “department”."),
        "status": 400,
    }


# --- Boundaries --------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "features"), [("regions", 18), ("departments", 101)])
def test_the_boundaries_are_served_with_caching_headers(client, level, features):
    url = reverse("api:inventory_map_boundaries", kwargs={"level": level})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert "max-age=604800" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == features
    assert {"code", "name"} <= set(data["features"][0]["properties"])

    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == response.content
    assert len(compressed.content) < len(response.content) / 2

    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert compressed["ETag"] != response["ETag"]  # two representations, two tags
    again = client.get(url, HTTP_IF_NONE_MATCH=compressed["ETag"], HTTP_ACCEPT_ENCODING="gzip")
    assert again.status_code == 304


def test_unknown_boundaries_are_a_json_404(client):
    url = reverse("api:inventory_map_boundaries", kwargs={"level": "communes"})
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"error": _("Not found."), "status": 404}
