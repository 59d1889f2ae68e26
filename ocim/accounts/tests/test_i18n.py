import pytest
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
def test_signup_page_in_french_and_english(client):
    with translation.override("fr"):
        fr_url = reverse("accounts:signup")
    with translation.override("en"):
        en_url = reverse("accounts:signup")
    assert fr_url == "/fr/compte/inscription/"
    assert en_url == "/en/account/sign-up/"
    fr = client.get(fr_url).content.decode()
    assert "Créer un compte" in fr and "Prénom" in fr and "Mot de passe" in fr
    en = client.get(en_url).content.decode()
    assert "Create an account" in en and "First name" in en and "Password" in en


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "fr_path", "en_path"),
    [
        ("login", "/fr/compte/connexion/", "/en/account/login/"),
        ("logout", "/fr/compte/deconnexion/", "/en/account/logout/"),
        ("profile", "/fr/compte/", "/en/account/"),
        ("password_reset", "/fr/compte/mot-de-passe/oubli/", "/en/account/password/forgotten/"),
    ],
)
def test_paths_are_translated(name, fr_path, en_path):
    with translation.override("fr"):
        assert reverse(f"accounts:{name}") == fr_path
    with translation.override("en"):
        assert reverse(f"accounts:{name}") == en_path
