"""From the bytes a server sent to text a parser can trust.

Every document is decoded here first, whatever its declared charset, and every XML document is
made safe before a parser sees it:

- the charset is chosen from the byte-order mark, then valid UTF-8 (servers and feeds often
  declare Latin-1 for UTF-8 bodies, never the other way round by accident), then the HTTP
  charset, then the XML declaration, then Windows-1252, then Latin-1 (which reads any byte);
- characters XML forbids (NUL, C0 controls, lone surrogates, U+FFFE/U+FFFF) are removed;
- the document type declaration is removed with its internal subset: no entity is ever
  declared, so none can expand (billion laughs) and none can point outside (external
  entities, external DTDs). References to HTML's named entities (``&eacute;``, common in RSS
  0.91) become numeric references; any other unknown reference and every bare ampersand are
  escaped, so that a recovering parser keeps the text instead of dropping it;
- the result is UTF-8 with a matching XML declaration.

Nothing here raises on bad input: the worst case is text with replacement characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.entities import html5

# Characters allowed in XML 1.0 documents; everything else is removed.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(
    rb"""^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""",
    re.IGNORECASE,
)
_CHARSET_PARAMETER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.I)
_DOCTYPE_START = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
# A document type declaration with its internal subset (quoted strings, comments and
# declarations inside it). Every alternative starts with a different character, so the match is
# linear; a declaration this does not recognise is cut by the fallback in _doctype_remove.
_DOCTYPE = re.compile(
    r"""<!DOCTYPE(?:[^\[>"']|"[^"]*"|'[^']*')*"""
    r"""(?:\[(?:[^\]"'<]|"[^"]*"|'[^']*'|<!--.*?-->|<(?!!--)(?:[^>"']|"[^"]*"|'[^']*')*>)*\])?"""
    r"""\s*>""",
    re.IGNORECASE | re.DOTALL,
)
# An ampersand that does not start one of XML's five predefined references.
_AMPERSAND = re.compile(
    r"&(?!(?:amp|lt|gt|quot|apos);)(#[0-9]{1,8};|#[xX][0-9A-Fa-f]{1,7};|[A-Za-z][A-Za-z0-9]{0,31};)?"
)
_CDATA_START = "<![CDATA["
_CDATA_END = "]]>"

_HTML_ENTITIES = {
    name[:-1]: "".join(f"&#{ord(char)};" for char in value)
    for name, value in html5.items()
    if name.endswith(";")
}


@dataclass
class DecodedDocument:
    """A document as text, with the charset it was read in and what had to be repaired."""

    text: str
    encoding: str
    # Codes of the repairs made ("control_characters", "doctype_removed", "charset_guessed").
    repairs: list[str] = field(default_factory=list)


def charset_from_content_type(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    match = _CHARSET_PARAMETER.search(content_type or "")
    return match.group(1) if match else None


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # bytes.decode refuses codecs that are not text encodings (base64, zlib…) anyway.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _sniff_bom(body: bytes) -> tuple[str, int] | None:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return name, len(bom)
    # UTF-16 without a byte-order mark: "<" then a NUL byte, or the reverse.
    if body.startswith(b"<\x00") and not body.startswith(b"<\x00\x00"):
        return "utf-16-le", 0
    if body.startswith(b"\x00<") and not body.startswith(b"\x00\x00"):
        return "utf-16-be", 0
    return None


def document_decode(body: bytes, *, declared_encoding: str | None = None) -> DecodedDocument:
    """Decode ``body`` to text (see the module docstring for the order of the guesses) and
    remove the characters XML forbids. ``declared_encoding`` is the HTTP charset, if any."""
    repairs: list[str] = []
    bom = _sniff_bom(body)
    text: str | None = None
    encoding = ""
    if bom is not None:
        encoding, skip = bom
        text = body[skip:].decode(encoding, errors="replace")
    else:
        try:
            text = body.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            candidates = [_known_encoding(declared_encoding)]
            match = _DECLARED_ENCODING.match(body)
            if match:
                candidates.append(_known_encoding(match.group(1).decode("ascii")))
            candidates += ["cp1252", "latin-1"]
            for candidate in candidates:
                # A declared UTF-8 that is not valid UTF-8 was already refused above; UTF-16
                # or UTF-32 declared without a byte-order mark on a body that does not look
                # like it is a wrong declaration.
                if not candidate or candidate.startswith(("utf-8", "utf-16", "utf-32")):
                    continue
                try:
                    text = body.decode(candidate)
                except (UnicodeDecodeError, LookupError):
                    continue
                encoding = candidate
                break
            if candidate in ("cp1252", "latin-1"):
                repairs.append("charset_guessed")
    if text is None:  # pragma: no cover - latin-1 decodes any byte string
        text = body.decode("latin-1")
        encoding = "latin-1"
    if text.startswith("\ufeff"):
        text = text[1:]
    cleaned = _XML_INVALID.sub("", text)
    if len(cleaned) != len(text):
        repairs.append("control_characters")
    return DecodedDocument(text=cleaned, encoding=encoding, repairs=repairs)


def _doctype_remove(text: str) -> tuple[str, bool]:
    """``text`` without its document type declaration (only one before the root element
    counts: a declaration anywhere else is not one, and parsers ignore it)."""
    start_match = _DOCTYPE_START.search(text)
    if start_match is None:
        return text, False
    root = _FIRST_ELEMENT.search(text)
    start = start_match.start()
    if root is not None and root.start() < start:
        return text, False
    match = _DOCTYPE.match(text, start)
    if match is not None:
        end = match.end()
    else:
        # Not a declaration we can read: cut up to the end of its internal subset if it has
        # one, else to the first ">"; the rest is the recovering parser's business.
        subset_end = text.find("]>", start)
        first_close = text.find(">", start)
        end = subset_end + 2 if subset_end != -1 else (first_close + 1 or len(text))
    return text[:start] + text[end:], True


def _ampersand_repair(match: re.Match) -> str:
    reference = match.group(1)
    if reference is None:
        return "&amp;"
    if reference[0] == "#":
        digits = reference[1:-1]
        try:
            code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
        except ValueError:
            return "&amp;" + reference
        valid = (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )
        return match.group(0) if valid else ""
    replacement = _HTML_ENTITIES.get(reference[:-1])
    if replacement is not None:
        return replacement
    return "&amp;" + reference


def _references_repair(text: str) -> str:
    """Repair entity references outside CDATA sections (their content is not parsed)."""
    if "&" not in text:
        return text
    parts = []
    position = 0
    length = len(text)
    while position < length:
        cdata = text.find(_CDATA_START, position)
        if cdata == -1:
            parts.append(_AMPERSAND.sub(_ampersand_repair, text[position:]))
            break
        parts.append(_AMPERSAND.sub(_ampersand_repair, text[position:cdata]))
        end = text.find(_CDATA_END, cdata + len(_CDATA_START))
        end = length if end == -1 else end + len(_CDATA_END)
        parts.append(text[cdata:end])
        position = end
    return "".join(parts)


def xml_make_safe(document: DecodedDocument) -> bytes:
    """UTF-8 bytes of ``document`` that any XML parser can read without expanding or fetching
    anything (see the module docstring). Records the repairs in ``document.repairs``."""
    text = _XML_DECLARATION.sub("", document.text, count=1).lstrip()
    text, removed = _doctype_remove(text)
    if removed:
        document.repairs.append("doctype_removed")
    text = _references_repair(text)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode("utf-8")
