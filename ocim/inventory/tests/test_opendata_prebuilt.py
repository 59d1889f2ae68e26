"""The open-data files of the whole inventory written ahead: the unfiltered exports are served
from them, byte for byte what the request would write, and only while they hold the data as
it is now; the periodic job writes them again when the data changed, and only then."""

import io
import json

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from ocim.core.scheduler import periodic_registry
from ocim.inventory import opendata_prebuilt
from ocim.inventory.models import ActorType, OpenDataFile, RevisionSource
from ocim.inventory.opendata_prebuilt import opendata_prebuilt_refresh
from ocim.inventory.services import actor_save

from .admin_builders import actor, territories
from .directory_fixtures import seed_typology

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inventory/"


@pytest.fixture
def inventory():
    places = territories()
    garden = actor("Jardin des sciences", commune=places["dijon"], labels=["musee-de-france"])
    actor('=HYPERLINK("http://piege.example")', type_slug="planetarium", commune=places["lyon"])
    return garden


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_files_written_ahead_are_what_the_request_writes(client, inventory):
    # Nothing written yet: each export is written in the request.
    on_demand = {name: _body(client.get(BASE + f"actors.{name}")) for name in ("csv", "geojson")}
    assert opendata_prebuilt_refresh() == ["csv", "xlsx", "geojson"]
    files = {item.format: item for item in OpenDataFile.objects.all()}
    assert {item.actors for item in files.values()} == {2}
    response = client.get(BASE + "actors.csv")
    assert response["Last-Modified"] and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ocim-inventaire-acteurs.csv"'
    assert "etalab" in response["Link"]
    assert _body(response) == on_demand["csv"]
    # The GeoJSON names the schema at the site's own address (no request when written).
    written = json.loads(_body(client.get(BASE + "actors.geojson")))
    asked = json.loads(on_demand["geojson"])
    assert written["features"] == asked["features"] and written["licence"] == asked["licence"]
    assert written["schema_url"].endswith("/api/v1/inventory/schema.json")
    rows = list(
        load_workbook(
            io.BytesIO(_body(client.get(BASE + "actors.xlsx"))), read_only=True
        ).active.iter_rows(values_only=True)
    )
    assert [row[1] for row in rows[1:]] == [
        "Jardin des sciences",
        '\'=HYPERLINK("http://piege.example")',
    ]
    assert files["xlsx"].size == default_storage.size(files["xlsx"].file.name)


def test_a_file_is_never_served_once_the_data_changed(client, inventory):
    opendata_prebuilt_refresh()
    first = {item.format: item.file.name for item in OpenDataFile.objects.all()}
    inventory.name = "Jardin des sciences de Dijon"
    actor_save(inventory, user=None, source=RevisionSource.ADMIN)
    # Served from the data, not from the file written before the change.
    response = client.get(BASE + "actors.csv")
    assert "Last-Modified" not in response
    assert "Jardin des sciences de Dijon" in _body(response).decode()
    # A type renamed changes what the files show too.
    opendata_prebuilt_refresh()
    ActorType.objects.filter(slug="planetarium").update(name_fr="Planétarium (renommé)")
    assert opendata_prebuilt.current_file("csv") is None
    # The job writes them again and removes the files they replace.
    assert opendata_prebuilt_refresh() == ["csv", "xlsx", "geojson"]
    assert "Planétarium (renommé)" in _body(client.get(BASE + "actors.csv")).decode()
    for name in first.values():
        assert not default_storage.exists(name)


def test_the_job_writes_nothing_while_the_data_is_unchanged(inventory):
    assert opendata_prebuilt_refresh() == ["csv", "xlsx", "geojson"]
    built = list(OpenDataFile.objects.order_by("format").values_list("file", "built_at"))
    assert opendata_prebuilt_refresh() == []
    assert list(OpenDataFile.objects.order_by("format").values_list("file", "built_at")) == built
    assert periodic_registry.get("inventory.opendata.refresh") is not None


def test_a_filtered_export_is_always_written_in_the_request(client, inventory):
    opendata_prebuilt_refresh()
    response = client.get(BASE + "actors.csv?label=musee-de-france")
    assert "Last-Modified" not in response
    text = _body(response).decode()
    assert "Jardin des sciences" in text and "HYPERLINK" not in text


def test_a_file_gone_from_storage_is_written_in_the_request(client, inventory):
    opendata_prebuilt_refresh()
    default_storage.delete(OpenDataFile.objects.get(format="csv").file.name)
    response = client.get(BASE + "actors.csv")
    assert response.status_code == 200 and "Last-Modified" not in response
    assert "Jardin des sciences" in _body(response).decode()
    # The job notices and writes it again.
    assert opendata_prebuilt_refresh() == ["csv", "xlsx", "geojson"]


@pytest.mark.django_db(transaction=True)
def test_the_job_reads_one_snapshot_in_its_own_transaction(client):
    # As the worker runs it: outside any transaction (PostgreSQL: repeatable read).
    seed_typology()  # a transactional test before may have flushed it
    places = territories()
    actor("Jardin des sciences", commune=places["dijon"])
    assert opendata_prebuilt_refresh() == ["csv", "xlsx", "geojson"]
    assert "Jardin des sciences" in _body(client.get(BASE + "actors.csv")).decode()
    assert OpenDataFile.objects.get(format="csv").actors == 1
