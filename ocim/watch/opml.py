"""OPML files: reading a list of feeds (the import's first step, no database) and writing one
(the export).

Reading follows OPML 1.0 and 2.0 as feed readers write them: an ``outline`` with an ``xmlUrl``
is a feed; an outline without one but with outlines inside is a folder, and its name (``text``,
else ``title``) becomes a category of every feed inside it, however deep; the OPML 2.0
``category`` attribute ("/Musées/Sciences,/Presse") adds the names of its paths too. Other
outlines (a link, a note) are ignored and reported.

The XML is parsed by ``defusedxml``'s SAX parser: a DTD or an entity declaration is refused
(no entity expansion, no external resource), and each outline keeps its line number for the
report. Size, number of outlines and depth are bounded.

Writing produces OPML 2.0: one folder per category (a source under its first category, every
category in its ``category`` attribute), sources without a category at the top.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.sax
from dataclasses import dataclass, field
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.sax import parseString
from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError

MAX_BYTES = 5 * 1024 * 1024
MAX_OUTLINES = 10_000
MAX_DEPTH = 30
OPML_SPEC = "http://opml.org/spec2.opml"


class OpmlFileError(ApplicationError):
    """The file cannot be read as OPML at all (nothing of it is imported)."""

    default_message = _("This file is not an OPML document.")
    default_code = "opml_invalid"


@dataclass(frozen=True)
class OpmlFeed:
    line: int
    title: str
    url: str
    site_url: str = ""
    description: str = ""
    language: str = ""
    categories: tuple[str, ...] = ()


@dataclass
class OpmlDocument:
    title: str = ""
    feeds: list[OpmlFeed] = field(default_factory=list)
    # (line, name) of outlines that are neither feeds nor folders.
    ignored: list[tuple[int, str]] = field(default_factory=list)


def _attribute(attributes, name: str) -> str:
    """An outline's attribute, its name compared without case (``xmlUrl``, ``xmlurl``…)."""
    wanted = name.lower()
    for key in attributes.getNames():
        if key.lower() == wanted:
            return " ".join(str(attributes.getValue(key)).split())
    return ""


def _category_attribute(value: str) -> list[str]:
    names = []
    for path in value.split(","):
        names += [part.strip() for part in path.split("/") if part.strip()]
    return names


class _Handler(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.document = OpmlDocument()
        self.locator = None
        self.stack: list[str] = []  # element names
        # One entry per open outline: the folder name it gives its children ("" for none).
        self.folders: list[str] = []
        # Open outlines that are folder candidates: [line, name, has_children].
        self.open: list[list] = []
        self.outlines = 0
        self.root = ""
        self.has_body = False
        self.in_title = False
        self.title_parts: list[str] = []

    def setDocumentLocator(self, locator):
        self.locator = locator

    def _line(self) -> int:
        return self.locator.getLineNumber() if self.locator is not None else 0

    def startElement(self, name, attributes):
        if not self.stack:
            self.root = name
            if name.lower() != "opml":
                raise OpmlFileError(
                    _(
                        "This file is not an OPML document: its first element is <%(name)s>, "
                        "not <opml>."
                    )
                    % {"name": name[:40]}
                )
        self.stack.append(name)
        path = [part.lower() for part in self.stack]
        if path == ["opml", "body"]:
            self.has_body = True
        if path == ["opml", "head", "title"]:
            self.in_title = True
        if name.lower() != "outline" or "body" not in path:
            return
        self.outlines += 1
        if self.outlines > MAX_OUTLINES:
            raise OpmlFileError(
                _("The file holds more than %(count)s outlines: split it into several files.")
                % {"count": f"{MAX_OUTLINES:,}".replace(",", " ")}
            )
        if len(self.folders) >= MAX_DEPTH:
            raise OpmlFileError(
                _("Outlines are nested more than %(depth)s levels deep.") % {"depth": MAX_DEPTH}
            )
        if self.open:
            self.open[-1][2] = True
        line = self._line()
        name_text = _attribute(attributes, "text") or _attribute(attributes, "title")
        url = _attribute(attributes, "xmlUrl")
        if url:
            categories = [name for name in self.folders if name]
            categories += _category_attribute(_attribute(attributes, "category"))
            self.document.feeds.append(
                OpmlFeed(
                    line=line,
                    title=_attribute(attributes, "title") or _attribute(attributes, "text"),
                    url=url,
                    site_url=_attribute(attributes, "htmlUrl"),
                    description=_attribute(attributes, "description"),
                    language=_attribute(attributes, "language"),
                    categories=tuple(dict.fromkeys(categories)),
                )
            )
            # A feed's own children (rare) sit in the feed's folders, not in a folder of it.
            self.folders.append("")
            self.open.append([line, name_text, None])
        else:
            self.folders.append(name_text)
            self.open.append([line, name_text, False])

    def endElement(self, name):
        if self.stack:
            self.stack.pop()
        if name.lower() == "title" and self.in_title:
            self.in_title = False
            self.document.title = " ".join("".join(self.title_parts).split())
        if name.lower() == "outline" and self.open:
            line, name_text, has_children = self.open.pop()
            self.folders.pop()
            if has_children is False:
                self.document.ignored.append((line, name_text))

    def characters(self, content):
        if self.in_title:
            self.title_parts.append(content)


def opml_read(data: bytes) -> OpmlDocument:
    """The feeds of the OPML file ``data``, in file order. Raises ``OpmlFileError`` with a
    translated message saying what is wrong (too large, not XML — with the line —, a DTD or
    entities, not OPML, no body, no feed)."""
    if len(data) > MAX_BYTES:
        raise OpmlFileError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise OpmlFileError(_("The file is empty."))
    handler = _Handler()
    try:
        parseString(data, handler, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise OpmlFileError(
            _(
                "The file declares a document type or entities, which are refused for safety: "
                "remove its <!DOCTYPE> declaration."
            )
        ) from error
    except xml.sax.SAXParseException as error:
        raise OpmlFileError(
            _("This file is not valid XML (line %(line)s, column %(column)s: %(reason)s).")
            % {
                "line": error.getLineNumber(),
                "column": error.getColumnNumber(),
                "reason": error.getMessage(),
            }
        ) from error
    except (UnicodeError, ValueError) as error:
        raise OpmlFileError(
            _("This file is not valid XML: %(reason)s.") % {"reason": str(error)[:200]}
        ) from error
    if not handler.has_body:
        raise OpmlFileError(_("This OPML document has no <body>: it lists no feed."))
    if not handler.document.feeds:
        raise OpmlFileError(
            _("This OPML document lists no feed (no outline has an xmlUrl attribute).")
        )
    return handler.document


# --- Writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpmlSource:
    title: str
    url: str
    site_url: str = ""
    description: str = ""
    language: str = ""
    categories: tuple[str, ...] = ()


# Characters XML 1.0 cannot hold, even escaped (control characters but tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _feed_element(source: OpmlSource) -> ET.Element:
    title = _xml_text(source.title)
    attributes = {"type": "rss", "text": title, "title": title, "xmlUrl": source.url}
    if source.site_url:
        attributes["htmlUrl"] = source.site_url
    if source.description:
        attributes["description"] = _xml_text(" ".join(source.description.split()))[:1000]
    if source.language:
        attributes["language"] = source.language
    # Names with a comma or a slash cannot be written in this attribute (its separators); the
    # folder keeps the source's first category whatever its name.
    categories = [name for name in source.categories if "," not in name and "/" not in name]
    if categories:
        attributes["category"] = _xml_text(",".join(f"/{name}" for name in categories))
    return ET.Element("outline", attributes)


def opml_write(sources: list[OpmlSource], *, title: str, created_at: dt.datetime) -> bytes:
    """An OPML 2.0 document (UTF-8) listing ``sources``: a folder per category (each source
    under its first category, all its categories in its ``category`` attribute), then the
    sources without a category."""
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(created_at, usegmt=True)
    ET.SubElement(head, "docs").text = OPML_SPEC
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    loose = []
    for source in sources:
        if not source.categories:
            loose.append(source)
            continue
        name = source.categories[0]
        if name not in folders:
            folders[name] = ET.Element(
                "outline", {"text": _xml_text(name), "title": _xml_text(name)}
            )
        folders[name].append(_feed_element(source))
    for name in sorted(folders, key=str.casefold):
        body.append(folders[name])
    for source in loose:
        body.append(_feed_element(source))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
