"""Exporting the items of the reading view's filters as a spreadsheet: the rows follow the
filters, newest first, with every source and the classification; texts from feeds cannot run
as formulas; the queries do not grow with the items; bad requests and too many items send the
curator back with the reason and no file; other staff are refused."""

import csv
import io
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ocim.watch import exports
from ocim.watch.models import ItemConcept

from .admin_builders import (
    SourceFactory,
    concept,
    item,
    sighting,
    story,
    territories,
    user_with_role,
)

pytestmark = pytest.mark.django_db

EXPORT = "/admin/watch/items/export/"


@pytest.fixture
def curator_client(client):
    client.force_login(user_with_role("watch-curator"))
    return client


def rows_of(response) -> list[list[str]]:
    assert response["Content-Disposition"].startswith('attachment; filename="veille-')
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def corpus():
    lyon = SourceFactory(title="Muséum de Lyon")
    press = SourceFactory(title="Presse régionale")
    botany = concept()
    places = territories()
    garden = item(source=lyon, title="Le jardin botanique fête ses cent ans", summary="Un siècle.")
    sighting(garden, press)
    ItemConcept.objects.create(item=garden, concept=botany)
    garden.departments.add(places["rhone"])
    garden.regions.add(places["ara"])
    relay = item(source=press, title='=HYPERLINK("https://evil.example")', curated=True)
    story("Cent ans du jardin", garden, relay)
    item(source=press, title="Science centres open new galleries", language="en")
    return {"lyon": lyon, "garden": garden, "relay": relay, "botany": botany}


def test_the_items_of_the_filters_are_exported_newest_first_with_their_classification(
    curator_client, corpus
):
    response = curator_client.get(EXPORT, {"language": "fr", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = rows_of(response)
    assert header[:3] == [_("Identifier"), _("Title"), _("Link")]
    assert [row[0] for row in rows] == [str(corpus["garden"].pk), str(corpus["relay"].pk)]
    garden = dict(zip(header, rows[0], strict=True))
    assert garden[_("Sources")] == "Muséum de Lyon ; Presse régionale"
    assert garden[_("Concepts")] == "Botanique"
    assert garden[_("Regions")] == "Auvergne-Rhône-Alpes"
    assert garden[_("Departments")] == "Rhône (69)"
    assert garden[_("Story")] == "Cent ans du jardin"
    assert garden[_("Items in the story")] == "2"
    assert garden[_("Summary")] == "Un siècle."
    relay = dict(zip(header, rows[1], strict=True))
    # A title from a feed never runs as a formula.
    assert relay[_("Title")] == '\'=HYPERLINK("https://evil.example")'
    assert (relay[_("Curated")], relay[_("Starred")]) == (_("yes"), _("no"))


def test_the_excel_file_holds_the_same_rows(curator_client, corpus):
    response = curator_client.get(EXPORT, {"concept": corpus["botany"].pk, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 2
    assert values[1][1] == "Le jardin botanique fête ses cent ans"
    assert sheet.cell(row=1, column=1).font.bold


def test_the_queries_do_not_grow_with_the_items(curator_client, corpus):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = curator_client.get(EXPORT, {"format": "csv"})
            assert response.status_code == 200
        return len(queries), len(rows_of(response)) - 1

    few_queries, few = count_queries()
    lyon = corpus["lyon"]
    for number in range(30):
        record = item(source=lyon, title=f"Article {number}")
        ItemConcept.objects.create(item=record, concept=corpus["botany"])
    many_queries, many = count_queries()
    assert (few, many) == (3, 33)
    assert many_queries == few_queries


def test_too_many_items_send_the_curator_back_with_the_reason(curator_client, corpus, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    # Two French items: at the limit, exported.
    assert curator_client.get(EXPORT, {"format": "csv", "language": "fr"}).status_code == 200
    response = curator_client.get(EXPORT, {"format": "csv", "p": "2"})
    assert response.status_code == 302 and response["Location"] == "/admin/watch/items/?"
    messages = [str(m) for m in curator_client.get(response["Location"]).context["messages"]]
    assert len(messages) == 1 and "2" in messages[0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"format": "pdf"}, "Choose the file's format: CSV or Excel."),
        (
            {"format": "csv", "date_from": "demain"},
            "Correct the filters first: nothing was exported.",
        ),
    ],
)
def test_bad_requests_export_nothing_and_say_why(curator_client, corpus, query, message):
    response = curator_client.get(EXPORT, query)
    assert response.status_code == 302
    followed = curator_client.get(response["Location"])
    assert [unescape(str(m)).strip() for m in followed.context["messages"]] == [_(message)]


def test_the_stream_offers_the_export_of_its_filters(curator_client, corpus):
    page = curator_client.get("/admin/watch/items/", {"language": "en", "p": "1"}).content.decode()
    assert f"{EXPORT}?language=en&amp;format=csv" in page


def test_other_staff_are_refused(client, corpus):
    client.force_login(user_with_role("editor"))
    assert client.get(EXPORT, {"format": "csv"}).status_code == 403
