"""Password policy: length and a refusal of common passwords, no composition rules."""

from functools import lru_cache
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator as DjangoCommon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FRENCH_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-fr.txt"


@lru_cache(maxsize=1)
def _french_passwords() -> frozenset[str]:
    if not FRENCH_LIST.exists():
        return frozenset()
    lines = FRENCH_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


class CommonPasswordValidator(DjangoCommon):
    """Django's list of 20,000 common passwords plus a French list built from public facts."""

    def validate(self, password, user=None):
        super().validate(password, user)
        if password.lower().strip() in _french_passwords():
            raise ValidationError(_("This password is too common."), code="password_too_common")

