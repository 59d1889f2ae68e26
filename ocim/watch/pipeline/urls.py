"""Links of feed entries: resolved, restricted to the web, and reduced to one canonical form so
that the same article reached through different links is recognised.

The canonical form: scheme and host in lower case (internationalised hosts in their ASCII
form), the scheme's default port and the fragment dropped, an empty path written ``/``, and
the query without tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ``mc_cid``…), other
parameters kept in their order (their order can matter to the site).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

MAX_URL_LENGTH = 2000
WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that only tell the site where a visitor came from.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "twclid", "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
        "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
        "rb_clickid", "s_cid", "wt_mc", "xtor", "at_medium", "at_campaign", "ref_src",
        "_ga", "_gl", "spm", "sc_cid", "ncid", "cmpid",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# What browsers strip from a link before they read it.
_URL_STRIP = re.compile(r"[\x00-\x20\x7f]+")
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]")


# Links whose resolution is plain string work (``link_resolve``'s fast path): printable ASCII
# that needs no escaping, no port, no parameters (;), no empty segment (//), no dot segment
# and no empty query or fragment (urljoin drops those: "a?#b" becomes "a#b").
_PLAIN = r"[!#$%&'()*+,\-./0-9=?@A-Z_a-z~]"
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.\-]+(?:[/?#]" + _PLAIN + r"*)?")
_PLAIN_FROM_ROOT = re.compile(r"/" + _PLAIN + r"*")
# No scheme (no colon), not starting with a dot, a slash, a query or a fragment.
_PLAIN_RELATIVE = re.compile(r"[A-Za-z0-9_~%\-]" + _PLAIN + r"*")
_NOT_PLAIN = re.compile(r"(?<!:)//|/\.|\?#|[?#]\Z")


def _percent_encode(match: re.Match) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group(0).encode("utf-8"))


@lru_cache(maxsize=1024)
def _base_prefixes(base: str) -> tuple[str, str] | None:
    """What links resolve against in ``base`` (a document's address): its origin
    ("https://host") and its directory ("https://host/path/"), as ``urljoin`` writes them; or
    ``None`` when ``base`` is not a plain web address (every link then takes the general
    path)."""
    try:
        parts = urlsplit(base)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in WEB_SCHEMES or not parts.hostname or port is not None:
        return None
    directory = urljoin(base, "x")[:-1]
    origin = f"{parts.scheme}://{parts.netloc}"
    if _UNSAFE_CHARACTERS.search(directory) or not directory.startswith(origin + "/"):
        return None
    return origin, directory


def _link_resolve_plain(link: str, base: str) -> str | None:
    """``link_resolve``'s result for the links most feeds carry (absolute, from the root, or
    relative to the document, in plain characters), without splitting and joining them: the
    same string ``urljoin`` would give (a test compares both). ``None`` for any other link."""
    if _NOT_PLAIN.search(link):
        return None
    if link.startswith(("http://", "https://")):
        return link if _PLAIN_ABSOLUTE.fullmatch(link) else None
    prefixes = _base_prefixes(base) if base else None
    if prefixes is None:
        return None
    if link[0] == "/":
        return prefixes[0] + link if _PLAIN_FROM_ROOT.fullmatch(link) else None
    if link[0] != "." and _PLAIN_RELATIVE.fullmatch(link):
        return prefixes[1] + link
    return None


def link_resolve(link: str, base: str) -> str:
    """``link`` made absolute against ``base``, or "" when it is not a web link (javascript:,
    data:, mailto:…) or cannot be read."""
    if not link:
        return ""
    link = html.unescape(link) if "&" in link else link
    link = _URL_STRIP.sub("", link) if link.strip() != link or "\n" in link else link
    link = link.strip()
    if not link:
        return ""
    plain = _link_resolve_plain(link, base)
    if plain is not None:
        return plain
    return _link_resolve_general(link, base)


def _link_resolve_general(link: str, base: str) -> str:
    try:
        absolute = urljoin(base, link) if base else link
        parts = urlsplit(absolute)
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        return ""
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    del port
    return _UNSAFE_CHARACTERS.sub(_percent_encode, absolute)


def url_canonical(url: str) -> str:
    """The canonical form of ``url`` (an absolute web link, see ``link_resolve``)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return ""
    if scheme not in WEB_SCHEMES or not host:
        return ""
    if not host.isascii():
        # An internationalised name in its ASCII form; one the IDNA codec refuses stays as is.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    host = host.rstrip(".")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    query = parts.query
    if query:
        kept = []
        for pair in query.split("&"):
            if not pair:
                continue
            name = pair.split("=", 1)[0].lower()
            if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
                continue
            kept.append(pair)
        query = "&".join(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def text_hash(value: str) -> str:
    """SHA-256 (hex) of ``value``: the keys of items (canonical link) and sightings (GUID)."""
    return hashlib.sha256(value.encode("utf-8", errors="surrogatepass")).hexdigest()
