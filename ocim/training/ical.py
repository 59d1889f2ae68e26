"""A small iCalendar (RFC 5545) writer for training sessions.

Written here rather than pulled in as a dependency: we only emit VEVENTs, and the rules that
matter are few — CRLF line ends, lines folded at 75 octets (never inside a UTF-8 sequence),
TEXT values escaped (backslash, semicolon, comma, newline), times in UTC.

Updates in place. A calendar client recognises an event by its UID and keeps the copy with the
highest SEQUENCE (then the latest DTSTAMP). UIDs are one per session part and never change; the
sequence is derived from the latest change time we know of (``sequence_for``), so a later file,
from a feed or an e-mail, always supersedes an earlier one without a counter stored anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PartMode, SessionStatus

PRODID = "-//Ocim//Training catalogue//FR"
UID_DOMAIN = "ocim.fr"
MAX_LINE_OCTETS = 75
PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    last_modified: dt.datetime | None = None
    # RFC 5545 §3.8.7.4: the revision of the event; written only when set.
    sequence: int | None = None


EVENT_STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
# The origin of ``sequence_for``: seconds since then fit the 32-bit INTEGER of RFC 5545 until 2088.
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def sequence_for(*moments: dt.datetime | None) -> int:
    """A SEQUENCE number that grows with the latest of ``moments`` (the last change times of
    what the event shows): whole seconds since ``SEQUENCE_EPOCH``, 0 when none is known."""
    known = [moment for moment in moments if moment is not None]
    if not known:
        return 0
    latest = max(moment.astimezone(dt.UTC) for moment in known)
    return max(int((latest - SEQUENCE_EPOCH).total_seconds()), 0)


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets; continuation lines start with one space.

    Cuts fall between characters, never inside a multi-byte UTF-8 sequence.
    """
    parts = []
    current = ""
    current_octets = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            parts.append(current)
            current = char
            current_octets = size
            # Continuation lines carry a leading space that counts towards their 75 octets.
            limit = MAX_LINE_OCTETS - 1
        else:
            current += char
            current_octets += size
    parts.append(current)
    return "\r\n ".join(parts)


def format_utc(value: dt.datetime) -> str:
    if timezone.is_naive(value):
        raise ValueError("iCalendar times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _property(name: str, value: str) -> str:
    return fold_line(f"{name}:{value}")


def calendar_render(
    events: Iterable[CalendarEvent], *, name: str = "", now: dt.datetime | None = None
) -> str:
    """The text of a VCALENDAR holding ``events`` (CRLF line ends, folded lines)."""
    stamp = format_utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        _property("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines.append(_property("X-WR-CALNAME", escape_text(name)))
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            _property("UID", escape_text(event.uid)),
            f"DTSTAMP:{stamp}",
            f"DTSTART:{format_utc(event.start)}",
            f"DTEND:{format_utc(event.end)}",
            _property("SUMMARY", escape_text(event.summary)),
        ]
        if event.description:
            lines.append(_property("DESCRIPTION", escape_text(event.description)))
        if event.location:
            lines.append(_property("LOCATION", escape_text(event.location)))
        if event.url:
            # URI values are not TEXT: no escaping, but still folded.
            lines.append(_property("URL", event.url))
        if event.last_modified:
            lines.append(f"LAST-MODIFIED:{format_utc(event.last_modified)}")
        if event.sequence is not None:
            if event.sequence < 0:
                raise ValueError("SEQUENCE must be zero or more")
            lines.append(f"SEQUENCE:{int(event.sequence)}")
        if event.status not in EVENT_STATUSES:
            raise ValueError(f"Unknown event status {event.status!r}")
        lines += [f"STATUS:{event.status}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


# --- Training sessions as events ---------------------------------------------------------------


def session_location(session) -> str:
    if session.is_remote:
        return _("Remote")
    parts = [session.place_name]
    if session.address:
        parts.append(" ".join(session.address.split()))
    if session.commune_id:
        parts.append(session.commune.name)
    return ", ".join(part for part in parts if part)


def part_bounds(part) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(part.date, part.start_time, tzinfo=PARIS)
    end = dt.datetime.combine(part.date, part.end_time, tzinfo=PARIS)
    return start, end


def session_events(
    session,
    *,
    course_url: str = "",
    status: str | None = None,
    sequence: int | None = None,
    remote_links: bool = False,
) -> list[CalendarEvent]:
    """One calendar event per part of ``session``; UIDs stay the same across edits (so a
    calendar that imported an earlier version, from a feed or an e-mail, updates in place).

    ``status`` overrides the events' status (CANCELLED for a cancelled session by default);
    ``sequence`` defaults to ``sequence_for(session.updated_at)``. ``remote_links=True`` writes
    the remote parts' links in their description: only for people who hold a seat, never in a
    public feed.
    """
    title = session.title or session.course.title
    if status is None:
        status = "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"
    if sequence is None:
        sequence = sequence_for(session.updated_at)
    parts = list(session.parts.all())
    events = []
    for number, part in enumerate(parts, start=1):
        start, end = part_bounds(part)
        description = _("Ocim training: %(course)s") % {"course": session.course.title}
        if part.mode == PartMode.REMOTE:
            location = _("Remote")
            if remote_links and part.remote_url:
                description += "\n" + _("Remote link: %(url)s") % {"url": part.remote_url}
        else:
            location = part.place or session_location(session)
        summary = title
        if len(parts) > 1:
            summary = _("%(title)s (part %(number)s of %(count)s)") % {
                "title": title,
                "number": number,
                "count": len(parts),
            }
        events.append(
            CalendarEvent(
                uid=f"training-session-{session.pk}-part-{part.pk}@{UID_DOMAIN}",
                start=start,
                end=end,
                summary=summary,
                description=description,
                location=location,
                url=course_url,
                status=status,
                last_modified=session.updated_at,
                sequence=sequence,
            )
        )
    return events
