"""Full text of an item's linked page, for sources flagged "fetch full text".

The fetcher fetches the page politely (same host rules as feeds) and hands its HTML here:
trafilatura keeps the main text (no navigation, footers, comments, scripts), which is stored as
plain text, never HTML (paragraphs separated by blank lines; templates escape it), and the item
is classified again with it: a concept, territory or actor named only in the article's body is
attached too. Nothing here fetches anything.
"""

from __future__ import annotations

import logging

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
    text = _main_text(html[:MAX_HTML_CHARACTERS], item.url)[:MAX_TEXT_CHARACTERS]
    if len(text) < MIN_TEXT_CHARACTERS:
        raise FullTextError()
    source = item.source
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
    return text
