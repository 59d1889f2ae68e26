"""Text helpers of the pipeline, written for speed on the hot path.

- ``text_clean``: what may be stored in a text column (no NUL, controls or lone surrogates).
- ``sanitised_to_text``: the plain text of HTML that already went through the core
  sanitiser, as ``ocim.core.sanitiser.html_to_text`` gives it, without sanitising it a second
  time and without an HTML parser in Python (the sanitiser's output is regular: tags with
  double-quoted attributes, ``<`` and ``>`` escaped in text).
- ``fold``: lower case without accents or ligatures, in C (Unicode decomposition and an ASCII
  encoding) rather than a loop over characters.
- ``title_to_text``: a feed's title (text, sometimes HTML, often with entities) as plain text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from ocim.core.sanitiser import html_to_text

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Block-level tags of the sanitiser's allowlist (and a few it removes, for safety): their
# boundaries separate words. Case-sensitive: the sanitiser writes tag names in lower case, and
# IGNORECASE made the scan twice as slow.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|caption|thead|tbody|tfoot|tr|"
    r"th|td|figure|figcaption|div|section|article|hr)\b(?:[^>\"]|\"[^\"]*\")*>"
)
_IMAGE_TAG = re.compile(r"<img\b((?:[^>\"]|\"[^\"]*\")*)>")
_ALT = re.compile(r'\balt="([^"]*)"')
_ANY_TAG = re.compile(r"</?[A-Za-z][^>\"]*(?:\"[^\"]*\"[^>\"]*)*>")


def _one_line(value: str) -> str:
    # Runs of whitespace (str.isspace, as the regular expression \s) made one space, ends
    # stripped: split and join do it three times faster than re.sub on long texts.
    return " ".join(value.split())


def text_clean(value: str) -> str:
    """``value`` without the characters a database text column cannot hold or should not."""
    if not value:
        return ""
    return _UNSTORABLE.sub("", value)


def _image_alt(match: re.Match) -> str:
    alt = _ALT.search(match.group(1))
    return f" {alt.group(1)} " if alt and alt.group(1) else ""


def sanitised_to_text(value: str) -> str:
    """The readable text of ``value``, HTML returned by ``sanitise_html``, on one line."""
    if not value:
        return ""
    if "<" in value:
        text = _BLOCK_TAG.sub(" ", value)
        if "<img" in text:
            text = _IMAGE_TAG.sub(_image_alt, text)
        text = _ANY_TAG.sub("", text)
    else:
        text = value
    if "&" in text:
        text = html.unescape(text)
    return _one_line(_UNSTORABLE.sub("", text))


def title_to_text(value: str) -> str:
    """A title as plain text: entities decoded (feeds often escape them twice), markup
    removed, whitespace collapsed."""
    if not value:
        return ""
    if "<" in value:
        return html_to_text(value)
    if "&" in value:
        value = html.unescape(value)
    return _one_line(_UNSTORABLE.sub("", value))


def truncate(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, at a word boundary when one is near,
    with an ellipsis when something was cut."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


_SPECIAL = (
    ("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"), ("ß", "ss"),
    ("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"),
)  # fmt: skip


def _ascii(value: str) -> str:
    """``value`` in ASCII: accents and ligatures folded, other characters dropped."""
    if value.isascii():
        return value
    for special, replacement in _SPECIAL:
        if special in value:
            value = value.replace(special, replacement)
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def fold(value: str) -> str:
    """Lower case ASCII: accents and ligatures folded ("Œuvre" → "oeuvre"), letters of other
    scripts dropped. Words are then runs of ``[a-z0-9]``: an elided article ("l'", "d'") is a
    word of its own, so "l'exposition" contains the word "exposition"."""
    return _ascii(value).lower()


def fold_keep_case(value: str) -> str:
    """Like ``fold``, capitals kept (for names and acronyms matched with their capitals)."""
    return _ascii(value)
