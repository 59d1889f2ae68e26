import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from ocim.accounts.validators import FRENCH_LIST, CommonPasswordValidator, french_passwords


def _codes(password):
    try:
        validate_password(password)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


def test_french_list_is_documented_and_large_enough():
    header = [line for line in FRENCH_LIST.read_text().splitlines() if line.startswith("#")]
    assert any("no personal data" in line for line in header)
    assert any("how this list was built" in line.lower() for line in header)
    assert len(french_passwords()) >= 300
    assert {"azerty", "motdepasse", "jetaime", "soleil", "doudou"} <= french_passwords()


@pytest.mark.parametrize(
    "password",
    [
        "Azerty123456!",
        "azertyuiop123",
        "MOTDEPASSE2024",
        "Mot de passe 2024",
        "123soleil2024!!",
        "S0leil1990!!!",
        "jetaime123456",
        "Doudou!!!!!!!!",
        "OlympiqueLyonnais69",
        "azertyazertyazerty",
        "P@ssw0rd2024!",
    ],
)
def test_common_words_and_trivial_variants_are_refused(password):
    assert "password_too_common" in _codes(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("123456789012345", "password_no_letters"),
        ("abcabcabcabcabc", "password_repetitive"),
        ("court", "password_too_short"),
    ],
)
def test_predictable_shapes_are_refused(password, code):
    assert code in _codes(password)


@pytest.mark.parametrize(
    "password",
    ["une phrase de passe solide", "le musée ouvre à neuf heures", "Girafe-violon-tartine-42"],
)
def test_passphrases_pass_without_composition_rules(password):
    assert _codes(password) == set()


def test_messages_are_translated():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        CommonPasswordValidator().validate("Azerty123456!")
    assert "trop courant" in error.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        CommonPasswordValidator().validate("Azerty123456!")
    assert "too common" in error.value.messages[0]
