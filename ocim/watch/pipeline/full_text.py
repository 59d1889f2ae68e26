"""Full text of an item's linked page, for sources flagged "fetch full text".

The fetcher fetches the page politely (same host rules as feeds) and hands its HTML here:
trafilatura keeps the main text (no navigation, footers, comments, scripts) — or, when the
source gives a CSS selector of its main text (``Source.full_text_selector``, for sites where the
automatic extraction keeps too much or too little, as Miniflux's scraper rules), the text of
the elements it selects, trafilatura again if it selects nothing. The text is stored as plain
text, never HTML (paragraphs separated by blank lines; templates escape it), and the item is
classified again with it: a concept, territory or actor named only in the article's body is
attached too, and its search index row is refreshed. Nothing here fetches anything.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError

from ..models import Item
from .classify import ItemText, SourceFacts, classifications_store, classifier_current
from .language import language_detect
from .text import text_clean

logger = logging.getLogger(__name__)

# Largest page read (characters) and longest text kept.
MAX_HTML_CHARACTERS = 5 * 1024 * 1024
MAX_TEXT_CHARACTERS = 200_000
# Shorter than this, what is left is a menu or a cookie notice, not an article.
MIN_TEXT_CHARACTERS = 80


MAX_SELECTOR_LENGTH = 500
# Elements whose text is never part of an article's text.
_NOT_TEXT = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button")
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote",
        "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure", "figcaption",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class FullTextSelectorError(ApplicationError):
    default_message = _("This is not a valid CSS selector.")
    default_code = "full_text_selector_invalid"
    status = 400


def main_text_selector_compile(selector: str):
    """The compiled form of a source's main-text selector (CSS); raises
    ``FullTextSelectorError`` (translated) when it is too long or does not compile."""
    from cssselect import GenericTranslator, SelectorError
    from lxml import etree

    if len(selector) > MAX_SELECTOR_LENGTH:
        raise FullTextSelectorError(
            _("The selector is longer than %(count)s characters.") % {"count": MAX_SELECTOR_LENGTH}
        )
    try:
        return etree.XPath(GenericTranslator().css_to_xpath(selector, prefix="descendant::"))
    except (SelectorError, etree.XPathError, ValueError) as error:
        raise FullTextSelectorError() from error


def _element_text(element) -> str:
    """The text of ``element`` in paragraphs: a blank line between blocks, a line break for
    ``<br>``, spaces collapsed."""
    parts: list[str] = []

    def flow(value: str) -> str:
        # Line breaks in the markup are spaces; only blocks and <br> break lines.
        return value.replace("\r", " ").replace("\n", " ")

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _NOT_TEXT:
            if node.tail:
                parts.append(flow(node.tail))
            return
        block = tag in _BLOCKS
        if block:
            parts.append("\n\n")
        if tag == "br":
            parts.append("\n")
        if node.text and tag:
            parts.append(flow(node.text))
        for child in node:
            walk(child)
        if block:
            parts.append("\n\n")
        if node.tail:
            parts.append(flow(node.tail))

    parts.append(flow(element.text or ""))
    for child in element:
        walk(child)
    lines = "".join(parts)
    lines = "\n".join(_SPACES.sub(" ", line).strip() for line in lines.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip()


def _selected_text(html: str, selector: str) -> str:
    """The text of the elements ``selector`` finds in ``html``, in document order, each its
    own paragraph; "" when it finds nothing or the selector is unusable."""
    from lxml import etree

    try:
        compiled = main_text_selector_compile(selector)
    except FullTextSelectorError:
        return ""
    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(html, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    try:
        matches = compiled(root)
    except etree.XPathError:
        return ""
    elements = [match for match in matches if isinstance(match, etree._Element)]
    # A selected element inside another selected one is already in its text.
    chosen = set(elements)
    kept = [e for e in elements if not any(a in chosen for a in e.iterancestors())]
    text = "\n\n".join(filter(None, (_element_text(element) for element in kept)))
    return text_clean(text).strip()  # lxml decoded the entities already


class FullTextError(ApplicationError):
    """The linked page has no main text to keep (empty, not HTML, or all boilerplate)."""

    default_message = _("No main text was found on the linked page.")
    default_code = "full_text_empty"
    status = 422


def _main_text(html: str, url: str) -> str:
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            url=url or None,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:
        # trafilatura on hostile markup: a failure is "no text", not a crashed worker.
        logger.warning("full-text extraction failed for %s", url, exc_info=True)
        return ""
    return text_clean(text or "").strip()


def item_full_text_extract(item: Item, html: str) -> str:
    """Keep the main text of ``html`` (the page ``item`` links to) in ``item.full_text``, detect
    the item's language from it when unknown, and attach what the text adds to the item's
    concepts, families, territories and actors. Returns the text kept.

    Raises ``FullTextError`` (translated) when the page has no main text; the item is left
    unchanged then."""
    if not isinstance(html, str):
        html = ""
    source = item.source
    page = html[:MAX_HTML_CHARACTERS]
    text = ""
    if source.full_text_selector:
        text = _selected_text(page, source.full_text_selector)[:MAX_TEXT_CHARACTERS]
    if len(text) < MIN_TEXT_CHARACTERS:
        text = _main_text(page, item.url)[:MAX_TEXT_CHARACTERS]
    if len(text) < MIN_TEXT_CHARACTERS:
        raise FullTextError()
    with transaction.atomic():
        item.full_text = text
        fields = ["full_text"]
        if not item.language:
            item.language = language_detect(text, hint=source.language)
            fields.append("language")
        item.save(update_fields=fields)
        result = classifier_current().classify(
            ItemText(
                title=item.title,
                summary=item.summary,
                content=f"{item.content_text}\n{text}",
                url=item.url,
                author=item.author,
                source=f"{source.title} {source.url}",
            ),
            source_facts=SourceFacts.of(source),
        )
        classifications_store([(item.pk, result)], ignore_conflicts=True)
        from ..search import items_index

        items_index([item.pk])
    return text
