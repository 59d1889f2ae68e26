"""Identifiers of the actors in the registers that describe them, each checked as its register
defines it (format, and the check character where there is one).

Every ``validate_*`` raises ``ValidationError`` with a translated message; every ``normalise_*``
returns the canonical spelling (upper case, no spaces) that is stored and compared.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ocim.core.validators import normalise_siret, siret_is_valid, validate_siret

__all__ = [
    "normalise_identifier",
    "normalise_siret",
    "siret_is_valid",
    "validate_museofile",
    "validate_osm",
    "validate_rna",
    "validate_rnsr",
    "validate_ror",
    "validate_siret",
    "validate_uai",
    "validate_wikidata",
]

_MUSEOFILE = re.compile(r"M\d{4}")
_WIKIDATA = re.compile(r"Q[1-9]\d{0,11}")
_RNA = re.compile(r"W\d{9}")
_UAI = re.compile(r"(\d{7})([A-Z])")
_RNSR = re.compile(r"\d{9}[A-Z]")
_ROR = re.compile(r"0[0-9a-hjkmnp-tv-z]{6}\d{2}")
_OSM = re.compile(r"(node|way|relation)/[1-9]\d{0,14}")
# The check letter of a UAI: the 7 digits modulo 23, in this alphabet (no I, O, Q).
_UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def normalise_identifier(value: str, *, lower: bool = False) -> str:
    cleaned = re.sub(r"\s+", "", value or "")
    return cleaned.lower() if lower else cleaned.upper()


def validate_museofile(value: str) -> None:
    """Muséofile (Ministry of Culture's museum register): M and four digits, e.g. M0123."""
    if value and not _MUSEOFILE.fullmatch(value):
        raise ValidationError(
            _("Enter a Muséofile reference: the letter M and four digits (e.g. M0123)."),
            code="invalid_museofile",
        )


def validate_wikidata(value: str) -> None:
    if value and not _WIKIDATA.fullmatch(value):
        raise ValidationError(
            _("Enter a Wikidata identifier: the letter Q and digits (e.g. Q3329534)."),
            code="invalid_wikidata",
        )


def validate_rna(value: str) -> None:
    """RNA (register of associations): W and nine digits."""
    if value and not _RNA.fullmatch(value):
        raise ValidationError(
            _("Enter an RNA number: the letter W and nine digits (e.g. W212001234)."),
            code="invalid_rna",
        )


def uai_is_valid(value: str) -> bool:
    found = _UAI.fullmatch(value or "")
    return bool(found) and _UAI_LETTERS[int(found.group(1)) % 23] == found.group(2)


def validate_uai(value: str) -> None:
    """UAI (register of education establishments): seven digits and a check letter."""
    if value and not uai_is_valid(value):
        raise ValidationError(
            _("Enter a valid UAI number: seven digits and its check letter (e.g. 0211237F)."),
            code="invalid_uai",
        )


def validate_rnsr(value: str) -> None:
    """RNSR (register of research structures): nine digits and a letter."""
    if value and not _RNSR.fullmatch(value):
        raise ValidationError(
            _("Enter an RNSR number: nine digits and a letter (e.g. 200212345X)."),
            code="invalid_rnsr",
        )


def ror_is_valid(value: str) -> bool:
    """ROR: 0, six Crockford base-32 characters and two check digits (ISO 7064 mod 97-10 of
    the number the first seven characters spell)."""
    if not _ROR.fullmatch(value or ""):
        return False
    number = 0
    for char in value[:7]:
        number = number * 32 + _CROCKFORD.index(char)
    return 98 - (number * 100) % 97 == int(value[7:])


def validate_ror(value: str) -> None:
    if value and not ror_is_valid(value):
        raise ValidationError(
            _("Enter a valid ROR identifier: nine characters starting with 0 (e.g. 03yrm5c26)."),
            code="invalid_ror",
        )


def validate_osm(value: str) -> None:
    if value and not _OSM.fullmatch(value):
        raise ValidationError(
            _("Enter an OpenStreetMap object: node/, way/ or relation/ and its number."),
            code="invalid_osm",
        )
