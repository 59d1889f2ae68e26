"""Links of entries resolved by string work (the fast path) come out exactly as ``urljoin``
resolves them (the general path), whatever the link and the document's address; the fast path
is the one taken for the links feeds usually carry."""

import random

import pytest

from ocim.watch.pipeline.urls import _link_resolve_general, _link_resolve_plain, link_resolve

BASES = [
    "https://site.example.org/feed",
    "https://site.example.org/a/b/",
    "https://site.example.org",
    "https://Site.Example.org/Feed.xml?format=rss#top",
    "http://h.example/a//b/feed.xml",
    "https://h.example/x/../y/./z",
    "https://h.example:443/feed",
    "https://h.example:8443/feed",
    "https://user@h.example/f",
    "https://h.example/espace /f",
    "https://h.example/é/f",
    "https://[::1]/f",
    "ftp://h.example/x",
    "HTTPS://h.example/x",
    "",
]
PIECES = [
    "http://", "https://", "HTTP://", "//", "/", ".", "..", "./", "../", "a", "B", "img",
    "photo-1.jpg", "?", "#", "&", "=", ";", ":", ":8080", "%20", "@", "-", "_", "~", "'",
    "h.example", "autre.example.org", "[", "]", "é", "mailto:", "javascript:", "?utm_source=x",
    "\\", "{", "|",
]  # fmt: skip


def _links(count: int, seed: int = 7):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))


@pytest.mark.parametrize("base", BASES)
def test_links_resolved_by_string_work_are_those_urljoin_gives(base):
    compared = 0
    for link in _links(4000):
        plain = _link_resolve_plain(link, base)
        if plain is not None:
            compared += 1
            assert plain == _link_resolve_general(link, base), (link, base)
    if base.startswith("https://site."):
        # The comparison is not empty: a good share of these links took the fast path.
        assert compared > 300


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://autre.example.org/a?b=1#c", "https://autre.example.org/a?b=1#c"),
        ("/agenda/3?utm_source=rss", "https://site.example.org/agenda/3?utm_source=rss"),
        ("images/photo-3.jpg", "https://site.example.org/actualites/images/photo-3.jpg"),
    ],
)
def test_usual_links_take_the_fast_path(link, expected):
    base = "https://site.example.org/actualites/feed"
    assert _link_resolve_plain(link, base) == expected
    assert link_resolve(link, base) == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("../images/a.jpg", "https://site.example.org/images/a.jpg"),
        ("/a/./b/../c", "https://site.example.org/a/c"),
        ("//cdn.example.net/x.js", "https://cdn.example.net/x.js"),
        ("/a?#f", "https://site.example.org/a#f"),
        ("javascript:alert(1)", ""),
        ("https://h.example:99999/", ""),
        ("/a b", "https://site.example.org/a%20b"),
    ],
)
def test_other_links_still_resolve_as_before(link, expected):
    assert link_resolve(link, "https://site.example.org/actualites/feed") == expected
