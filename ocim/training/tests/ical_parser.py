"""A strict little iCalendar reader for the tests: it checks the framing rules of RFC 5545
(CRLF, 75-octet lines, folding) and gives back the components and their unescaped values."""

from __future__ import annotations

import re

_UNESCAPE = re.compile(r"\\([\\;,nN])")


def unescape_text(value: str) -> str:
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_calendar(data: bytes | str) -> list[dict]:
    """Events of a calendar as dicts {property name: raw value} (with "_text" unescaped).

    Raises AssertionError when a framing rule is broken.
    """
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    assert raw.endswith(b"\r\n"), "the calendar must end with CRLF"
    physical = raw[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, "bare LF or CR inside a line"
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
        line.decode("utf-8")  # a fold never cuts a UTF-8 sequence
    logical: list[str] = []
    for line in physical:
        text = line.decode("utf-8")
        if text.startswith(" "):
            assert logical, "a calendar cannot start with a continuation line"
            logical[-1] += text[1:]
        else:
            logical.append(text)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical
    assert any(item.startswith("PRODID:") for item in logical)
    events: list[dict] = []
    current = None
    for item in logical[1:-1]:
        name, _, value = item.partition(":")
        assert _, f"content line without a colon: {item!r}"
        if item == "BEGIN:VEVENT":
            assert current is None, "nested VEVENT"
            current = {}
        elif item == "END:VEVENT":
            assert current is not None
            for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
                assert required in current, f"VEVENT without {required}"
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
            current[f"{name}_text"] = unescape_text(value)
    assert current is None, "unterminated VEVENT"
    return events
