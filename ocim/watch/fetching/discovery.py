"""Finding the feeds of a website, from the address a curator knows: "add a source" when all
one has is the museum's home page.

``feeds_discover(address)`` reads the address through the SSRF-safe fetch helper and then:

1. if the address is itself a feed (RSS, Atom or JSON Feed), that is the answer;
2. else, in the web page, the feeds it announces (``<link rel="alternate">`` with a feed's
   type, in the order written, relative to ``<base href>`` when there is one);
3. else the links of the page that look like feeds, on the same site ("rss", "atom", "feed",
   "backend" — SPIP's feed — or "syndication" in their address), as SimplePie does;
4. else a few addresses where publishing tools put their feed (WordPress, SPIP, Hugo,
   Jekyll…), until one answers with a feed.

Every candidate is read and parsed by the pipeline's own parser before it is offered: a curator
sees its title, its format, how many entries it holds and the latest one, or why it could not
be read. Nothing is written anywhere.

It is a visit on the curator's behalf, like a browser's, not a crawl: requests go one at a
time, at most ``MAX_REQUESTS`` of them, and all of them end within ``DISCOVERY_DEADLINE``
seconds. The fetcher applies robots.txt, host politeness and back-off when it reads the source
afterwards.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext_lazy as _
from lxml import etree

from ocim.core.errors import ApplicationError
from ocim.core.fetch import FetchError, parse_url, safe_fetch
from ocim.watch.pipeline.decoding import document_decode
from ocim.watch.pipeline.errors import FeedParseError
from ocim.watch.pipeline.parsing import ParsedFeed, feed_parse
from ocim.watch.pipeline.text import title_to_text

from .sources import FEED_ACCEPT

DISCOVERY_DEADLINE = 20.0  # seconds, every request included
REQUEST_DEADLINE = 10.0  # seconds, one request
MAX_REQUESTS = 10
MAX_CANDIDATES = 8
MAX_BYTES = 10 * 1024 * 1024  # the fetcher's own limit
LATEST_SHOWN = 3

PAGE_OR_FEED_ACCEPT = (
    "text/html, application/xhtml+xml;q=0.9, application/rss+xml;q=0.9, "
    "application/atom+xml;q=0.9, application/feed+json;q=0.9, application/xml;q=0.8, "
    "*/*;q=0.5"
)

# Types of ``<link rel="alternate">`` that announce a feed. ``application/json`` is left out:
# WordPress announces its REST API with it on every page.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "application/xml",
        "text/xml",
    }
)
_FEEDLIKE_LINK = re.compile(r"(?:rss|atom|feed|backend|syndication)", re.IGNORECASE)
# Where publishing tools put their feed, most common first: WordPress, SPIP (common among
# French cultural institutions), Hugo, Jekyll and static generators, Drupal.
GUESSES = (
    "/feed/",
    "/spip.php?page=backend",
    "/index.xml",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
)


class DiscoveryError(ApplicationError):
    """The address given cannot be read at all (invalid, refused, unreachable, an HTTP
    error): a translated message for the curator."""

    default_message = _("This address could not be read.")
    default_code = "discovery_failed"
    status = 400


@dataclass(frozen=True)
class FeedCandidate:
    """A feed found and read: what a curator needs to choose it."""

    url: str
    title: str
    format: str  # "rss", "atom" or "json"
    entries: int
    language: str = ""
    latest_title: str = ""
    latest_published: datetime | None = None
    found_by: str = "address"  # "address", "announced", "link" or "guess"


@dataclass(frozen=True)
class CandidateProblem:
    """An address that looked like a feed but could not be read as one."""

    url: str
    message: str


@dataclass
class Discovery:
    address: str  # the address read, as the fetch helper normalised it
    final_url: str = ""  # after redirects
    page_title: str = ""
    page_language: str = ""
    candidates: list[FeedCandidate] = field(default_factory=list)
    problems: list[CandidateProblem] = field(default_factory=list)
    requests: int = 0
    # Stopped before trying everything: the time or request budget ran out.
    incomplete: bool = False


Fetch = Callable[..., object]


def _address(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DiscoveryError(_("Give the address of a website or of a feed."), code="empty")
    if "://" not in value[:12]:
        value = "https://" + value  # "museum.fr": what people type in a browser
    try:
        return str(parse_url(value))
    except FetchError as error:
        raise DiscoveryError(error.message, code=error.code) from error


# The document's root element, the first of these in its text.
_ROOT = re.compile(r"<(?:(?:\w+:)?(feed)|rss|(?:\w+:)?RDF)\b")


def _feed_format(parsed: ParsedFeed, text: str) -> str:
    if parsed.parser == "jsonfeed":
        return "json"
    root = _ROOT.search(text)
    return "atom" if root is not None and root.group(1) else "rss"


class _Visit:
    def __init__(self, discovery: Discovery, fetch: Fetch, deadline: float):
        self.discovery = discovery
        self.fetch = fetch
        self.deadline_at = time.monotonic() + deadline

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()

    def can_request(self) -> bool:
        if self.discovery.requests >= MAX_REQUESTS or self.remaining() < 0.5:
            self.discovery.incomplete = True
            return False
        return True

    def get(self, url: str, accept: str):
        self.discovery.requests += 1
        return self.fetch(
            url,
            accept=accept,
            max_bytes=MAX_BYTES,
            deadline=min(REQUEST_DEADLINE, self.remaining()),
        )


def _parsed(result) -> tuple[ParsedFeed, str]:
    parsed = feed_parse(result.content, content_type=result.content_type, encoding=result.encoding)
    text = result.content[:4096].decode("utf-8", errors="replace")
    return parsed, _feed_format(parsed, text)


def _candidate(url: str, parsed: ParsedFeed, format_: str, found_by: str) -> FeedCandidate:
    entries = parsed.entries
    dated = [entry for entry in entries if entry.published is not None]
    latest = max(dated, key=lambda entry: entry.published) if dated else None
    if latest is None and entries:
        latest = entries[0]
    return FeedCandidate(
        url=url,
        title=title_to_text(parsed.title or "")[:300],
        format=format_,
        entries=len(entries),
        language=(parsed.language or "")[:16],
        latest_title=title_to_text(latest.title or "")[:300] if latest else "",
        latest_published=latest.published if latest else None,
        found_by=found_by,
    )


def _http_problem(status: int) -> str:
    if status == 404:
        return str(_("The address was not found on the server (HTTP 404)."))
    if status == 410:
        return str(_("The server says this address is gone for good (HTTP 410)."))
    if status in (401, 403):
        return str(_("The server refuses to show this address (HTTP %(status)s).")) % {
            "status": status
        }
    if status >= 500:
        return str(_("The server had an error (HTTP %(status)s).")) % {"status": status}
    return str(_("The server answered HTTP %(status)s.")) % {"status": status}


def _page_root(result):
    document = document_decode(result.content, declared_encoding=result.encoding)
    parser = etree.HTMLParser(
        recover=True, no_network=True, remove_comments=True, remove_pis=True, encoding="utf-8"
    )
    try:
        return etree.fromstring(document.text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _page_links(root, page_url: str) -> tuple[list[tuple[str, str]], str, str]:
    """The feeds a page announces and the feed-like links on its site: ((url, how), …), plus
    the page's title and language."""
    base = page_url
    for href in root.xpath("//base/@href")[:1]:
        base = urljoin(page_url, str(href).strip())
    title = " ".join("".join(root.xpath("(//title)[1]//text()")).split())[:300]
    language = str((root.xpath("(//html/@lang)[1]") or [""])[0]).strip()[:16]
    announced: list[tuple[str, str]] = []
    for link in root.xpath("//link[@href]"):
        rel = set(str(link.get("rel") or "").lower().split())
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES:
            announced.append((urljoin(base, str(link.get("href")).strip()), "announced"))
    if announced:
        return announced, title, language
    site = urlsplit(page_url).hostname
    linked: list[tuple[str, str]] = []
    for href in root.xpath("//a/@href"):
        target = urljoin(base, str(href).strip())
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.hostname != site:
            continue
        if _FEEDLIKE_LINK.search(f"{parts.path}?{parts.query}"):
            linked.append((target, "link"))
    return linked, title, language


def _unique(urls: list[tuple[str, str]], seen: set[str]) -> list[tuple[str, str]]:
    kept = []
    for url, how in urls:
        key = url.split("#", 1)[0]
        if key not in seen:
            seen.add(key)
            kept.append((key, how))
    return kept


def feeds_discover(
    address: str, *, fetch: Fetch = safe_fetch, deadline: float = DISCOVERY_DEADLINE
) -> Discovery:
    """The feeds found from ``address`` (see the module docstring). Raises ``DiscoveryError``
    when the address itself cannot be read; a candidate that cannot be read is listed in
    ``problems`` with the reason."""
    url = _address(address)
    discovery = Discovery(address=url)
    visit = _Visit(discovery, fetch, deadline)
    try:
        result = visit.get(url, PAGE_OR_FEED_ACCEPT)
    except FetchError as error:
        raise DiscoveryError(error.message, code=error.code) from error
    if not 200 <= result.status_code < 300:
        raise DiscoveryError(_http_problem(result.status_code), code="http_error")
    discovery.final_url = str(result.final_url)
    try:
        parsed, format_ = _parsed(result)
    except FeedParseError:
        pass
    else:
        discovery.candidates.append(_candidate(url, parsed, format_, "address"))
        return discovery

    root = _page_root(result)
    if root is None:
        raise DiscoveryError(
            _("This address is neither a web page nor a feed that can be read."),
            code="not_html",
        )
    seen = {url, discovery.final_url}
    links, discovery.page_title, discovery.page_language = _page_links(root, discovery.final_url)
    to_try = _unique(links, seen)[:MAX_CANDIDATES]
    guessing = not to_try
    if guessing:
        parts = urlsplit(discovery.final_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        to_try = _unique([(origin + path, "guess") for path in GUESSES], seen)
    for candidate_url, how in to_try:
        if not visit.can_request():
            break
        # A feed the page announces and that cannot be read is worth saying; a mere guess, or
        # a link that only looked like a feed, is not.
        problem = None
        try:
            answer = visit.get(candidate_url, FEED_ACCEPT)
            if not 200 <= answer.status_code < 300:
                problem = _http_problem(answer.status_code)
            else:
                parsed, format_ = _parsed(answer)
        except (FetchError, FeedParseError) as error:
            problem = str(error.message)
        if problem is not None:
            if how == "announced":
                discovery.problems.append(CandidateProblem(candidate_url, problem))
            continue
        discovery.candidates.append(_candidate(candidate_url, parsed, format_, how))
        if guessing:
            break  # one guess that answers is enough: the others are often the same feed
    return discovery
