"""``services.sources_opml_import``: an OPML file becomes sources and categories, all or
nothing; duplicates (already watched, or twice in the file) are reported and left alone."""

import pytest
from django.db import IntegrityError
from django.utils import translation

from ocim.core.models import AuditLogEntry
from ocim.watch.models import Source, SourceCategory, SourceState
from ocim.watch.opml import OpmlFileError
from ocim.watch.services import OpmlImportError, sources_opml_import

from .admin_builders import SourceCategoryFactory, SourceFactory

pytestmark = pytest.mark.django_db


def opml(*outlines: str) -> bytes:
    body = "\n".join(outlines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>t</title>'
        f"</head><body>\n{body}\n</body></opml>"
    ).encode()


def feed(title: str, url: str, **attributes) -> str:
    extra = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return f'<outline type="rss" text="{title}" xmlUrl="{url}"{extra}/>'


def test_feeds_become_active_sources_in_their_categories(user):
    existing = SourceCategoryFactory(name="Musées", slug="musees")
    data = opml(
        '<outline text="musées">',
        '<outline text="Sciences naturelles">',
        feed(
            "Muséum de Lyon", "https://museum.exemple.fr/rss", htmlUrl="https://museum.exemple.fr/"
        ),
        "</outline>",
        "</outline>",
        feed("Le Journal", "https://journal.exemple.fr/atom", language="fr_FR"),
    )
    report = sources_opml_import(data=data, user=user, file_name="abonnements.opml")

    assert {source.title for source in report.created} == {"Muséum de Lyon", "Le Journal"}
    museum = Source.objects.get(url="https://museum.exemple.fr/rss")
    assert museum.state == SourceState.ACTIVE and museum.next_fetch_at is not None
    assert museum.site_url == "https://museum.exemple.fr/"
    assert {category.name for category in museum.categories.all()} == {
        "Musées",
        "Sciences naturelles",
    }
    assert museum.categories.get(slug="musees") == existing  # matched without case or accents
    assert report.categories_created == ["Sciences naturelles"]
    assert Source.objects.get(url="https://journal.exemple.fr/atom").language == "fr-fr"
    assert AuditLogEntry.objects.filter(action="watch.source.created").count() == 2
    summary = AuditLogEntry.objects.get(action="watch.sources.imported")
    assert summary.data["created"] == 2 and summary.data["file"] == "abonnements.opml"


def test_duplicates_are_reported_and_left_alone(user):
    watched = SourceFactory(url="https://museum.exemple.fr/rss", title="Le muséum")
    data = opml(
        feed("Muséum", "https://MUSEUM.exemple.fr/rss#top"),
        feed("Journal", "https://journal.exemple.fr/atom"),
        feed("Journal bis", "https://journal.exemple.fr:443/atom"),
        '<outline text="Une note"/>',
    )
    report = sources_opml_import(data=data, user=user)

    assert [source.url for source in report.created] == ["https://journal.exemple.fr/atom"]
    assert [(title, source) for _line, title, source in report.already_watched] == [
        ("Muséum", watched)
    ]
    assert [(title, first) for _line, title, first in report.repeated] == [("Journal bis", 4)]
    assert [name for _line, name in report.ignored] == ["Une note"]
    watched.refresh_from_db()
    assert watched.title == "Le muséum"
    assert Source.objects.count() == 2


def test_one_bad_feed_and_nothing_is_imported(user, settings):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    data = opml(
        '<outline text="Nouvelle catégorie">',
        feed("Bon", "https://bon.exemple.fr/rss"),
        "</outline>",
        feed("Interne", "http://192.168.1.10/rss"),
        feed("FTP", "ftp://exemple.fr/rss"),
    )
    with translation.override("en"):
        with pytest.raises(OpmlImportError) as caught:
            sources_opml_import(data=data, user=user)
        problems = [(problem.line, problem.title) for problem in caught.value.problems]
        assert problems == [(6, "Interne"), (7, "FTP")]
        assert "2 feed(s)" in str(caught.value.message)
        assert "private, local or reserved" in caught.value.problems[0].message
    assert not Source.objects.exists()
    assert not SourceCategory.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_a_file_that_is_not_opml_is_refused(user):
    with pytest.raises(OpmlFileError):
        sources_opml_import(data=b"<rss version='2.0'/>", user=user)
    assert not Source.objects.exists()


def test_questionable_details_are_left_out_and_noted(user):
    data = opml(
        feed(
            "Muséum",
            "https://museum.exemple.fr/rss",
            htmlUrl="javascript:alert(1)",
            language="français",
        )
    )
    report = sources_opml_import(data=data, user=user)
    source = Source.objects.get()
    assert (source.site_url, source.language) == ("", "")
    assert len(report.notes) == 2


def test_a_concurrent_insert_rolls_everything_back(user, monkeypatch):
    def collide(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Source.objects, "bulk_create", collide)
    data = opml('<outline text="Cat">', feed("A", "https://a.exemple.fr/rss"), "</outline>")
    with pytest.raises(OpmlImportError):
        sources_opml_import(data=data, user=user)
    assert not SourceCategory.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_a_file_without_titles_names_sources_by_their_host(user):
    data = opml('<outline xmlUrl="https://sans-titre.exemple.fr/flux.xml"/>')
    report = sources_opml_import(data=data, user=user)
    assert report.created[0].title == "sans-titre.exemple.fr"
