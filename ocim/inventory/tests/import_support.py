"""Shared helpers of the import tests: a few real communes (from the shipped INSEE files) and
ways to make import files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from ocim.accounts.tests.factories import UserFactory
from ocim.core.selectors import GEO_DATA_DIR
from ocim.core.services import territories_load

DEMO_FILE = Path(__file__).resolve().parents[1] / "data" / "demo_import.csv"
# The communes the demo file names: Dijon, Besançon, Nantes, Toulouse, Saint-Denis (La
# Réunion), Grenoble, Strasbourg, Montpellier, and Fort-de-France for an overseas check.
DEMO_COMMUNES = ("21231", "25056", "44109", "31555", "97411", "38185", "67482", "34172", "97209")


def load_communes(directory: Path, codes=DEMO_COMMUNES) -> None:
    """Load the regions, departments and the given communes of the real territory files."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("regions.csv", "departements.csv"):
        (directory / name).write_bytes((GEO_DATA_DIR / name).read_bytes())
    with (GEO_DATA_DIR / "communes.csv").open(encoding="utf-8") as source:
        lines = source.read().splitlines()
    kept = [lines[0], *[line for line in lines[1:] if line.split(",", 1)[0] in codes]]
    (directory / "communes.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    territories_load(data_dir=directory)


def csv_bytes(rows: list[list[str]], *, delimiter=";", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name: str = "acteurs.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def importer(**fields):
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "inventory"],
            codename__in=["access_admin", "import_actors"],
        )
    )
    return user
