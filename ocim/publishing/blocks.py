"""Blocks of the article body (also used by news and web articles).

The body is rendered as journals print it: paragraphs numbered in the margin (each with an
anchor, ``#par-3``, to cite it), note calls typed in the text as ``[1]`` turned into links to
the notes (the "Notes" block, usually last) and back, figures, quotations, tables and videos
from a few hosts, embedded only when the reader asks for them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from ocim.core.blocks import RICH_TEXT_FEATURES, FigureBlock, HeadingBlock

NOTE_FEATURES = ["bold", "italic", "link"]


class QuotationBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "publishing/blocks/quotation.html"


class TableBlock(blocks.StructBlock):
    """A simple data table: wagtail.contrib.table_block is not installed, so rows of cells.

    The caption is required: a table without one is not accessible (RGAA 5.4)."""

    caption = blocks.CharBlock(label=_("Caption"), max_length=255)
    first_row_is_header = blocks.BooleanBlock(
        label=_("The first row holds the column headers"), required=False, default=True
    )
    rows = blocks.ListBlock(
        blocks.ListBlock(blocks.CharBlock(label=_("Cell"), required=False), label=_("Row")),
        label=_("Rows"),
    )

    class Meta:
        icon = "table"
        label = _("Table")
        template = "publishing/blocks/table.html"


# --- Videos ---------------------------------------------------------------------------------------

# The hosts whose videos can be embedded, and how a video's address becomes its player's: no
# request is made to them to find out (no oEmbed), so the page is built without any outbound
# call. Their player origins are allowed in the Content-Security-Policy (``frame-src``).
VIDEO_PLAYER_ORIGINS = {
    "YouTube": "https://www.youtube-nocookie.com",
    "Vimeo": "https://player.vimeo.com",
    "Dailymotion": "https://www.dailymotion.com",
}
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{5,40}")


def video_player(url: str) -> tuple[str, str] | None:
    """(host name, player address) for the address of a video on a known host, else None."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = [segment for segment in parts.path.split("/") if segment]
    found = None
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path[:1] == ["watch"]:
            found = ("YouTube", (parse_qs(parts.query).get("v") or [""])[0])
        elif len(path) == 2 and path[0] in ("embed", "shorts", "live"):
            found = ("YouTube", path[1])
    elif host == "youtu.be" and len(path) == 1:
        found = ("YouTube", path[0])
    elif host in ("vimeo.com", "player.vimeo.com") and path and path[-1].isdigit():
        found = ("Vimeo", path[-1])
    elif host == "dailymotion.com" and len(path) >= 2 and path[-2] == "video":
        found = ("Dailymotion", path[-1])
    elif host == "dai.ly" and len(path) == 1:
        found = ("Dailymotion", path[0])
    if found is None or not _VIDEO_ID.fullmatch(found[1]):
        return None
    name, video_id = found
    player = {
        "YouTube": f"{VIDEO_PLAYER_ORIGINS['YouTube']}/embed/{video_id}",
        "Vimeo": f"{VIDEO_PLAYER_ORIGINS['Vimeo']}/video/{video_id}",
        "Dailymotion": f"{VIDEO_PLAYER_ORIGINS['Dailymotion']}/embed/video/{video_id}",
    }[name]
    return name, player


class VideoBlock(blocks.StructBlock):
    """A video of YouTube, Vimeo or Dailymotion. The player is loaded only when the reader opens
    it (nothing is asked of the host before: no cookie, no address sent), and a transcript is
    required, as for any video (RGAA 4.1, criterion 4.1)."""

    url = blocks.URLBlock(
        label=_("Address of the video"),
        help_text=_("The address of its page on YouTube, Vimeo or Dailymotion."),
    )
    title = blocks.CharBlock(label=_("Title"), max_length=255)
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=255)
    transcript = blocks.TextBlock(
        label=_("Transcript"),
        help_text=_("What is said and shown, for readers who cannot watch or hear the video."),
    )

    def clean(self, value):
        value = super().clean(value)
        if video_player(value.get("url")) is None:
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Give the address of a video on YouTube, Vimeo or Dailymotion.")
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        player = video_player(value.get("url"))
        context["host"], context["player_url"] = player if player else ("", "")
        return context

    class Meta:
        icon = "media"
        label = _("Video")
        template = "publishing/blocks/video.html"


# --- Notes ----------------------------------------------------------------------------------------


class NotesBlock(blocks.ListBlock):
    """The notes of the text, numbered from 1 in their order (across several notes blocks).
    A note is called in a paragraph by typing its number in square brackets: ``[1]``."""

    def __init__(self, **kwargs):
        super().__init__(blocks.RichTextBlock(label=_("Note"), features=NOTE_FEATURES), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("Notes")


# A note call: a number in square brackets, not inside a word or an address.
_NOTE_CALL = re.compile(r"(?<![\w/=\"'\[])\[(\d{1,3})\](?!\()")


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    figure = FigureBlock()
    quotation = QuotationBlock()
    table = TableBlock()
    video = VideoBlock()
    notes = NotesBlock()

    def render_basic(self, value, context=None):
        """Paragraphs numbered, note calls linked to the notes and the notes back to their
        first call; every other block rendered as usual."""
        note_count = sum(len(child.value) for child in value if child.block_type == "notes")
        called: set[int] = set()

        def call(match) -> str:
            number = int(match.group(1))
            if not 1 <= number <= note_count:
                return match.group(0)  # not a note of this text: left as typed
            anchor = "" if number in called else f' id="note-call-{number}"'
            called.add(number)
            return format_html(
                '<sup class="note-call"><a href="#note-{number}"{anchor} '
                'aria-label="{label}">{number}</a></sup>',
                number=number,
                anchor=mark_safe(anchor),  # built here from a number
                label=_("Note %(number)s") % {"number": number},
            )

        parts = []
        paragraph_number = 0
        note_number = 0
        for child in value:
            if child.block_type == "paragraph":
                paragraph_number += 1
                html = _NOTE_CALL.sub(call, str(child.render(context=context)))
                parts.append(
                    format_html(
                        '<div class="numbered-paragraph" id="par-{number}">'
                        '<span class="paragraph-number" aria-hidden="true">{number}</span>'
                        '<div class="paragraph-text">{html}</div></div>',
                        number=paragraph_number,
                        html=mark_safe(html),  # Wagtail rendered this rich text
                    )
                )
            elif child.block_type == "notes":
                items = []
                for note in child.value:
                    note_number += 1
                    back = (
                        format_html(
                            ' <a class="note-back" href="#note-call-{number}" '
                            'aria-label="{label}">↩</a>',
                            number=note_number,
                            label=_("Back to the call of note %(number)s")
                            % {"number": note_number},
                        )
                        if note_number in called
                        else ""
                    )
                    items.append((note_number, str(note), back))
                parts.append(
                    format_html(
                        '<section class="notes" aria-label="{label}"><ol start="{start}">'
                        "{items}</ol></section>",
                        label=_("Notes"),
                        start=items[0][0] if items else note_number + 1,
                        items=format_html_join(
                            "",
                            '<li id="note-{}">{}{}</li>',
                            ((n, mark_safe(text), back) for n, text, back in items),
                        ),
                    )
                )
            else:
                parts.append(child.render(context=context))
        return mark_safe("".join(str(part) for part in parts))  # each part was escaped above
