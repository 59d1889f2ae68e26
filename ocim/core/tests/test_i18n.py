"""French by default, English on /en/: interface strings, URLs and the page language."""

import pytest
from django.urls import reverse
from django.utils import translation

from ocim.core.forms import SearchForm


@pytest.mark.django_db
def test_root_redirects_to_french(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "strings"),
    [
        ("/fr/recherche/", "fr", ["Aller au contenu", "Rechercher sur le site", "Menu principal"]),
        ("/en/search/", "en", ["Skip to content", "Search the site", "Main menu"]),
    ],
)
def test_interface_follows_the_url_language(client, path, lang, strings):
    html = client.get(path).content.decode()

    assert f'<html lang="{lang}" dir="ltr">' in html
    for text in strings:
        assert text in html


@pytest.mark.django_db
def test_language_switcher_marks_the_current_language(client):
    html = client.get("/en/search/").content.decode()
    switch = html.split('class="lang-switch"')[1].split("</nav>")[0]

    assert 'href="/en/search/" lang="en" hreflang="en" aria-current="true"' in switch
    assert 'href="/fr/recherche/" lang="fr" hreflang="fr">' in switch


def test_translated_url_patterns():
    with translation.override("fr"):
        assert reverse("core:search") == "/fr/recherche/"
    with translation.override("en"):
        assert reverse("core:search") == "/en/search/"


def test_form_errors_are_translated():
    with translation.override("fr"):
        form = SearchForm({"q": "x" * 300})
        assert not form.is_valid()
        assert form.errors["q"] == [
            "Votre recherche est trop longue : utilisez au plus 200 caractères."
        ]
    with translation.override("en"):
        form = SearchForm({"q": "x" * 300})
        assert not form.is_valid()
        assert form.errors["q"] == ["Your search is too long: use at most 200 characters."]
