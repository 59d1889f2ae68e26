"""Text helpers of the pipeline, written for speed on the hot path.

- ``text_clean``: what may be stored in a text column (no NUL, controls or lone surrogates).
- ``sanitised_to_text``: the plain text of HTML that already went through the core
  sanitiser, as ``ocim.core.sanitiser.html_to_text`` gives it, without sanitising it a second
  time and without an HTML parser in Python (the sanitiser's output is regular: tags with
  double-quoted attributes, ``<`` and ``>`` escaped in text).
- ``fold``: lower case without accents, ligatures or French elisions, like
  ``ocim.core.text.fold`` but with one ``str.translate`` instead of a loop over characters.
- ``title_to_text``: a feed's title (text, sometimes HTML, often with entities) as plain text.
"""

from __future__ import annotations

import html
import re
import unicodedata

from ocim.core.sanitiser import html_to_text

_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")
# Block-level tags of the sanitiser's allowlist (and a few it removes, for safety): their
# boundaries separate words.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|caption|thead|tbody|tfoot|tr|"
    r"th|td|figure|figcaption|div|section|article|hr)\b(?:[^>\"]|\"[^\"]*\")*>",
    re.IGNORECASE,
)
_IMAGE_TAG = re.compile(r"<img\b((?:[^>\"]|\"[^\"]*\")*)>", re.IGNORECASE)
_ALT = re.compile(r'\balt="([^"]*)"')
_ANY_TAG = re.compile(r"</?[A-Za-z][^>\"]*(?:\"[^\"]*\"[^>\"]*)*>")


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
        if "<img" in text or "<IMG" in text:
            text = _IMAGE_TAG.sub(_image_alt, text)
        text = _ANY_TAG.sub("", text)
    else:
        text = value
    if "&" in text:
        text = html.unescape(text)
    return _WHITESPACE.sub(" ", _UNSTORABLE.sub("", text)).strip()


def title_to_text(value: str) -> str:
    """A title as plain text: entities decoded (feeds often escape them twice), markup
    removed, whitespace collapsed."""
    if not value:
        return ""
    if "<" in value:
        return html_to_text(value)
    if "&" in value:
        value = html.unescape(value)
    return _WHITESPACE.sub(" ", _UNSTORABLE.sub("", value)).strip()


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


def _fold_table() -> dict[int, str]:
    """Each accented Latin letter mapped to its base letters, lower-cased."""
    table: dict[int, str] = {}
    ranges = [(0xC0, 0x250), (0x1E00, 0x1F00)]
    for start, end in ranges:
        for code in range(start, end):
            char = chr(code)
            decomposed = unicodedata.normalize("NFKD", char)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            if base != char:
                table[code] = base.lower()
    table.update(
        {
            ord("œ"): "oe",
            ord("Œ"): "oe",
            ord("æ"): "ae",
            ord("Æ"): "ae",
            ord("ß"): "ss",
            ord("\u2019"): "'",
            ord("\u2018"): "'",
            ord("\u02bc"): "'",
            ord("`"): "'",
        }
    )
    return table


_FOLD = _fold_table()
# Accents only, case kept: territory names and acronyms are matched with their capitals.
_FOLD_KEEP_CASE = {
    code: (
        replacement
        if not chr(code).isupper()
        else replacement[:1].upper() + replacement[1:]
        if replacement != "'"
        else replacement
    )
    for code, replacement in _FOLD.items()
}
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)'(?=\w)", re.I)


def fold(value: str) -> str:
    """Lower case, without accents, ligatures or elisions (l', d', qu'…)."""
    return _ELISION.sub("", value.translate(_FOLD)).lower()


def fold_keep_case(value: str) -> str:
    """Without accents, ligatures or elisions, capitals kept."""
    return _ELISION.sub("", value.translate(_FOLD_KEEP_CASE))
