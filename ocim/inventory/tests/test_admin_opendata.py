"""Open data of the inventory through the API: JSON (paginated), CSV, XLSX and GeoJSON with the
directory's filters, one Table Schema describing the same columns, the Licence Ouverte stated
everywhere, and never a contact person's data."""

import csv
import io
import json

import pytest
from django.http import QueryDict
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ocim.inventory import opendata
from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import ActorContact
from ocim.inventory.selectors import actors_filtered

from .admin_builders import actor, concept, territories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inventory/"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
# A contact person's data: must appear in no export.
SECRET_EMAIL = "zephyrine.secret-7f3a9c@exemple.fr"
SECRET_NAME = "Zéphyrine Confidentielle"
SECRET_PHONE = "06 99 88 77 66"
SECRET_ROLE = "Responsable-confidentielle-x91"


@pytest.fixture
def inventory():
    places = territories()
    botany = concept()
    garden = actor(
        "Jardin des sciences",
        commune=places["dijon"],
        labels=["jardin-remarquable", "musee-de-france"],
        concepts=[botany],
        visitor_counts={2022: 38000, 2023: 41000},
        latitude=47.3216,
        longitude=5.0259,
        coordinates_source="entered",
        other_names="JDS\nArquebuse",
        phone="+33 3 80 48 82 00",
        email="jardin@exemple.fr",
        siret="21210231500018",
        year_founded=1771,
        description="<p>Serres <strong>tropicales</strong></p>",
    )
    ActorContact.objects.create(
        actor=garden, name=SECRET_NAME, role=SECRET_ROLE, email=SECRET_EMAIL, phone=SECRET_PHONE
    )
    planetarium = actor(
        "Planétarium de Vaulx-en-Velin", type_slug="planetarium", commune=places["lyon"]
    )
    museum = actor(
        '=HYPERLINK("http://piege.example")',
        type_slug="museum-histoire-naturelle",
        commune=places["lyon"],
        status="closed",
        closed_year=2001,
        parent=planetarium,
    )
    return {"garden": garden, "planetarium": planetarium, "museum": museum}


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _geojson(response) -> dict:
    return json.loads(b"".join(response.streaming_content).decode("utf-8"))


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


# --- One definition for every format ----------------------------------------------------------


def test_the_schema_describes_exactly_the_exported_columns(client, inventory):
    schema = client.get(BASE + "schema.json").json()
    names = [item["name"] for item in schema["fields"]]
    assert names == list(opendata.COLUMN_NAMES)
    assert schema["licenses"][0]["name"] == "etalab-2.0"
    assert schema["licenses"][0]["path"] == LICENCE_URL
    by_name = {item["name"]: item for item in schema["fields"]}
    assert by_name["id"]["constraints"]["required"] is True
    assert by_name["siret"]["constraints"]["pattern"] == r"^\d{14}$"
    assert by_name["labels"]["type"] == "list" and by_name["labels"]["delimiter"] == "|"
    assert by_name["status"]["constraints"]["enum"] == ["open", "closed"]
    assert by_name["website"]["format"] == "uri"
    assert by_name["name"]["titles"]["en"] == "Name"
    assert set(by_name["name"]["titles"]) == {"fr", "en"}
    for item in schema["fields"]:
        assert item["type"] in {"string", "integer", "number", "year", "date", "datetime", "list"}

    csv_header = list(_csv_rows(client.get(BASE + "actors.csv"))[0])
    xlsx_header = _xlsx_rows(client.get(BASE + "actors.xlsx"))[0]
    geojson = _geojson(client.get(BASE + "actors.geojson"))
    json_results = client.get(BASE + "actors/").json()["results"]
    assert csv_header == names
    assert xlsx_header == names
    assert all(list(feature["properties"]) == names for feature in geojson["features"])
    assert all(list(result) == names for result in json_results)


def test_no_contact_person_leaves_through_any_format(client, inventory):
    answers = [
        client.get(BASE + "actors/").content,
        client.get(BASE + "actors/?q=jardin").content,
        b"".join(client.get(BASE + "actors.csv").streaming_content),
        b"".join(client.get(BASE + "actors.geojson").streaming_content),
        client.get(BASE + "schema.json").content,
    ]
    xlsx = _xlsx_rows(client.get(BASE + "actors.xlsx"))
    answers.append(json.dumps(xlsx, default=str, ensure_ascii=False).encode())
    for content in answers:
        text = content.decode("utf-8")
        assert "Jardin des sciences" in text or "schema" in text or "fields" in text
        for secret in (SECRET_EMAIL, SECRET_NAME, SECRET_PHONE, SECRET_ROLE):
            assert secret not in text
    # The actor's own public contacts are there.
    assert "jardin@exemple.fr" in answers[0].decode()


# --- JSON -------------------------------------------------------------------------------------


def test_json_pages_with_total_and_links_and_states_the_licence(client, inventory):
    response = client.get(BASE + "actors/?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["limit"] == 2 and body["offset"] == 0
    assert [row["id"] for row in body["results"]] == sorted(
        actor.pk for actor in inventory.values()
    )[:2]
    assert body["previous"] is None and "offset=2" in body["next"]
    assert body["licence"]["name"] == "etalab-2.0"
    assert body["schema_url"].endswith("/api/v1/inventory/schema.json")
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]

    second = client.get(body["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]

    garden = next(row for row in body["results"] if row["name"] == "Jardin des sciences")
    assert garden["labels"] == ["Jardin remarquable", "Musée de France"]
    assert garden["concepts"] == ["Botanique"]
    assert garden["other_names"] == ["JDS", "Arquebuse"]
    assert (garden["visitors"], garden["visitors_year"]) == (41000, 2023)
    assert (garden["region_code"], garden["department_code"]) == ("27", "21")
    assert garden["family"] == "collections-vivantes"
    assert garden["description"] == "Serres tropicales"


def test_json_applies_the_directory_filters(client, inventory):
    cases = {
        "?family=centres-sciences": {"Planétarium de Vaulx-en-Velin"},
        "?region=27": {"Jardin des sciences"},
        "?department=69&status=closed": {inventory["museum"].name},
        "?type=planetarium,jardin-botanique-arboretum": {
            "Planétarium de Vaulx-en-Velin",
            "Jardin des sciences",
        },
        "?label=musee-de-france": {"Jardin des sciences"},
        "?concept=botanique": {"Jardin des sciences"},
        "?q=vaulx": {"Planétarium de Vaulx-en-Velin"},
    }
    for query, expected in cases.items():
        body = client.get(BASE + "actors/" + query).json()
        assert {row["name"] for row in body["results"]} == expected, query
        assert body["count"] == len(expected)
        # The same rule as the directory's selector.
        filters, _problems = ActorFilters.from_query(QueryDict(query[1:]))
        assert body["count"] == actors_filtered(filters).count()


def test_json_queries_do_not_grow_with_the_page(client, inventory, django_assert_max_num_queries):
    for number in range(20):
        actor(f"Actrice {number}", labels=["musee-de-france"])
    with django_assert_max_num_queries(8):
        response = client.get(BASE + "actors/?limit=25")
    assert len(response.json()["results"]) == 23


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?family=Pas%20un%20slug!",
            lambda: (
                _("The filter “%(name)s” does not accept the value “%(value)s”.")
                % {"name": "family", "value": "pas un slug!"}
            ),
        ),
        (
            "?status=demoli",
            lambda: (
                _("The filter “%(name)s” does not accept the value “%(value)s”.")
                % {"name": "status", "value": "demoli"}
            ),
        ),
        (
            "?limit=abc",
            lambda: (
                _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
                % {"name": "limit", "minimum": 1, "maximum": 1000}
            ),
        ),
        (
            "?limit=5000",
            lambda: (
                _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
                % {"name": "limit", "minimum": 1, "maximum": 1000}
            ),
        ),
    ],
)
def test_bad_parameters_are_a_clear_400(client, inventory, query, message):
    response = client.get(BASE + "actors/" + query)
    assert response.status_code == 400
    assert response.json() == {"error": message(), "status": 400}


@pytest.mark.parametrize("path", ["actors.csv", "actors.xlsx", "actors.geojson"])
def test_files_refuse_bad_filters_with_a_message_too(client, inventory, path):
    response = client.get(BASE + path + "?region=xyz&q=%00")
    assert response.status_code == 400
    assert response.json()["error"] == _(
        "The filter “%(name)s” does not accept the value “%(value)s”."
    ) % {"name": "region", "value": "XYZ"}


def test_errors_follow_the_language_of_the_request(client, inventory):
    response = client.get(BASE + "actors/?status=demoli", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"] == "The filter “status” does not accept the value “demoli”."


def test_strange_input_never_breaks_the_api(client, inventory):
    for query in (
        "?q=" + "x" * 5000,
        "?q=%00%01",
        "?offset=99999",
        "?family=" + ",".join(["a"] * 200),
        "?region=%F0%9F%98%80",
    ):
        response = client.get(BASE + "actors/" + query)
        assert response.status_code in (200, 400), query
    assert client.get(BASE + "actors/?offset=99999").json()["results"] == []


# --- Files ------------------------------------------------------------------------------------


def test_csv_is_streamed_filtered_and_safe_in_a_spreadsheet(client, inventory):
    response = client.get(BASE + "actors.csv?region=84")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="ocim-inventaire-acteurs.csv"' in response["Content-Disposition"]
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]
    rows = _csv_rows(response)
    assert {row["name"] for row in rows} == {
        "Planétarium de Vaulx-en-Velin",
        "'" + inventory["museum"].name,
    }
    museum = next(row for row in rows if row["status"] == "closed")
    assert museum["parent_name"] == "Planétarium de Vaulx-en-Velin"
    assert museum["closed_year"] == "2001"

    garden = _csv_rows(client.get(BASE + "actors.csv?q=jardin"))[0]
    assert garden["labels"] == "Jardin remarquable|Musée de France"
    assert garden["phone"] == "+33 3 80 48 82 00"  # a phone number is not a formula
    assert garden["latitude"] == "47.3216"


def test_xlsx_is_written_row_by_row_with_typed_cells(client, inventory):
    response = client.get(BASE + "actors.xlsx?status=open")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f'<{LICENCE_URL}>; rel="license"' in response["Link"]
    header, *rows = _xlsx_rows(response)
    assert len(rows) == 2
    records = [dict(zip(header, row, strict=True)) for row in rows]
    garden = next(record for record in records if record["name"] == "Jardin des sciences")
    assert garden["year_founded"] == 1771 and garden["visitors"] == 41000
    assert garden["latitude"] == pytest.approx(47.3216)
    assert garden["siret"] == "21210231500018"  # an identifier stays text
    planetarium = next(record for record in records if record["type"] == "planetarium")
    assert planetarium["latitude"] is None and planetarium["labels"] is None  # empty cells

    trap = _xlsx_rows(client.get(BASE + "actors.xlsx?status=closed"))[1]
    assert trap[1].startswith("'=")


def test_geojson_has_a_point_per_placed_actor_and_the_licence(client, inventory):
    response = client.get(BASE + "actors.geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    collection = _geojson(response)
    assert collection["type"] == "FeatureCollection"
    assert collection["licence"]["name"] == "etalab-2.0"
    features = {feature["properties"]["name"]: feature for feature in collection["features"]}
    assert features["Jardin des sciences"]["geometry"] == {
        "type": "Point",
        "coordinates": [5.0259, 47.3216],
    }
    assert features["Planétarium de Vaulx-en-Velin"]["geometry"] is None
    filtered = _geojson(client.get(BASE + "actors.geojson?family=centres-sciences"))
    assert [f["properties"]["name"] for f in filtered["features"]] == [
        "Planétarium de Vaulx-en-Velin"
    ]


def test_an_empty_selection_gives_valid_empty_files(client, inventory):
    assert _csv_rows(client.get(BASE + "actors.csv?q=introuvable")) == []
    assert _geojson(client.get(BASE + "actors.geojson?q=introuvable"))["features"] == []
    assert len(_xlsx_rows(client.get(BASE + "actors.xlsx?q=introuvable"))) == 1


def test_the_openapi_schema_documents_the_open_data(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("actors/", "actors.csv", "actors.xlsx", "actors.geojson", "schema.json"):
        assert f"/api/v1/inventory/{path}" in schema["paths"]
    listing = schema["paths"]["/api/v1/inventory/actors/"]["get"]
    parameters = {parameter["name"] for parameter in listing["parameters"]}
    assert {"limit", "offset", "q", "family", "type", "region", "status"} <= parameters
    actor_schema = schema["components"]["schemas"]["InventoryActor"]
    assert list(actor_schema["properties"]) == list(opendata.COLUMN_NAMES)
    assert "text/csv" in json.dumps(schema["paths"]["/api/v1/inventory/actors.csv"])
