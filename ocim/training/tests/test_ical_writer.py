"""The iCalendar writer follows RFC 5545 framing and escaping."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ocim.training.ical import CalendarEvent, calendar_render, escape_text, fold_line

from .ical_parser import parse_calendar

PARIS = ZoneInfo("Europe/Paris")


def _event(**overrides):
    values = {
        "uid": "session-1-part-1@ocim.fr",
        "start": dt.datetime(2027, 3, 9, 9, 30, tzinfo=PARIS),
        "end": dt.datetime(2027, 3, 9, 17, 0, tzinfo=PARIS),
        "summary": "Montage ostéologique",
    }
    values.update(overrides)
    return CalendarEvent(**values)


def test_escapes_text_special_characters():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    assert escape_text("ligne\r\nsuivante") == "ligne\\nsuivante"


def test_folds_long_lines_at_75_octets_without_cutting_utf8():
    line = "DESCRIPTION:" + "é" * 100  # 2 octets per character
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    for index, part in enumerate(parts):
        encoded = part.encode("utf-8")
        assert len(encoded) <= 75
        if index:
            assert part.startswith(" ")
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


def test_short_line_is_not_folded():
    assert fold_line("SUMMARY:court") == "SUMMARY:court"


def test_calendar_round_trips_through_a_strict_parser():
    description = "Jour 1 : accueil; visite, atelier\nJour 2 : « restitution » " + "x" * 200
    body = calendar_render(
        [
            _event(description=description, location="Muséum, 14 rue Buffon; Dijon"),
            _event(uid="session-1-part-2@ocim.fr", summary="Partie à distance"),
        ],
        name="Formations Ocim",
    )
    events = parse_calendar(body)
    assert len(events) == 2
    first = events[0]
    assert first["UID"] == "session-1-part-1@ocim.fr"
    # 9:30 in Paris in March (UTC+1) is 8:30 UTC.
    assert first["DTSTART"] == "20270309T083000Z"
    assert first["DTEND"] == "20270309T160000Z"
    assert first["SUMMARY_text"] == "Montage ostéologique"
    assert first["DESCRIPTION_text"] == description
    assert first["LOCATION_text"] == "Muséum, 14 rue Buffon; Dijon"
    assert events[1]["SUMMARY_text"] == "Partie à distance"
    assert "\r\nX-WR-CALNAME:Formations Ocim\r\n" in body


def test_summer_time_is_converted_to_utc():
    body = calendar_render([_event(start=dt.datetime(2027, 7, 1, 9, 0, tzinfo=PARIS))])
    assert parse_calendar(body)[0]["DTSTART"] == "20270701T070000Z"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        calendar_render([_event(start=dt.datetime(2027, 3, 9, 9, 30))])


def test_empty_calendar_is_valid():
    assert parse_calendar(calendar_render([])) == []
