"""The one HTML allowlist of the platform.

Every piece of HTML that did not come from our own templates (rich text typed by users, feed
items, imported descriptions) goes through :func:`sanitise_html` before it is stored or shown,
and :func:`html_to_text` when a plain-text summary is needed (search index, mail, meta tags).
The allowlist lives here and nowhere else, so a security review has one place to read.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        # text structure
        "p", "br", "h2", "h3", "h4", "h5", "h6",
        # emphasis
        "strong", "em", "b", "i", "u", "s", "sub", "sup", "mark",
        # lists
        "ul", "ol", "li", "dl", "dt", "dd",
        # quotations, code, abbreviations
        "blockquote", "q", "cite", "code", "pre", "abbr",
        # links and media
        "a", "img", "figure", "figcaption",
        # tables
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip

# Tags removed together with everything inside them: their content is code, not text, or only
# makes sense inside an element we drop (a <form>'s labels and buttons, a <template>'s inert
# markup that would be revived if the wrapper went away).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "form", "svg", "math", "template", "noscript", "noembed", "noframes", "xmp",
        "textarea", "select", "title", "head", "meta", "link", "base",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    # lang is allowed on every allowed element: French pages quote English titles and vice versa.
    "*": {"lang"},
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
IMAGE_URL_SCHEMES = frozenset({"http", "https"})
LINK_REL = "noopener noreferrer nofollow"

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_DIMENSION = re.compile(r"^[0-9]{1,4}$")
_SPAN = re.compile(r"^[0-9]{1,3}$")
_SCOPES = frozenset({"row", "col", "rowgroup", "colgroup"})
# What a browser ignores in a URL before reading its scheme: leading C0 controls and spaces,
# and tabs/newlines anywhere ("java\tscript:" is javascript:).
_URL_IGNORED = re.compile(r"[\t\n\r]")


def _url_scheme(value):
    """The scheme a browser would see in ``value`` (lower case), or "" for a relative URL."""
    cleaned = _URL_IGNORED.sub("", value).lstrip("".join(chr(c) for c in range(0x21)))
    try:
        return urlsplit(cleaned).scheme.lower()
    except ValueError:
        return "invalid"


def _filter_attribute(element, attribute, value):
    """Second line of defence after nh3's own checks: values must have the expected shape."""
    if attribute in {"lang", "hreflang"}:
        return value if _LANGUAGE_TAG.match(value) else None
    if element == "img" and attribute == "src":
        # Images may only come from the web (or from our own site through a relative URL):
        # no data:, no mailto:, no tel: pictures.
        scheme = _url_scheme(value)
        return value if scheme in IMAGE_URL_SCHEMES or scheme == "" else None
    if attribute in {"width", "height"}:
        return value if _DIMENSION.match(value.strip()) else None
    if attribute in {"colspan", "rowspan"}:
        value = value.strip()
        return value if _SPAN.match(value) and int(value) > 0 else None
    if attribute == "scope":
        value = value.strip().lower()
        return value if value in _SCOPES else None
    return value


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(URL_SCHEMES),
)

# One nh3 pass is not always a fixed point. Seen in our corpus: when the attribute filter drops
# an attribute of a link (a malformed hreflang), ammonia writes the forced rel in its place, and
# a second pass moves rel after href, so pass 2 differs from pass 1 by attribute order. Tree
# fix-ups of misnested markup can likewise change on a re-parse. We clean until the output
# stops changing: every pass is safe on its own; the loop only makes
# sanitise_html(sanitise_html(x)) == sanitise_html(x), so stored sanitised HTML can be
# sanitised again on the way out without churn. Two passes settle every case we have seen;
# the bound guards against a pathological input.
_MAX_PASSES = 4


def sanitise_html(value: str) -> str:
    """Return ``value`` reduced to the platform's HTML allowlist.

    Unknown tags are removed but their text is kept; scripts, styles, frames, forms, SVG and
    MathML are removed with their content; attributes outside the allowlist, event handlers
    and ``style`` are dropped; links keep only http, https, mailto and tel (or relative) URLs
    and always get ``rel="noopener noreferrer nofollow"``; images only http/https sources.
    The result is idempotent: sanitising it again returns it unchanged.
    """
    if not value:
        return ""
    # NUL is never meaningful in HTML and parsers disagree on it; remove it up front.
    cleaned = _cleaner.clean(value.replace("\x00", ""))
    for _ in range(_MAX_PASSES - 1):
        again = _cleaner.clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


_BLOCK_TAGS = frozenset(
    {
        "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "figure", "figcaption", "div", "section", "article", "hr",
    }
)  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Return the readable text of an HTML fragment on one line.

    The fragment is sanitised first (so script and style contents never leak into the text),
    entities are decoded once, block boundaries become spaces and runs of whitespace collapse to
    one space. The result is plain text, not HTML: templates must escape it as usual.
    """
    if not value:
        return ""
    extractor = _TextExtractor()
    extractor.feed(sanitise_html(value))
    extractor.close()
    # convert_charrefs=True already decoded the entities: do not unescape a second time.
    text = _CONTROL.sub("", "".join(extractor.parts))
    return _WHITESPACE.sub(" ", text).strip()
