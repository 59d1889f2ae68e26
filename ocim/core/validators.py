"""Validators shared by the domain apps (identifiers of French organisations)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def siret_is_valid(value: str) -> bool:
    """A SIRET is 14 digits passing the Luhn check (La Poste's sites excepted, by rule)."""
    digits = (value or "").replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        return False
    # La Poste's establishments (SIREN 356000000) use a digit sum divisible by 5 instead.
    if digits.startswith("356000000"):
        return sum(int(d) for d in digits) % 5 == 0
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def normalise_siret(value: str) -> str:
    return (value or "").replace(" ", "").strip()


def validate_siret(value: str) -> None:
    if value and not siret_is_valid(value):
        raise ValidationError(
            _("Enter a valid SIRET number: 14 digits, as shown on the employer's documents."),
            code="invalid_siret",
        )
