"""Any document, however broken, ends as entries or as a clean FeedParseError: truncated XML,
wrong or missing charsets, control characters, entity bombs and external entities, HTML
entities RSS 0.91 relied on, bare ampersands, mangled JSON, random damage."""

import random

import pytest

from ocim.watch.pipeline.decoding import document_decode, xml_make_safe
from ocim.watch.pipeline.errors import FeedParseError
from ocim.watch.pipeline.parsing import feed_parse

from .support import atom, atom_entry, json_feed, rss, rss_item

TITLE = "Événement n°1 à l'Observatoire"


def _feed(encoding="utf-8") -> str:
    return rss([rss_item(1, title=TITLE), rss_item(2)], encoding=encoding).decode(encoding)


def _titles(body: bytes, **kwargs) -> list[str]:
    return [entry.title for entry in feed_parse(body, **kwargs).entries]


@pytest.mark.parametrize(
    ("body", "declared"),
    [
        # Declared UTF-8, sent in Latin-1 (the commonest mismatch).
        (_feed().encode("latin-1", errors="replace"), None),
        # Declared Latin-1, sent in UTF-8.
        (_feed().replace('encoding="utf-8"', 'encoding="iso-8859-1"').encode("utf-8"), None),
        # Windows-1252, declared.
        (_feed("cp1252").encode("cp1252"), None),
        # No declaration at all, UTF-8.
        (_feed().split("\n", 1)[1].encode("utf-8"), None),
        # HTTP says Latin-1, the body is Windows-1252 without a declaration.
        (_feed().split("\n", 1)[1].encode("cp1252"), "iso-8859-1"),
        # UTF-16 with and without a byte-order mark.
        (_feed().replace("utf-8", "utf-16").encode("utf-16"), None),
        (_feed().replace("utf-8", "utf-16").encode("utf-16-le"), None),
        # UTF-8 with a byte-order mark and a declaration saying otherwise.
        (b"\xef\xbb\xbf" + _feed().replace("utf-8", "windows-1252").encode("utf-8"), None),
        # An encoding name that does not exist.
        (_feed().replace("utf-8", "x-no-such-charset").encode("utf-8"), "bogus"),
    ],
)
def test_wrong_or_missing_charsets_are_read_right(body, declared):
    assert _titles(body, encoding=declared)[0] == TITLE


def test_control_characters_and_nul_are_removed():
    body = rss([rss_item(1, title="Te\x00x\x01te\x0b", description="a\x1fb\x7f")])
    parsed = feed_parse(body)
    assert parsed.entries[0].title == "Texte"
    assert "control_characters" in parsed.repairs


def test_truncated_xml_keeps_the_complete_entries():
    body = rss(5)
    cut = body[: body.index(b"<item>", body.index(b"urn:musee:4")) + 30]
    titles = _titles(cut)
    assert titles[:4] == ["Actualité 1", "Actualité 2", "Actualité 3", "Actualité 4"]


def test_html_entities_and_bare_ampersands_keep_their_text():
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>Caf&eacute; &amp; Cie&nbsp;: Arts & M\xc3\xa9tiers"
        b" &unknown; &#0; &#233;</title>"
        b"<link>https://e.org/1?a=1&b=2</link></item></channel></rss>"
    )
    entry = feed_parse(body).entries[0]
    assert entry.title == "Café & Cie\xa0: Arts & Métiers &unknown;  é"
    assert entry.link == "https://e.org/1?a=1&b=2"


def _entity(n: int) -> bytes:
    reference = f"&lol{n - 1};" if n > 2 else "&lol;"
    return f'<!ENTITY lol{n} "{reference * 10}">'.encode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(_entity(n) for n in range(2, 10))
    + b']><rss version="2.0"><channel><title>x</title><item><title>&lol9;</title>'
    b"<link>https://e.org/1</link></item></channel></rss>"
)


def test_an_entity_bomb_is_not_expanded():
    parsed = feed_parse(BILLION_LAUGHS)
    assert len(parsed.entries) == 1
    assert parsed.entries[0].title == "&lol9;"
    assert "doctype_removed" in parsed.repairs


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]>',
        b'<!DOCTYPE r SYSTEM "http://127.0.0.1:1/evil.dtd">',
        b'<!DOCTYPE r [<!-- ]> --><!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd"',  # never closed
    ],
)
def test_external_entities_and_dtds_are_never_read(doctype):
    body = (
        b'<?xml version="1.0"?>'
        + doctype
        + b'<rss version="2.0"><channel><title>x</title><item><title>a&x;b</title>'
        b"<description>&x;</description><link>https://e.org/1</link></item></channel></rss>"
    )
    try:
        parsed = feed_parse(body)
    except FeedParseError:
        return
    for entry in parsed.entries:
        assert "root:" not in entry.title + entry.summary


def test_the_safe_bytes_declare_no_entity_and_no_dtd():
    safe = xml_make_safe(document_decode(BILLION_LAUGHS))
    assert b"<!ENTITY" not in safe and b"<!DOCTYPE" not in safe
    assert safe.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_cdata_sections_are_left_alone():
    body = rss([rss_item(1, description="<p>R&amp;D &eacute;t&eacute; & co</p>")])
    entry = feed_parse(body).entries[0]
    assert entry.summary == "<p>R&amp;D &eacute;t&eacute; & co</p>"


def test_json_feed_with_wrong_types_keeps_what_it_can():
    body = json_feed(
        [
            1,
            "text",
            None,
            {"id": {"nested": 1}, "title": ["x"], "url": 5, "content_html": "<p>ok</p>"},
            {"id": "2", "title": "Bon", "tags": ["a", 3, None], "date_published": 12},
            {"id": "\ud800lone", "title": "Surrogate \udfff"},
        ]
    )
    entries = feed_parse(body).entries
    assert len(entries) == 3
    assert entries[0].content == "<p>ok</p>" and entries[0].title == ""
    assert entries[1].categories == ["a"] and entries[1].published is None


def test_a_large_feed_with_many_entries_is_read_whole():
    body = rss(3000)
    assert len(feed_parse(body).entries) == 3000


INSERTIONS = [b"<", b">", b"&", b"]]>", b"<![CDATA[", b"\x00", b"&#x0;", b"<!DOCTYPE x [", b'"']


def _mutations(body: bytes, rng: random.Random):
    for _ in range(60):
        data = bytearray(body)
        for _ in range(rng.randint(1, 30)):
            position = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.4:
                data[position] = rng.randrange(256)
            elif choice < 0.7:
                del data[position : position + rng.randint(1, 40)]
            else:
                data[position:position] = rng.choice(
                    [
                        b"<",
                        b">",
                        b"&",
                        b"]]>",
                        b"<![CDATA[",
                        b"\x00",
                        b"&#x0;",
                        b"<!DOCTYPE x [",
                        b'"',
                    ]
                )
        yield bytes(data)
    for cut in range(0, len(body), max(1, len(body) // 40)):
        yield body[:cut]


@pytest.mark.parametrize(
    "body",
    [
        rss([rss_item(n, content="<p>Contenu <b>riche</b></p>") for n in range(5)]),
        atom([atom_entry(n) for n in range(5)]),
        json_feed(
            [{"id": str(n), "title": f"T{n}", "url": f"https://e.org/{n}"} for n in range(5)]
        ),
    ],
    ids=["rss", "atom", "json"],
)
def test_random_damage_ends_as_entries_or_a_clean_error(body):
    rng = random.Random(20260310)
    for damaged in _mutations(body, rng):
        try:
            parsed = feed_parse(damaged)
        except FeedParseError as error:
            assert error.code and str(error.message)
            continue
        for entry in parsed.entries:
            assert isinstance(entry.title, str) and isinstance(entry.link, str)
