"""Languages are detected offline (CLD2, inside the package); the feed's declared language
helps on short texts, and a source's fixed language wins."""

import pytest

from ocim.watch.models import Item
from ocim.watch.pipeline.ingest import source_document_ingest
from ocim.watch.pipeline.language import language_code, language_detect

from .support import FETCHED_AT, rss, rss_item, source_make

FRENCH = (
    "Le muséum d'histoire naturelle ouvre une galerie consacrée aux minéraux et aux météorites."
)
ENGLISH = "The natural history museum opens a new gallery devoted to minerals and meteorites."
GERMAN = "Das Naturkundemuseum eröffnet eine neue Galerie über Mineralien und Meteoriten."


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (ENGLISH, "en"), (GERMAN, "de")])
def test_languages_are_detected(text, code):
    assert language_detect(text) == code


def test_short_or_unreadable_texts_fall_back_to_the_hint():
    assert language_detect("Appel à projets", hint="fr-FR") == "fr"
    assert language_detect("Appel à projets") == ""
    assert language_detect("\ud800" * 50 + FRENCH, hint="en") in ("fr", "en")
    assert language_detect("12 345 678 901 234 567 890", hint="fr") == "fr"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("fr-FR", "fr"),
        ("en_us", "en"),
        ("EN", "en"),
        ("zh-Hant", "zh"),
        ("x", ""),
        ("12", ""),
        ("", ""),
    ],
)
def test_language_codes(tag, code):
    assert language_code(tag) == code


@pytest.mark.django_db
def test_a_source_language_wins_over_detection():
    source = source_make(language="en")
    source_document_ingest(
        source=source,
        body=rss([rss_item(1, description=FRENCH)]),
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
    )
    assert Item.objects.get().language == "en"
