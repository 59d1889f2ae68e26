"""Validators of the identifiers a journal carries: ISSN, ORCID, DOI, IP ranges."""

from __future__ import annotations

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ISSN = re.compile(r"\d{4}-\d{3}[\dX]")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
# A DOI: the "10." directory, a registrant code of four digits or more (dotted sub-codes
# allowed), a slash, then a suffix of printable characters.
_DOI = re.compile(r"10\.\d{4,9}(\.\d+)*/\S+")


def issn_check_digit(first_seven: str) -> str:
    """The ISSN check character of the first seven digits (ISO 3297: weights 8..2, mod 11)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_seven, range(8, 1, -1), strict=True)
    )
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def validate_issn(value: str) -> None:
    """NNNN-NNNC, where C is the ISO 3297 check character (a digit or X)."""
    if not _ISSN.fullmatch(value or ""):
        raise ValidationError(
            _("Enter an ISSN in the form 1234-5678 (the last character may be X)."),
            code="issn_format",
        )
    digits = value.replace("-", "")
    if issn_check_digit(digits[:7]) != digits[7]:
        raise ValidationError(
            _("This ISSN is not valid: its check character does not match."), code="issn_check"
        )


def orcid_check_digit(first_fifteen: str) -> str:
    """The ORCID check character of the first fifteen digits (ISO 7064 MOD 11-2)."""
    total = 0
    for digit in first_fifteen:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def validate_orcid(value: str) -> None:
    """An ORCID iD: 0000-0000-0000-000C, C being the ISO 7064 MOD 11-2 check character."""
    if not _ORCID.fullmatch(value or ""):
        raise ValidationError(
            _(
                "Enter an ORCID iD in the form 0000-0002-1825-0097 (without the https://orcid.org/)."
            ),
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD is not valid: its check character does not match."),
            code="orcid_check",
        )


def validate_doi(value: str) -> None:
    """A bare DOI (10.NNNN/suffix), without the https://doi.org/ prefix."""
    if not _DOI.fullmatch(value or ""):
        raise ValidationError(
            _("Enter a DOI in the form 10.1234/abcd (without the https://doi.org/)."),
            code="doi_format",
        )


def parse_ip_ranges(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of ``text``: one CIDR range per line (or separated by commas or spaces);
    a bare address counts as a single host. Raises ValidationError naming the bad entries."""
    entries = [entry for entry in re.split(r"[\s,;]+", text or "") if entry]
    networks, invalid = [], []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            invalid.append(entry)
    if invalid:
        raise ValidationError(
            _("These are not IP addresses or CIDR ranges: %(entries)s."),
            code="ip_range",
            params={"entries": ", ".join(invalid)},
        )
    return networks


def validate_ip_ranges(text: str) -> None:
    parse_ip_ranges(text)
