"""Geocoding behind a provider: the commune's point offline; the IGN Géoplateforme API when
enabled, asked through the SSRF-safe fetch helper (a loopback server here, never the
Internet), falling back to the commune's point on any failure."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from ocim.core.models import Commune
from ocim.core.tests.servers import LoopbackServer, Reply
from ocim.inventory import geocoding
from ocim.inventory.geocoding import CommuneGeocoder, IgnGeocoder, geocode
from ocim.inventory.models import CoordinatesSource

from .import_support import load_communes

pytestmark = pytest.mark.django_db


@pytest.fixture
def dijon(tmp_path):
    load_communes(tmp_path / "geo-fr", codes=("21231",))
    return Commune.objects.get(insee_code="21231")


def _answer(longitude=5.0436, latitude=47.3188, score=0.93):
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                    "properties": {"label": "14 Rue Jehan de Marville 21000 Dijon", "score": score},
                }
            ],
        }
    ).encode()


@pytest.fixture
def loopback():
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def ign(settings, loopback):
    settings.OCIM_GEOCODER = "ign"
    settings.OCIM_GEOCODER_IGN_URL = loopback.url("/geocodage/search")
    settings.OCIM_GEOCODER_TIMEOUT = 1
    return loopback


def test_offline_the_actor_stands_at_its_communes_point(dijon, settings):
    settings.OCIM_GEOCODER = "commune"

    assert isinstance(geocoding.geocoder(), CommuneGeocoder)
    latitude, longitude, source = geocode(street="1 rue Jehan", postal_code="21000", commune=dijon)

    assert (latitude, longitude, source) == (47.32103, 5.04127, CoordinatesSource.COMMUNE)
    assert geocode(commune=None) is None


def test_the_ign_provider_asks_the_api_and_reads_its_geojson(dijon, ign):
    ign.reply("/geocodage/search", Reply(200, {"Content-Type": "application/geo+json"}, _answer()))

    result = geocode(street="14 rue Jehan-de-Marville", postal_code="21000", commune=dijon)

    assert tuple(result) == (47.3188, 5.0436, CoordinatesSource.GEOCODED)
    (request,) = ign.requests_to("/geocodage/search")
    query = parse_qs(urlsplit(request.path).query)
    assert query["q"] == ["14 rue Jehan-de-Marville 21000 Dijon"]
    assert query["citycode"] == ["21231"]
    assert query["limit"] == ["1"]


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, {"Content-Type": "application/json"}, _answer(score=0.2)),  # unsure
        Reply(200, {"Content-Type": "application/json"}, b'{"features": []}'),  # not found
        Reply(200, {"Content-Type": "application/json"}, b"<html>oops</html>"),  # not JSON
        Reply(200, {}, b'{"features": [{"geometry": {"coordinates": ["a"]}}]}'),  # nonsense
        Reply(503, {"Content-Type": "text/plain"}, b"maintenance"),  # down
        Reply(200, {"Content-Type": "application/json"}, _answer(), delay=3),  # too slow
    ],
)
def test_any_failure_of_the_api_falls_back_to_the_communes_point(dijon, ign, reply):
    ign.reply("/geocodage/search", reply)

    result = geocode(street="14 rue Jehan-de-Marville", postal_code="21000", commune=dijon)

    assert tuple(result) == (47.32103, 5.04127, CoordinatesSource.COMMUNE)
    assert len(ign.requests_to("/geocodage/search")) == 1


def test_the_api_is_reached_only_through_the_ssrf_safe_helper(dijon, settings, loopback):
    # Outside the test settings loopback is forbidden: the helper refuses, the commune wins.
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    settings.OCIM_GEOCODER = "ign"
    settings.OCIM_GEOCODER_IGN_URL = loopback.url("/geocodage/search")
    loopback.reply("/geocodage/search", Reply(200, {}, _answer()))

    result = geocode(street="14 rue Jehan-de-Marville", commune=dijon)

    assert result.source == CoordinatesSource.COMMUNE
    assert loopback.requests == []


def test_without_a_street_the_api_is_not_asked(dijon, ign):
    assert geocode(street="", postal_code="21000", commune=dijon).source == "commune"
    assert ign.requests == []
    assert (
        IgnGeocoder(url="http://127.0.0.1:9/").query(street="", postal_code="", commune=None)
        is None
    )


def test_an_import_geocodes_the_rows_without_coordinates_with_the_provider(
    dijon, ign, django_capture_on_commit_callbacks
):
    from ocim.inventory.models import Actor
    from ocim.inventory.services_import import import_job_create, import_preview, import_queue

    from .import_support import csv_bytes, upload

    ign.reply("/geocodage/search", Reply(200, {}, _answer()))
    data = csv_bytes([
        ["Nom", "Type", "Adresse", "Commune", "Latitude", "Longitude"],
        ["Muséum de Dijon", "Muséum d'histoire naturelle", "14 rue Jehan-de-Marville", "Dijon", "", ""],  # noqa: E501
        ["Jardin des sciences", "Jardin botanique, arboretum", "", "Dijon", "", ""],
        ["Planétarium", "Planétarium", "1 avenue Albert-Premier", "Dijon", "47.33", "5.03"],
    ])  # fmt: skip
    job = import_job_create(uploaded_file=upload(data), source="geo")
    job = import_preview(job=job, mapping=job.mapping)
    with django_capture_on_commit_callbacks(execute=True):
        import_queue(job=job, decisions={})

    places = {a.name: (a.latitude, a.longitude, a.coordinates_source) for a in Actor.objects.all()}
    assert places == {
        "Muséum de Dijon": (47.3188, 5.0436, "geocoded"),
        "Jardin des sciences": (47.32103, 5.04127, "commune"),
        "Planétarium": (47.33, 5.03, "entered"),
    }
    assert len(ign.requests) == 1
