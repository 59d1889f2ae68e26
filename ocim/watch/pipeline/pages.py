"""Web pages without a feed, read with per-source extraction rules.

A source of kind "page" keeps rules such as::

    {"engine": "css", "item": "article.news", "title": "h2", "link": "h2 a",
     "date": "time", "summary": ".chapo"}

``item`` selects each entry of the page; the other selectors are applied inside each item
(CSS selectors on its descendants; XPath expressions with the item as context node, e.g.
``./h2/a/@href``). ``link`` takes the ``href`` of the element found (or of the first link
inside it); ``date`` its ``datetime`` attribute, else its text (French or English); ``summary``
its HTML (sanitised later, like a feed's). Pages are parsed by lxml's HTML parser, which
fetches nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lxml import etree

from .decoding import document_decode
from .errors import ExtractionRulesError, FeedParseError
from .parsing import ParsedFeed, RawEntry

ENGINES = ("css", "xpath")
FIELDS = ("title", "link", "date", "summary")
RULE_KEYS = ("engine", "item", *FIELDS)
MAX_SELECTOR_LENGTH = 500
# An item selector matching more than this reads the first ones only.
MAX_ITEMS = 500
# Field values longer than this are cut (a selector that matched the whole page).
MAX_FIELD_CHARACTERS = 100_000

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)
_FRENCH_MONTHS = {
    "janvier": "January", "février": "February", "fevrier": "February", "mars": "March",
    "avril": "April", "mai": "May", "juin": "June", "juillet": "July", "août": "August",
    "aout": "August", "septembre": "September", "octobre": "October",
    "novembre": "November", "décembre": "December", "decembre": "December",
    "janv": "Jan", "févr": "Feb", "fevr": "Feb", "avr": "Apr", "juil": "Jul",
    "sept": "Sep", "oct": "Oct", "nov": "Nov", "déc": "Dec", "dec": "Dec",
}  # fmt: skip
_FRENCH_MONTH = re.compile(
    r"\b(" + "|".join(sorted(_FRENCH_MONTHS, key=len, reverse=True)) + r")\.?(?=\W|$)", re.I
)
_FRENCH_WORDS = re.compile(
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|le|publié|mis à jour|à)\b", re.I
)
_FIRST = re.compile(r"\b1er\b", re.I)


def _compile(engine: str, selector: str):
    """A callable that returns the matches of ``selector`` under a context element."""
    if engine == "css":
        from cssselect import GenericTranslator

        return etree.XPath(GenericTranslator().css_to_xpath(selector, prefix="descendant::"))
    return etree.XPath(selector, smart_strings=False)


def extraction_rules_clean(rules: Any) -> dict:
    """Validate a page source's extraction rules and return them normalised (selectors
    stripped, empty optional ones left out).

    Rules are an object with ``engine`` ("css" or "xpath"), ``item`` and ``link`` or
    ``title`` (required), ``date`` and ``summary`` (optional); every selector must compile
    with its engine and be at most 500 characters. Raises ``ExtractionRulesError`` whose
    ``extra["errors"]`` maps each faulty key to a translated message.
    """
    if not isinstance(rules, dict):
        raise ExtractionRulesError(
            _("Extraction rules must be an object of selectors."),
            extra={"errors": {"__all__": _("Extraction rules must be an object of selectors.")}},
        )
    errors: dict[str, Any] = {}
    unknown = sorted(str(key) for key in rules if key not in RULE_KEYS)
    if unknown:
        errors["__all__"] = _("Unknown keys: %(keys)s.") % {"keys": ", ".join(unknown)}
    engine = rules.get("engine")
    if engine not in ENGINES:
        errors["engine"] = _("Choose the CSS or XPath engine.")
    cleaned: dict[str, str] = {"engine": engine} if engine in ENGINES else {}
    for key in ("item", *FIELDS):
        value = rules.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if key == "item":
                errors[key] = _("The item selector is required.")
            continue
        if not isinstance(value, str):
            errors[key] = _("A selector must be text.")
            continue
        value = value.strip()
        if len(value) > MAX_SELECTOR_LENGTH:
            errors[key] = _("A selector may be at most %(count)s characters long.") % {
                "count": MAX_SELECTOR_LENGTH
            }
            continue
        if engine in ENGINES:
            try:
                _compile(engine, value)
            except Exception:  # cssselect's and lxml's syntax errors have no common base
                errors[key] = (
                    _("This is not a valid CSS selector.")
                    if engine == "css"
                    else _("This is not a valid XPath expression.")
                )
                continue
        cleaned[key] = value
    if "title" not in cleaned and "link" not in cleaned and not {"title", "link"} & set(errors):
        errors["link"] = _("Give a selector for the link or for the title of each item.")
    if errors:
        first = next(iter(errors.values()))
        raise ExtractionRulesError(first, extra={"errors": errors})
    return cleaned


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, etree._Element):
        return value.text_content() if hasattr(value, "text_content") else "".join(value.itertext())
    if isinstance(value, bool | int | float):
        return str(value)
    return ""


def _first(matches) -> Any:
    if isinstance(matches, list):
        return matches[0] if matches else None
    return matches


def _link(match) -> str:
    if isinstance(match, etree._Element):
        href = match.get("href")
        if href is None:
            inner = match.find(".//a[@href]")
            href = inner.get("href") if inner is not None else None
        return href or ""
    return _text(match)


def _summary(match) -> str:
    if isinstance(match, etree._Element):
        inner = (match.text or "").replace("&", "&amp;").replace("<", "&lt;")
        for child in match:
            inner += etree.tostring(child, encoding="unicode", method="html", with_tail=True)
        return inner
    return _text(match).replace("&", "&amp;").replace("<", "&lt;")


def page_date(value: str) -> datetime | None:
    """A date read on a page ("12 mars 2026", "2026-03-12T10:00", "March 12, 2026") in UTC;
    a date without a time zone is in the site's time zone. ``None`` when unreadable."""
    value = value.strip()[:200]
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        from dateutil import parser as date_parser

        english = _FRENCH_MONTH.sub(lambda m: _FRENCH_MONTHS[m.group(1).lower()], value)
        english = _FIRST.sub("1", _FRENCH_WORDS.sub(" ", english))
        try:
            parsed = date_parser.parse(english, dayfirst=True, fuzzy=True)
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.get_default_timezone())
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _entry(item, compiled: dict) -> RawEntry:
    found = {}
    for key, expression in compiled.items():
        try:
            found[key] = _first(expression(item))
        except (etree.XPathError, ValueError, TypeError):
            found[key] = None
    date_text = ""
    date = found.get("date")
    if isinstance(date, etree._Element):
        date_text = date.get("datetime") or _text(date)
    elif date is not None:
        date_text = _text(date)
    published = page_date(date_text) if date_text else None
    link = _link(found["link"]) if found.get("link") is not None else ""
    title = _text(found["title"]) if found.get("title") is not None else ""
    if not title and isinstance(found.get("link"), etree._Element):
        title = _text(found["link"])
    return RawEntry(
        link=link[:MAX_FIELD_CHARACTERS],
        title=" ".join(title.split())[:MAX_FIELD_CHARACTERS],
        summary=_summary(found["summary"])[:MAX_FIELD_CHARACTERS]
        if found.get("summary") is not None
        else "",
        published=published,
        date_unreadable=bool(date_text.strip()) and published is None,
    )


def page_parse(
    body: bytes,
    *,
    rules: dict,
    content_type: str = "",
    encoding: str | None = None,
    base_url: str = "",
) -> ParsedFeed:
    """Read the entries of a web page with ``rules`` (see the module docstring). Raises
    ``FeedParseError`` when the rules are missing or invalid, the body is empty or not HTML,
    or the item selector matches nothing (the site changed its layout)."""
    if not rules:
        raise FeedParseError(
            _("This page source has no extraction rules."), code="extraction_rules_missing"
        )
    try:
        rules = extraction_rules_clean(rules)
    except ExtractionRulesError as error:
        raise FeedParseError(
            _("The extraction rules are not valid: %(reason)s") % {"reason": error.message},
            code="extraction_rules_invalid",
        ) from error
    if not body or not body.strip():
        raise FeedParseError(_("The document is empty."), code="empty")
    if encoding is None:
        meta = _META_CHARSET.search(body[:4096])
        encoding = meta.group(1).decode("ascii") if meta else None
    document = document_decode(body, declared_encoding=encoding)
    parser = etree.HTMLParser(
        recover=True, no_network=True, remove_comments=True, remove_pis=True, encoding="utf-8"
    )
    try:
        root = etree.fromstring(document.text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise FeedParseError(_("The page could not be read as HTML."), code="not_html") from error
    if root is None:
        raise FeedParseError(_("The page could not be read as HTML."), code="not_html")
    engine = rules["engine"]
    compiled = {key: _compile(engine, rules[key]) for key in FIELDS if key in rules}
    try:
        items = _compile(engine, rules["item"])(root)
    except (etree.XPathError, ValueError, TypeError) as error:
        raise FeedParseError(
            _("The item selector could not be applied to the page."), code="extraction_failed"
        ) from error
    if not isinstance(items, list):
        items = []
    elements = [item for item in items if isinstance(item, etree._Element)][:MAX_ITEMS]
    if not elements:
        raise FeedParseError(
            _("The item selector matched nothing on the page: its layout may have changed."),
            code="extraction_no_items",
        )
    title_element = root.find(".//title")
    return ParsedFeed(
        entries=[_entry(item, compiled) for item in elements],
        parser=engine,
        title=" ".join(_text(title_element).split()) if title_element is not None else "",
        language=root.get("lang", "") if isinstance(root.get("lang", ""), str) else "",
        repairs=document.repairs,
    )
