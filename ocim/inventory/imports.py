"""Reading and checking import files of actors (CSV or XLSX), before anything is written.

- ``read_table(data, file_name)`` reads the bytes: XLSX through openpyxl (read-only mode), CSV
  in UTF-8 (with or without BOM) or Latin-1/Windows-1252 (detected), comma, semicolon or tab
  (sniffed). A file that is empty, too large, binary, mixes encodings or cannot be read raises
  ``ImportFileError`` with a message for the staff.
- ``guess_mapping(headers)`` proposes a field for each column from its French or English name.
- ``rows_check(table, mapping, source=)`` checks every row (required fields, type, commune and
  postal code, coordinates in France — overseas included —, identifiers with their checksums,
  identifiers repeated within the file) and finds what each row matches among the existing
  actors: the same record of the same source (an update), the same identifier or a similar
  name in the same commune (a duplicate, for the staff to merge, skip or create).
- ``rows_recheck(stored, …)`` checks the preview's cleaned rows again at commit time, against
  what may have changed meanwhile (typology, labels, territories, existing actors).

The writes are in ``ocim.inventory.services_import``.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import F, Lookup
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError
from ocim.core.models import Commune, CommunePostalCode
from ocim.core.selectors import normalize_search_text

from . import identifiers
from .models import Actor, ActorStatus, ActorType, Label, LegalStatus, StaffBand

DEFAULT_MAX_BYTES = 30 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
# An XLSX file is a zip: refuse one that would inflate past this (a compression bomb).
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_CELL = 5000
# How many errors and duplicates a report keeps to show (the counts are always complete).
REPORT_LIMIT = 1000


class ImportFileError(ApplicationError):
    default_message = _("The file could not be read.")
    default_code = "import_file"


def max_bytes() -> int:
    return getattr(settings, "OCIM_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "OCIM_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def _megabytes(size: int) -> str:
    return number_format(size / (1024 * 1024), 1)


# --- Fields -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    key: str
    label: Promise
    aliases: tuple[str, ...] = ()
    required: bool = False


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "source_id",
        _("Identifier in the source"),
        ("id", "identifiant", "identifier", "source id", "id source", "identifiant source"),
    ),
    ImportField(
        "name",
        _("Name"),
        ("nom", "name", "denomination", "raison sociale", "appellation", "nom de l acteur"),
        required=True,
    ),
    ImportField("other_names", _("Other names"), ("autres noms", "other names", "sigle")),
    ImportField(
        "type",
        _("Type"),
        ("type", "type d acteur", "actor type", "categorie", "category", "typologie"),
        required=True,
    ),
    ImportField(
        "legal_status", _("Legal status"), ("statut juridique", "legal status", "forme juridique")
    ),
    ImportField(
        "street", _("Street address"), ("adresse", "address", "street", "rue", "voie", "adresse 1")
    ),
    ImportField(
        "postal_code", _("Postal code"), ("code postal", "cp", "postal code", "postcode", "zip")
    ),
    ImportField(
        "commune",
        _("Commune (INSEE code or name)"),
        ("commune", "ville", "city", "town", "code insee", "insee", "code commune", "localite"),
    ),
    ImportField("latitude", _("Latitude"), ("latitude", "lat")),
    ImportField("longitude", _("Longitude"), ("longitude", "lon", "lng", "long")),
    ImportField(
        "email", _("Public e-mail address"), ("email", "e mail", "courriel", "mail", "mel")
    ),
    ImportField("phone", _("Public phone number"), ("telephone", "tel", "phone")),
    ImportField(
        "website", _("Website"), ("site web", "site internet", "website", "url", "web", "site")
    ),
    ImportField("siret", _("SIRET"), ("siret", "n siret", "numero siret")),
    ImportField(
        "museofile", _("Muséofile reference"), ("museofile", "ref museofile", "code museofile")
    ),
    ImportField("wikidata", _("Wikidata identifier"), ("wikidata", "qid", "wikidata id")),
    ImportField("rna", _("RNA number"), ("rna", "numero rna", "n rna")),
    ImportField("uai", _("UAI number"), ("uai", "numero uai", "code uai")),
    ImportField("rnsr", _("RNSR number"), ("rnsr", "numero rnsr")),
    ImportField("ror", _("ROR identifier"), ("ror", "ror id")),
    ImportField("osm", _("OpenStreetMap object"), ("osm", "openstreetmap", "osm id")),
    ImportField(
        "year_founded",
        _("Year founded"),
        ("annee de creation", "year founded", "founded", "creation", "date de creation"),
    ),
    ImportField("status", _("Status (open or closed)"), ("statut", "status", "etat")),
    ImportField(
        "closed_year", _("Year closed"), ("annee de fermeture", "year closed", "fermeture")
    ),
    ImportField("staff_band", _("Staff"), ("effectif", "effectifs", "staff", "tranche d effectif")),
    ImportField("description", _("Description"), ("description", "presentation")),
    ImportField("labels", _("Labels (separated by | or ;)"), ("labels", "label")),
)
FIELDS_BY_KEY = {item.key: item for item in FIELDS}
REQUIRED_FIELDS = tuple(item.key for item in FIELDS if item.required)
# Identifiers that designate one actor: repeated within a file, or found on an existing actor.
MATCHING_IDENTIFIERS = ("siret", "museofile", "wikidata", "uai", "rna", "ror")


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{column index (as text): field key} for the headers whose name is a known alias; each
    field goes to the first column that names it."""
    by_alias = {alias: item.key for item in FIELDS for alias in item.aliases}
    mapping: dict[str, str] = {}
    taken = set()
    for index, header in enumerate(headers):
        key = by_alias.get(normalize_search_text(header))
        if key and key not in taken:
            mapping[str(index)] = key
            taken.add(key)
    return mapping


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> list[str]:
    """What is wrong with a mapping (translated messages; empty when it can be used)."""
    problems = []
    keys = [key for key in mapping.values() if key]
    for key in REQUIRED_FIELDS:
        if key not in keys:
            problems.append(
                gettext("No column is mapped to the required field “%(field)s”.")
                % {"field": FIELDS_BY_KEY[key].label}
            )
    for key in sorted({key for key in keys if keys.count(key) > 1}):
        problems.append(
            gettext("Several columns are mapped to the field “%(field)s”: keep only one.")
            % {"field": FIELDS_BY_KEY[key].label}
        )
    for index, key in mapping.items():
        if key and (key not in FIELDS_BY_KEY or not index.isdigit() or int(index) >= len(headers)):
            problems.append(gettext("The mapping names a column or a field that does not exist."))
            break
    return problems


# --- Reading files ----------------------------------------------------------------------------


@dataclass
class Table:
    format: str  # "csv" or "xlsx"
    headers: list[str]
    rows: list[list[str]]  # data rows, each as long as the headers
    encoding: str = ""
    delimiter: str = ""

    def info(self) -> dict:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "headers": self.headers,
            "rows": len(self.rows),
        }


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252/Latin-1.

    A file that is valid UTF-8 in places and not in others was damaged (two encodings mixed,
    or cut in the middle of a character): it is refused rather than read with wrong accents."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _broken_encoding(data, error.start) from error
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise _broken_encoding(data, error.start) from error
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            _("This is not a text file (it contains binary data). Save it as CSV or XLSX.")
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):
            raise _broken_encoding(data, error.start) from error
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _broken_encoding(data: bytes, position: int) -> ImportFileError:
    line = data.count(b"\n", 0, position) + 1
    return ImportFileError(
        _(
            "The file's encoding is damaged near line %(line)d: it mixes UTF-8 with another "
            "encoding. Save it again as “CSV UTF-8” from your spreadsheet."
        )
        % {"line": line}
    )


def _sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    first_line = sample.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        if dialect.delimiter in first_line:
            return dialect.delimiter
    except csv.Error:
        pass
    counts = {delimiter: first_line.count(delimiter) for delimiter in ";,\t|"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV near line %(line)d (%(detail)s).")
            % {"line": reader.line_num, "detail": error}
        ) from error
    return _table("csv", records, encoding=encoding, delimiter=delimiter)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError(_("This XLSX file is damaged or is not an XLSX file.")) from error
    if inflated > MAX_XLSX_UNCOMPRESSED:
        raise ImportFileError(
            _("This XLSX file is too large once uncompressed: save it as CSV, or split it.")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            records = [
                [_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise ImportFileError(_("This XLSX file is damaged or is not an XLSX file.")) from error
    return _table("xlsx", records)


def _table(kind: str, records: list[list[str]], **info) -> Table:
    # Spreadsheets leave trailing empty rows and columns behind: ignore them.
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if not records:
        raise ImportFileError(_("The file is empty."))
    headers = [cell.strip() for cell in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ImportFileError(_("The first line must name the columns; it is empty."))
    if len(headers) == 1 and kind == "csv":
        raise ImportFileError(
            _(
                "Only one column was found: separate the columns with commas, semicolons or "
                "tabs, and put the column names on the first line."
            )
        )
    width = len(headers)
    rows = []
    for record in records[1:]:
        row = [cell.strip()[:MAX_CELL] for cell in record[:width]]
        row += [""] * (width - len(row))
        rows.append(row)
    if not rows:
        raise ImportFileError(_("The file has column names but no rows."))
    if len(rows) > max_rows():
        raise ImportFileError(
            _("The file has %(rows)d rows; at most %(max)d can be imported at once: split it.")
            % {"rows": len(rows), "max": max_rows()}
        )
    return Table(kind, headers, rows, **info)


def check_size(size: int) -> None:
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > max_bytes():
        raise ImportFileError(
            _(
                "The file is too large (%(size)s MB); at most %(max)s MB can be imported at "
                "once: split it into several files."
            )
            % {"size": _megabytes(size), "max": _megabytes(max_bytes())}
        )


def read_table(data: bytes, file_name: str) -> Table:
    """The header and rows of an import file. Raises ``ImportFileError``."""
    check_size(len(data))
    name = (file_name or "").lower()
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise ImportFileError(_("This XLSX file is damaged or is not an XLSX file."))
        return _read_xlsx(data)
    if name.endswith((".xls", ".ods", ".numbers")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Only CSV and XLSX files can be imported: save the spreadsheet in one of them.")
        )
    return _read_csv(data)


# --- Checking rows ----------------------------------------------------------------------------

# Metropolitan France (Corsica included) and the overseas departments and communities whose
# communes are in the territory data, as (south, north, west, east) boxes.
FRANCE_BOXES = (
    (41.3, 51.2, -5.3, 9.7),  # metropolitan France and Corsica
    (15.8, 16.55, -61.85, -60.95),  # Guadeloupe
    (14.35, 14.9, -61.25, -60.8),  # Martinique
    (2.1, 5.8, -54.65, -51.6),  # French Guiana
    (-21.4, -20.85, 55.2, 55.85),  # Réunion
    (-13.05, -12.6, 44.95, 45.35),  # Mayotte
    (46.7, 47.15, -56.45, -56.1),  # Saint-Pierre-et-Miquelon
    (17.85, 18.15, -63.2, -62.75),  # Saint-Martin and Saint-Barthélemy
)


def in_france(latitude: float, longitude: float) -> bool:
    return any(s <= latitude <= n and w <= longitude <= e for s, n, w, e in FRANCE_BOXES)


_INSEE = re.compile(r"(\d{2}|2[AB])\d{3}")
_POSTAL = re.compile(r"\d{5}")
_STOP_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "de",
        "du",
        "des",
        "d",
        "et",
        "en",
        "a",
        "au",
        "aux",
        "un",
        "une",
        "the",
        "of",
        "and",
        "for",
        "sur",
        "sous",
    ]
)
_validate_url = URLValidator(schemes=["http", "https"])


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason, "value": self.value}


@dataclass
class CheckedRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict  # field key → cleaned value (only the mapped, non-empty cells)
    errors: list[RowError] = field(default_factory=list)
    # What the row matches: ("update", actor id) for the same record of the same source,
    # ("duplicate", actor id, reason) for a same identifier or similar name, else None.
    match: tuple | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


# Articles that begin commune names ("Le Havre", "L'Isle-Adam", "Aux Marais"), as folded by
# ``normalize_search_text``.
_ARTICLES = frozenset({"le", "la", "les", "l", "aux", "las", "los", "lo"})


class Context:
    """Everything rows are checked against, loaded once per file (a few queries)."""

    def __init__(self):
        self.types: dict[str, int] = {}
        for pk, slug, name_fr, name_en in ActorType.objects.values_list(
            "pk", "slug", "name_fr", "name_en"
        ):
            for key in (slug, name_fr, name_en):
                self.types[normalize_search_text(key)] = pk
        self.type_family = dict(ActorType.objects.values_list("pk", "family_id"))
        self.labels: dict[str, int] = {}
        for pk, slug, name in Label.objects.values_list("pk", "slug", "name"):
            self.labels[normalize_search_text(slug)] = pk
            self.labels[normalize_search_text(name)] = pk
        # Communes: {insee: (name, latitude, longitude, department, region)}; by their stored
        # search name (normalize_search_text of the name).
        self.communes: dict[str, tuple] = {}
        self.communes_by_name: dict[str, list[str]] = defaultdict(list)
        without_article: dict[str, list[str]] = defaultdict(list)
        for insee, search_name, *rest in Commune.objects.values_list(
            "insee_code",
            "search_name",
            "name",
            "latitude",
            "longitude",
            "department_id",
            "department__region_id",
        ).iterator(chunk_size=5000):
            self.communes[insee] = tuple(rest)
            self.communes_by_name[search_name].append(insee)
            article, _space, rest_of_name = search_name.partition(" ")
            if rest_of_name and article in _ARTICLES:
                without_article[rest_of_name].append(insee)
        # "Havre" finds Le Havre too (files written from lists that drop the article), unless
        # a commune bears that very name.
        for name, codes in without_article.items():
            if name not in self.communes_by_name:
                self.communes_by_name[name] = codes
        self.postal_codes: dict[str, set[str]] = defaultdict(set)
        for code, insee in CommunePostalCode.objects.values_list("code", "commune_id").iterator(
            chunk_size=5000
        ):
            self.postal_codes[code].add(insee)
        self.legal_statuses = _choices_lookup(LegalStatus)
        self.staff_bands = _choices_lookup(StaffBand)
        self.staff_bands.update({"0": "0", "aucun": "0", "none": "0"})
        self._normalised: dict[str, str] = {}
        self.statuses = _choices_lookup(ActorStatus)
        self.statuses.update(
            {"ouvert": "open", "ouverte": "open", "ferme": "closed", "fermee": "closed"}
        )

    def normalise(self, text: str) -> str:
        """``normalize_search_text``, remembered: types, statuses and commune names repeat
        from row to row."""
        found = self._normalised.get(text)
        if found is None:
            if len(self._normalised) > 100_000:
                self._normalised.clear()
            found = self._normalised[text] = normalize_search_text(text)
        return found


def _choices_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[normalize_search_text(value)] = value
        with translation.override("en"):
            lookup[normalize_search_text(str(label))] = value
        with translation.override("fr"):
            lookup[normalize_search_text(str(label))] = value
    return lookup


def _int(text: str) -> int:
    return int(re.sub(r"[\s\u00a0\u202f]", "", text))


def _float(text: str) -> float:
    value = float(text.replace(",", ".").replace(" ", ""))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


# Fields whose value is one of a list (the context's lookup of it, the message otherwise):
# their messages made once, not for every row.
_CHOICE_FIELDS = (
    ("legal_status", "legal_statuses", _("Unknown legal status.")),
    ("staff_band", "staff_bands", _("Unknown staff band (e.g. 1-4, 10-19, 100+).")),
    ("status", "statuses", _("Unknown status: open or closed.")),
)


def _check_row(number: int, cells: dict[str, str], headers: dict[str, str], ctx: Context):
    """Clean one row's cells ({field key: text}); the column named in an error is the file's
    own header of that field's column."""
    row = CheckedRow(number, {})
    values = row.values

    def error(key: str, reason, value: str | None = None):
        text = cells.get(key, "") if value is None else value
        row.errors.append(RowError(number, headers.get(key, key), str(reason), text[:200]))

    for key in REQUIRED_FIELDS:
        if not cells.get(key):
            error(key, _("This required field is empty."))
    for key in ("source_id", "name", "other_names", "street", "phone", "description"):
        if cells.get(key):
            values[key] = cells[key]
    if len(values.get("name", "")) > 255:
        error("name", _("The name is longer than 255 characters."))
    if len(values.get("source_id", "")) > 100:
        error("source_id", _("The identifier is longer than 100 characters."))
    if len(values.get("street", "")) > 255:
        error("street", _("The address is longer than 255 characters."))
    if len(values.get("phone", "")) > 30:
        error("phone", _("The phone number is longer than 30 characters."))
    if "other_names" in values:
        values["other_names"] = "\n".join(
            name.strip() for name in re.split(r"[|\n]", values["other_names"]) if name.strip()
        )
    if cells.get("type"):
        type_id = ctx.types.get(ctx.normalise(cells["type"]))
        if type_id is None:
            error("type", _("Unknown type: use one of the typology's types (name or slug)."))
        else:
            values["type_id"] = type_id
    for key, lookup_name, message in _CHOICE_FIELDS:
        if cells.get(key):
            lookup = getattr(ctx, lookup_name)
            found = lookup.get(ctx.normalise(cells[key])) or lookup.get(cells[key])
            if found is None:
                error(key, message)
            else:
                values[key] = found
    _check_place(cells, values, error, ctx)
    _check_coordinates(cells, values, error)
    if cells.get("email"):
        try:
            validate_email(cells["email"])
            values["email"] = cells["email"]
        except ValidationError:
            error("email", _("Invalid e-mail address."))
    if cells.get("website"):
        website = cells["website"]
        if not re.match(r"https?://", website, re.IGNORECASE):
            website = f"https://{website}"
        try:
            _validate_url(website)
            if len(website) > 500:
                raise ValidationError("too long")
            values["website"] = website
        except ValidationError:
            error("website", _("Invalid web address."))
    _check_identifiers(cells, values, error)
    for key in ("year_founded", "closed_year"):
        if cells.get(key):
            try:
                year = _int(cells[key][:4] if re.match(r"\d{4}-\d\d", cells[key]) else cells[key])
                if not 1000 <= year <= 2100:
                    raise ValueError
                values[key] = year
            except ValueError:
                error(key, _("Enter a year between 1000 and 2100."))
    if values.get("closed_year") and values.get("status", "closed") != "closed":
        error("closed_year", _("A year closed is given for an actor that is open."))
    elif values.get("closed_year"):
        values["status"] = "closed"
    if cells.get("labels"):
        label_ids = []
        for name in re.split(r"[|;]", cells["labels"]):
            if not name.strip():
                continue
            label_id = ctx.labels.get(ctx.normalise(name))
            if label_id is None:
                error("labels", _("Unknown label: %(label)s.") % {"label": name.strip()})
            else:
                label_ids.append(label_id)
        values["labels"] = sorted(set(label_ids))
    return row


def _check_place(cells, values, error, ctx: Context) -> None:
    postal_code = cells.get("postal_code", "").replace(" ", "")
    if postal_code and len(postal_code) == 4 and postal_code.isdigit():
        postal_code = f"0{postal_code}"  # spreadsheets drop the leading zero
    served = None
    if postal_code:
        if not _POSTAL.fullmatch(postal_code):
            error("postal_code", _("A postal code has five digits."))
            postal_code = ""
        else:
            served = ctx.postal_codes.get(postal_code)
            if not served:
                error("postal_code", _("Unknown postal code."))
            else:
                values["postal_code"] = postal_code
    text = cells.get("commune", "")
    insee = None
    if text:
        code = text.replace(" ", "").upper()
        if len(code) == 4 and code.isdigit():
            code = f"0{code}"
        if _INSEE.fullmatch(code):
            if code in ctx.communes:
                insee = code
            else:
                error("commune", _("Unknown commune: no commune has this INSEE code."))
                return
        else:
            candidates = ctx.communes_by_name.get(ctx.normalise(text), [])
            if served:
                candidates = [candidate for candidate in candidates if candidate in served]
            if not candidates:
                error("commune", _("Unknown commune."))
                return
            if len(candidates) > 1:
                error(
                    "commune",
                    _("Several communes have this name: give the postal code or the INSEE code."),
                )
                return
            insee = candidates[0]
        if served and insee not in served:
            error("postal_code", _("This postal code does not serve the commune."))
    elif served:
        if len(served) == 1:
            insee = next(iter(served))
        else:
            error("postal_code", _("This postal code serves several communes: give the commune."))
    if insee:
        values["commune_id"] = insee


def _check_coordinates(cells, values, error) -> None:
    latitude, longitude = cells.get("latitude", ""), cells.get("longitude", "")
    if not latitude and not longitude:
        return
    if not latitude or not longitude:
        missing = "latitude" if not latitude else "longitude"
        error(missing, _("Give both the latitude and the longitude, or neither."))
        return
    try:
        lat, lon = _float(latitude), _float(longitude)
    except ValueError:
        error("latitude", _("The coordinates must be decimal numbers (e.g. 47.32)."))
        return
    if not in_france(lat, lon):
        error(
            "latitude",
            _("These coordinates are outside France (overseas included)."),
            f"{latitude}, {longitude}",
        )
        return
    values["latitude"], values["longitude"] = lat, lon


_IDENTIFIER_CHECKS = {
    "siret": (identifiers.normalise_siret, identifiers.validate_siret),
    "museofile": (identifiers.normalise_identifier, identifiers.validate_museofile),
    "wikidata": (identifiers.normalise_identifier, identifiers.validate_wikidata),
    "rna": (identifiers.normalise_identifier, identifiers.validate_rna),
    "uai": (identifiers.normalise_identifier, identifiers.validate_uai),
    "rnsr": (identifiers.normalise_identifier, identifiers.validate_rnsr),
    "ror": (lambda value: identifiers.normalise_identifier(value, lower=True),
            identifiers.validate_ror),
    "osm": (lambda value: identifiers.normalise_identifier(value, lower=True),
            identifiers.validate_osm),
}  # fmt: skip


def _check_identifiers(cells, values, error) -> None:
    for key, (normalise, validate) in _IDENTIFIER_CHECKS.items():
        if not cells.get(key):
            continue
        value = normalise(cells[key])
        if key == "wikidata" and "/" in value:
            value = value.rsplit("/", 1)[-1]  # a Wikidata URL
        try:
            validate(value)
        except ValidationError as invalid:
            error(key, invalid.messages[0])
            continue
        values[key] = value


def _similar_keys(one: frozenset, other: frozenset) -> bool:
    """Names that share most of their words, or one of which holds all the words of the
    other ("Jardin des plantes" / "Jardin botanique des plantes"), at least two of them."""
    if len(other) < 2:
        return False
    common = len(one & other)
    return common >= 2 and (
        common == min(len(one), len(other)) or common / len(one | other) >= 0.75
    )


def name_key(name: str, commune_name: str = "", ctx: Context | None = None) -> frozenset:
    """The words that make a name, for "similar name in the same commune": accents, case,
    small words and the commune's own name do not count."""
    normalise = ctx.normalise if ctx else normalize_search_text
    ignored = _STOP_WORDS.union(normalise(commune_name).split())
    return frozenset(word for word in normalize_search_text(name).split() if word not in ignored)


def _kind(row: CheckedRow) -> str:
    return row.match[0] if row.match else ""


@dataclass
class CheckResult:
    rows: list[CheckedRow]
    headers: list[str]
    context: Context | None = None

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    def valid_rows(self) -> list:
        """The cleaned values of the valid rows, as JSON (kept between preview and commit)."""
        return [[row.number, row.values] for row in self.rows if row.valid]

    def summary(self) -> dict:
        """The preview report kept on the job (lists capped, counts complete)."""
        errors = self.errors
        duplicates = [row for row in self.rows if row.match and row.match[0] == "duplicate"]
        return {
            "rows": len(self.rows),
            "valid_rows": sum(1 for row in self.rows if row.valid),
            "invalid_rows": sum(1 for row in self.rows if not row.valid),
            "error_count": len(errors),
            "errors": [error.as_dict() for error in errors[:REPORT_LIMIT]],
            "updates": sum(1 for row in self.rows if row.valid and _kind(row) == "update"),
            "new": sum(1 for row in self.rows if row.valid and not row.match),
            "duplicate_count": sum(1 for row in duplicates if row.valid),
            "duplicates": [
                {
                    "row": row.number,
                    "name": row.values.get("name", ""),
                    "actor": row.match[1],
                    "actor_name": row.match[3],
                    "reason": row.match[2],
                }
                for row in duplicates
                if row.valid
            ][:REPORT_LIMIT],
        }  # fmt: skip


def rows_check(
    table: Table,
    mapping: dict[str, str],
    *,
    source: str,
    progress: Callable[[float], None] | None = None,
    every: int = 5000,
) -> CheckResult:
    """Check every row of ``table`` under ``mapping`` and match it against existing actors.
    Reads only; raises nothing for bad rows (they carry their errors). ``progress`` (when
    given) is told the share done (0 to 1) every ``every`` rows and at the end."""
    ctx = Context()
    columns = {key: int(index) for index, key in mapping.items() if key}
    headers = {key: table.headers[index] for key, index in columns.items()}
    rows = []
    first_seen: dict[tuple[str, str], int] = {}
    total = len(table.rows) or 1
    for offset, record in enumerate(table.rows):
        if progress is not None and offset and offset % every == 0:
            progress(0.8 * offset / total)  # the matching below takes the last fifth
        number = offset + 2
        cells = {key: record[index] for key, index in columns.items()}
        if not any(cells.values()):
            continue  # an empty line in the middle of the file
        row = _check_row(number, cells, headers, ctx)
        for key in ("source_id", *MATCHING_IDENTIFIERS):
            value = row.values.get(key)
            if not value:
                continue
            earlier = first_seen.setdefault((key, value), number)
            if earlier != number:
                row.errors.append(
                    RowError(
                        number,
                        headers.get(key, key),
                        gettext("Same identifier as row %(row)d: each record must appear once.")
                        % {"row": earlier},
                        value,
                    )
                )
        rows.append(row)
    if progress is not None:
        progress(0.8)
    _match_existing(rows, source=source, ctx=ctx)
    if progress is not None:
        progress(1.0)
    return CheckResult(rows, table.headers, ctx)


def rows_recheck(stored: list, *, source: str, headers: dict[str, str]) -> CheckResult:
    """The rows a preview checked (``[[number, values], …]``, see ``CheckResult.valid_rows``),
    checked again against what may have changed since: the typology, labels and territories
    they point to, and the existing actors they match."""
    ctx = Context()
    label_ids = set(ctx.labels.values())
    rows = []
    for number, values in stored:
        row = CheckedRow(number, values)
        for key, known, present in (
            ("type", ctx.type_family, values.get("type_id")),
            ("commune", ctx.communes, values.get("commune_id")),
        ):
            if present is not None and present not in known:
                row.errors.append(
                    RowError(number, headers.get(key, key), gettext("This value no longer exists."))
                )
        if any(label not in label_ids for label in values.get("labels", [])):
            row.errors.append(
                RowError(
                    number, headers.get("labels", "labels"), gettext("This value no longer exists.")
                )
            )
        rows.append(row)
    _match_existing(rows, source=source, ctx=ctx)
    return CheckResult(rows, [], ctx)


def _chunks(items: list, size: int = 2000) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _OneOf(Lookup):
    """``column IN (values)`` for a few thousand text values: on PostgreSQL one array
    parameter (``= ANY(%s)``) instead of a placeholder per value, whose building and
    conversion cost more than the query (a check of 100,000 rows sent 80 of them)."""

    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [str(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::text[])", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def _actors_with(column: str, values: list):
    return Actor.objects.filter(_OneOf(F(column), values))


def _match_existing(rows: list[CheckedRow], *, source: str, ctx: Context) -> None:
    """Set ``row.match`` for the valid rows: same source record, then same identifier, then
    similar name in the same commune. Batched: a few queries per 2,000 values."""
    valid = [row for row in rows if row.valid]
    source_ids = [row.values["source_id"] for row in valid if row.values.get("source_id")]
    by_source: dict[str, tuple] = {}
    if source:
        for chunk in _chunks(source_ids):
            for pk, source_id, name in (
                _actors_with("source_id", chunk)
                .filter(source=source)
                .values_list("pk", "source_id", "name")
            ):
                by_source[source_id] = (pk, name)
    by_identifier: dict[tuple[str, str], tuple] = {}
    # Every identifier of the rows in one pass (most rows have one or none).
    wanted: dict[str, set] = {key: set() for key in MATCHING_IDENTIFIERS}
    for row in valid:
        for key in row.values.keys() & wanted.keys():
            if row.values[key]:
                wanted[key].add(row.values[key])
    for key in MATCHING_IDENTIFIERS:
        values = sorted(wanted[key])
        for chunk in _chunks(values):
            for pk, value, name in _actors_with(key, chunk).values_list("pk", key, "name"):
                by_identifier.setdefault((key, value), (pk, name))
    communes = sorted({row.values["commune_id"] for row in valid if row.values.get("commune_id")})
    in_commune: dict[str, list[tuple]] = defaultdict(list)
    same_name: dict[tuple[str, frozenset], tuple] = {}
    for chunk in _chunks(communes):
        for pk, name, commune_id in _actors_with("commune_id", chunk).values_list(
            "pk", "name", "commune_id"
        ):
            candidate = (pk, name, name_key(name, ctx.communes[commune_id][0], ctx))
            in_commune[commune_id].append(candidate)
            same_name.setdefault((commune_id, candidate[2]), candidate)
    for row in valid:
        values = row.values
        found = by_source.get(values.get("source_id", ""))
        if found:
            row.match = ("update", found[0], "source", found[1])
            continue
        for key in MATCHING_IDENTIFIERS:
            found = by_identifier.get((key, values.get(key, "")))
            if found:
                row.match = ("duplicate", found[0], key, found[1])
                break
        if row.match or not values.get("commune_id"):
            continue
        commune_id = values["commune_id"]
        candidates = in_commune.get(commune_id)
        if not candidates:
            continue
        key = name_key(values["name"], ctx.communes[commune_id][0], ctx)
        similar = same_name.get((commune_id, key)) if key else None
        if similar is None and len(key) >= 2 and len(candidates) <= 200:
            similar = next((c for c in candidates if _similar_keys(key, c[2])), None)
        if similar:
            row.match = ("duplicate", similar[0], "name", similar[1])
