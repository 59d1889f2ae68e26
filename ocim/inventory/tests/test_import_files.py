"""Reading import files: encodings, separators, XLSX, and the files that must be refused with
a clear message (empty, too large, binary, damaged encoding, one column, no rows)."""

import codecs
import io

import pytest
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ocim.inventory.imports import (
    ImportFileError,
    decode_text,
    guess_mapping,
    in_france,
    mapping_problems,
    read_table,
)

from .import_support import DEMO_FILE, csv_bytes

ROWS = [["Nom", "Type", "Commune"], ["Muséum de Besançon", "Muséum", "Besançon"]]


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("latin-1", b"", "windows-1252"),
        ("cp1252", b"", "windows-1252"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_encodings_are_detected(encoding, prefix, detected):
    table = read_table(prefix + csv_bytes(ROWS, encoding=encoding), "a.csv")

    assert table.encoding == detected
    assert table.headers == ["Nom", "Type", "Commune"]
    assert table.rows == [["Muséum de Besançon", "Muséum", "Besançon"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_separators_are_sniffed(delimiter):
    rows = [*ROWS, ["Jardin des plantes, Nantes", "Jardin", "Nantes"]]

    table = read_table(csv_bytes(rows, delimiter=delimiter), "a.csv")

    assert table.delimiter == delimiter
    assert table.rows[1] == ["Jardin des plantes, Nantes", "Jardin", "Nantes"]


def test_short_rows_are_padded_and_long_rows_cut_and_blank_lines_at_the_end_ignored():
    data = b"Nom;Type;Commune\r\nA;B\r\nC;D;E;F\r\n;;\r\n\r\n"

    table = read_table(data, "a.csv")

    assert table.rows == [["A", "B", ""], ["C", "D", "E"]]


def test_xlsx_is_read_in_read_only_mode_with_numbers_and_dates_as_text():
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Code postal", "Latitude", "Confirmé le"])
    sheet.append(["Muséum", 21000, 47.32, datetime.datetime(2024, 5, 1)])
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), "acteurs.xlsx")

    assert table.format == "xlsx"
    assert table.rows == [["Muséum", "21000", "47.32", "2024-05-01"]]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        (b"\r\n\r\n", "a.csv", "The file is empty."),
        (b"Nom;Type\r\n", "a.csv", "The file has column names but no rows."),
        (
            b"Nom Type Commune\r\nA B C\r\n",
            "a.csv",
            "Only one column was found: separate the columns with commas, semicolons or tabs, "
            "and put the column names on the first line.",
        ),
        (
            b"%PDF-1.4\x00\x00binary",
            "a.csv",
            "This is not a text file (it contains binary data). Save it as CSV or XLSX.",
        ),
        (
            b"PK\x03\x04not really a zip",
            "a.xlsx",
            "This XLSX file is damaged or is not an XLSX file.",
        ),
        (b"Nom;Type\r\nA;B\r\n", "a.xlsx", "This XLSX file is damaged or is not an XLSX file."),
        (
            b"\xd0\xcf\x11\xe0old excel",
            "a.xls",
            "Only CSV and XLSX files can be imported: save the spreadsheet in one of them.",
        ),
    ],
)
def test_unreadable_files_get_a_clear_message(data, name, message):
    with pytest.raises(ImportFileError) as error:
        read_table(data, name)

    assert str(error.value.message) == _(message)


def test_a_file_mixing_utf8_and_latin1_is_refused_with_the_line():
    data = "Nom;Type\r\nMuséum;A\r\n".encode() + "Jardin bota;Évry\r\n".encode("latin-1")

    with pytest.raises(ImportFileError) as error:
        decode_text(data)

    assert str(error.value.message) == _(
        "The file's encoding is damaged near line %(line)d: it mixes UTF-8 with another "
        "encoding. Save it again as “CSV UTF-8” from your spreadsheet."
    ) % {"line": 3}


def test_a_50_mb_file_is_refused_before_reading(settings):
    data = b"Nom;Type\r\n" + b"x" * (50 * 1024 * 1024)

    with pytest.raises(ImportFileError) as error:
        read_table(data, "grand.csv")

    assert "50,0" in str(error.value.message)
    assert "30,0" in str(error.value.message)


def test_too_many_rows_are_refused(settings):
    settings.OCIM_IMPORT_MAX_ROWS = 2

    with pytest.raises(ImportFileError):
        read_table(b"Nom;Type\r\nA;B\r\nC;D\r\nE;F\r\n", "a.csv")


def test_the_demo_file_is_latin1_with_semicolons():
    table = read_table(DEMO_FILE.read_bytes(), DEMO_FILE.name)

    assert (table.encoding, table.delimiter, len(table.rows)) == ("windows-1252", ";", 30)
    assert table.headers[9] == "Muséofile"


def test_the_mapping_is_guessed_from_french_and_english_headers():
    headers = ["Nom", "Type d'acteur", "Code postal", "City", "SIRET", "Site web", "Notes", "nom"]

    mapping = guess_mapping(headers)

    assert mapping == {
        "0": "name", "1": "type", "2": "postal_code", "3": "commune", "4": "siret",
        "5": "website",
    }  # fmt: skip
    assert mapping_problems(mapping, headers) == []
    assert mapping_problems({"0": "name", "1": "name"}, headers) == [
        _("No column is mapped to the required field “%(field)s”.") % {"field": _("Type")},
        _("Several columns are mapped to the field “%(field)s”: keep only one.")
        % {"field": _("Name")},
    ]


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        (47.32, 5.04, True),  # Dijon
        (41.92, 8.74, True),  # Ajaccio
        (-20.88, 55.45, True),  # Saint-Denis, La Réunion
        (14.61, -61.07, True),  # Fort-de-France
        (4.94, -52.33, True),  # Cayenne
        (-12.78, 45.23, True),  # Mamoudzou
        (16.24, -61.53, True),  # Pointe-à-Pitre
        (40.42, -3.70, False),  # Madrid
        (5.04, 47.32, False),  # swapped
        (0, 0, False),
    ],
)
def test_france_includes_the_overseas_departments(latitude, longitude, inside):
    assert in_france(latitude, longitude) is inside
