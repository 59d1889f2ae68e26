"""Password policy: length (settings) and a refusal of common passwords, no composition rules.

A password is refused when it is a common password or a *trivial variant* of one. The rule:

1. compare the password lower-cased, with accents removed and spaces / dots / hyphens /
   underscores taken out ("Mot de passe" → "motdepasse");
2. then strip the digits and punctuation at both ends ("Azerty123456!" → "azerty",
   "2024Soleil!!" → "soleil") and compare that core, as typed and with common letter/digit
   swaps undone ("S0le1l" → "soleil", "P@ssw0rd" → "password");
3. a core that is the same short piece repeated ("azertyazerty", "abcabcabcabc") is compared
   through its piece; a password with no letters at all (only digits and symbols) is refused.

Cores shorter than four characters are not looked up, so a long passphrase that merely ends with
a digit is never refused because of a short word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator as DjangoCommon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

FRENCH_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-fr.txt"
MIN_CORE_LENGTH = 4
_SEPARATORS = re.compile(r"[\s._\-]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "€": "e",
        "!": "i",
    }
)


@lru_cache(maxsize=1)
def french_passwords() -> frozenset[str]:
    """The French list, normalised like the passwords compared with it."""
    lines = FRENCH_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(
        _flatten(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


@lru_cache(maxsize=1)
def django_passwords() -> frozenset[str]:
    return frozenset(DjangoCommon().passwords)


def _flatten(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("", without_accents)


def _repeated_unit(text: str) -> str:
    """'azertyazerty' → 'azerty'; a text that is not a repetition is returned as is."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def candidates(password: str) -> set[str]:
    """The forms of ``password`` that are looked up in the lists."""
    flat = _flatten(password)
    forms = {password.lower().strip(), flat}
    core = _EDGES.sub("", flat)
    for variant in {core, core.translate(_LEET), _EDGES.sub("", flat.translate(_LEET))}:
        unit = _repeated_unit(variant)
        for form in (variant, unit):
            if len(form) >= MIN_CORE_LENGTH:
                forms.add(form)
    return forms


def is_common(password: str) -> bool:
    common_fr, common_all = french_passwords(), django_passwords()
    return any(form in common_fr or form in common_all for form in candidates(password))


class CommonPasswordValidator:
    """Refuse Django's 20,000 common passwords, the French list, and trivial variants of both."""

    def validate(self, password, user=None):
        flat = _flatten(password)
        if not any(c.isalpha() for c in flat):
            raise ValidationError(
                gettext("This password has no letters: it is too easy to guess."),
                code="password_no_letters",
            )
        if is_common(password):
            raise ValidationError(
                gettext(
                    "This password is too common, or a common password with a few changes. "
                    "A sentence of several words you can remember is a good choice."
                ),
                code="password_too_common",
            )
        core = _EDGES.sub("", flat)
        if len(core) > 3 and len(_repeated_unit(core)) < MIN_CORE_LENGTH:
            raise ValidationError(
                gettext("This password repeats the same few characters: it is too easy to guess."),
                code="password_repetitive",
            )

    def get_help_text(self):
        return gettext(
            "Your password must not be a common password, even with capitals, digits or "
            "symbols added."
        )
