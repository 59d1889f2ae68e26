"""Spreadsheet exports: formula injection neutralised, CSV for French Excel, XLSX read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ocim.core.spreadsheets import csv_bytes, spreadsheet_safe, xlsx_bytes
from ocim.training.exports import REGISTRATION_COLUMNS

from . import test_backoffice_fixtures as fx
from .test_backoffice_fixtures import register, url

# The shared fixtures, made visible to pytest in this module.
course = fx.course
manager = fx.manager
manager_client = fx.manager_client
session = fx.session

INJECTIONS = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", INJECTIONS)
def test_text_starting_like_a_formula_is_prefixed(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Muséum", "a=b", "", 3, -2, Decimal("-1.5"), dt.date(2026, 1, 2), True]
)
def test_other_values_are_kept(value):
    assert spreadsheet_safe(value) == value


def test_none_becomes_an_empty_cell():
    assert spreadsheet_safe(None) == ""


def test_csv_has_a_bom_semicolons_and_safe_cells():
    data = csv_bytes(["Nom", "=Titre"], [["=cmd|' /C calc'!A0", "Dijon; Côte-d'Or"], [None, 4]])

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Nom", "'=Titre"],
        ["'=cmd|' /C calc'!A0", "Dijon; Côte-d'Or"],
        ["", "4"],
    ]


def test_xlsx_writes_strings_never_formulas():
    data = xlsx_bytes(["Nom", "Montant"], [["=1+1", Decimal("12.5")], ["@x", -3]], title="A/B")

    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == ["Nom", "Montant"]
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "'@x"
    assert sheet["B3"].value == -3
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
def test_session_export_csv_has_translated_headers_and_neutralised_cells(manager_client, session):
    registration = register(session, employer_name='=HYPERLINK("http://evil.example")')

    response = manager_client.get(url("export", session.pk, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [str(column.label) for column in REGISTRATION_COLUMNS]
    assert rows[1][2] == registration.user.email
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.django_db
def test_session_export_xlsx_reads_back(manager_client, session):
    registration = register(session, employer_name="@SUM(1)")
    register(session, payer="employer")

    response = manager_client.get(url("export", session.pk, "xlsx") + "?payer=self")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the filter of the page applies to the export
    assert rows[1][2] == registration.user.email
    assert rows[1][4] == "'@SUM(1)"


@pytest.mark.django_db
def test_unknown_export_format_is_404(manager_client, session):
    response = manager_client.get(url("export", session.pk, "pdf"), follow=True)
    assert response.status_code == 404
