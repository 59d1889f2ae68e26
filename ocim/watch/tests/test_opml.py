"""OPML files (``ocim.watch.opml``): what is read from the files feed readers write (folders as
categories, OPML 2.0 category attribute, line numbers), what is refused with a clear message,
and the OPML 2.0 written by the export (read back to the same sources)."""

import datetime as dt

import pytest
from defusedxml import ElementTree as ET
from django.utils import translation

from ocim.watch.opml import MAX_BYTES, OpmlFileError, OpmlSource, opml_read, opml_write

READER_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Abonnements de Camille</title></head>
  <body>
    <outline text="Mus\xc3\xa9es" title="Mus\xc3\xa9es">
      <outline text="Sciences">
        <outline type="rss" text="Mus\xc3\xa9um de Lyon" xmlUrl="https://museum.exemple.fr/rss"
                 htmlUrl="https://museum.exemple.fr/" language="fr"/>
      </outline>
      <outline type="rss" text="Mus\xc3\xa9e d'art" xmlurl="https://art.exemple.fr/feed"/>
    </outline>
    <outline type="rss" title="Presse" text="Le Journal" xmlUrl="https://journal.exemple.fr/atom"
             category="/Presse/R\xc3\xa9gionale,/Veille"/>
    <outline text="Un lien sans flux" url="https://exemple.fr/"/>
  </body>
</opml>
"""


def test_feeds_are_read_with_their_folders_as_categories():
    document = opml_read(READER_EXPORT)
    assert document.title == "Abonnements de Camille"
    feeds = {feed.url: feed for feed in document.feeds}
    museum = feeds["https://museum.exemple.fr/rss"]
    assert museum.title == "Muséum de Lyon"
    assert museum.categories == ("Musées", "Sciences")
    assert museum.site_url == "https://museum.exemple.fr/"
    assert museum.language == "fr"
    assert museum.line == 7
    assert feeds["https://art.exemple.fr/feed"].categories == ("Musées",)
    journal = feeds["https://journal.exemple.fr/atom"]
    assert journal.title == "Presse"
    assert journal.categories == ("Presse", "Régionale", "Veille")
    assert document.ignored == [(14, "Un lien sans flux")]


def test_other_encodings_declared_by_the_file_are_read():
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><opml version="2.0"><body>'
        '<outline text="Actualités" xmlUrl="https://exemple.fr/flux"/></body></opml>'
    ).encode("iso-8859-1")
    assert opml_read(data).feeds[0].title == "Actualités"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"not xml at all", "not valid XML (line 1"),
        (b"<opml><body><outline xmlUrl='x'></body></opml>", "not valid XML (line 1"),
        (b"<rss version='2.0'><channel/></rss>", "first element is <rss>"),
        (b"<html><body>Hello</body></html>", "first element is <html>"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
        (b"<opml version='2.0'><body><outline text='vide'/></body></opml>", "lists no feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;">]><opml><body><outline text="&lol2;" xmlUrl="https://e.fr/"/>'
            b"</body></opml>",
            "document type or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">'
            b'<opml><body><outline xmlUrl="https://e.fr/"/></body></opml>',
            "document type or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<opml><body><outline text="&xxe;" xmlUrl="https://e.fr/"/></body></opml>',
            "document type or entities",
        ),
        (b"\xff\xfe\x00garbage", "not valid XML"),
        (b"<opml><body>" + b"<outline text='x'>" * 40 + b"</body></opml>", "nested more than"),
        (b"x" * (MAX_BYTES + 1), "larger than"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data, fragment):
    with translation.override("en"):
        with pytest.raises(OpmlFileError) as caught:
            opml_read(data)
        assert fragment in str(caught.value.message)


def test_too_many_outlines_are_refused():
    outlines = b"".join(b'<outline text="f" xmlUrl="https://e.fr/%d"/>' % n for n in range(10_001))
    with translation.override("en"):
        with pytest.raises(OpmlFileError) as caught:
            opml_read(b"<opml><body>" + outlines + b"</body></opml>")
        assert "more than 10 000 outlines" in str(caught.value.message)


def test_the_export_is_opml_2_read_back_to_the_same_sources():
    sources = [
        OpmlSource(
            title="Muséum de Lyon",
            url="https://museum.exemple.fr/rss",
            site_url="https://museum.exemple.fr/",
            description="Actualités\n du muséum",
            language="fr",
            categories=("Musées", "Sciences"),
        ),
        OpmlSource(title="Le Journal & Cie", url="https://journal.exemple.fr/atom?a=1&b=2"),
        OpmlSource(
            title="Art", url="https://art.exemple.fr/feed", categories=("Arts/Lettres", "Musées")
        ),
    ]
    created = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)
    data = opml_write(sources, title="Veille Ocim", created_at=created)

    root = ET.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "Veille Ocim"
    assert root.find("head/dateCreated").text == "Mon, 07 Dec 2026 08:30:00 GMT"
    assert root.find("head/docs").text == "http://opml.org/spec2.opml"
    for outline in root.iter("outline"):
        assert outline.get("text"), "OPML 2.0: every outline has a text attribute"
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss"
    folders = [outline.get("text") for outline in root.find("body")]
    assert folders[:2] == ["Arts/Lettres", "Musées"]

    document = opml_read(data)
    feeds = {feed.url: feed for feed in document.feeds}
    assert set(feeds) == {source.url for source in sources}
    museum = feeds["https://museum.exemple.fr/rss"]
    assert museum.categories == ("Musées", "Sciences")
    assert museum.language == "fr" and museum.site_url == "https://museum.exemple.fr/"
    assert museum.description == "Actualités du muséum"
    assert feeds["https://journal.exemple.fr/atom?a=1&b=2"].title == "Le Journal & Cie"
    # A name with a slash stays whole as the folder; the attribute keeps the others.
    assert feeds["https://art.exemple.fr/feed"].categories == ("Arts/Lettres", "Musées")


def test_control_characters_never_break_the_export():
    data = opml_write(
        [
            OpmlSource(
                title="Bulletin\x01 du muséum\x0b", url="https://e.fr/rss", categories=("A\x02",)
            )
        ],
        title="Veille\x00",
        created_at=dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
    )
    feed = opml_read(data).feeds[0]
    assert (feed.title, feed.categories) == ("Bulletin du muséum", ("A",))
