"""Sources and feeds for the fetcher's tests."""

from itertools import count
from xml.sax.saxutils import escape

from ocim.core.tests.servers import Reply
from ocim.watch.models import Source

_numbers = count(1)


def make_source(url, **fields):
    """An active source never read yet (so it is due), at ``url``."""
    number = next(_numbers)
    return Source.objects.create(title=fields.pop("title", f"Flux {number}"), url=url, **fields)


def rss(entries=(), *, title="Actualités du muséum"):
    """An RSS 2.0 document; ``entries`` are (guid, link) pairs."""
    items = "".join(
        f"<item><guid>{escape(guid)}</guid><link>{escape(link)}</link>"
        f"<title>Article {escape(guid)}</title>"
        f"<description>Le muséum présente {escape(guid)}.</description>"
        "<pubDate>Mon, 07 Dec 2026 06:00:00 GMT</pubDate></item>"
        for guid, link in entries
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>https://museum.example.org/</link>{items}"
        "</channel></rss>"
    ).encode()


def feed_reply(entries=(), status=200, **headers):
    return Reply(
        status, {"Content-Type": "application/rss+xml; charset=utf-8", **headers}, rss(entries)
    )
