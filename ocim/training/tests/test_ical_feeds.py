"""iCalendar feeds: one per session and one for the whole catalogue."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.training.models import SessionPart

from . import catalogue_fixtures as fx
from .ical_parser import parse_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return fx.course(fx.site_with_catalogue(), title="Montage ostéologique; niveau 1, avancé")


def test_session_feed_has_one_event_per_part(client, course):
    session = fx.session(course, days=2, commune=fx.territory())
    SessionPart.objects.create(
        session=session,
        date=timezone.localdate() + dt.timedelta(days=90),
        start_time=dt.time(14, 0),
        end_time=dt.time(17, 0),
        mode="remote",
    )

    response = client.get(f"/fr/formation/sessions/{session.pk}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse_calendar(response.content)
    assert len(events) == 3
    assert events[0]["SUMMARY_text"].startswith("Montage ostéologique; niveau 1, avancé")
    assert "(séquence 1 sur 3)" in events[0]["SUMMARY_text"]
    assert events[0]["LOCATION_text"] == "Muséum de Dijon, Commune 21231"
    assert events[2]["LOCATION_text"] == "À distance"
    assert events[0]["URL"].endswith(course.url)
    # Parts are stored in Paris time and written in UTC.
    first = timezone.localdate() + dt.timedelta(days=30)
    start = dt.datetime.combine(first, dt.time(9, 30), tzinfo=timezone.get_current_timezone())
    assert events[0]["DTSTART"] == start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def test_uids_are_stable_across_requests_and_edits(client, course):
    session = fx.session(course)
    url = f"/fr/formation/sessions/{session.pk}.ics"
    before = [event["UID"] for event in parse_calendar(client.get(url).content)]
    session.place_name = "Autre lieu"
    session.save()
    after = [event["UID"] for event in parse_calendar(client.get(url).content)]
    assert before == after
    assert len(set(before)) == 2


def test_cancelled_session_is_marked_cancelled(client, course):
    session = fx.session(course, status="cancelled")
    events = parse_calendar(client.get(f"/fr/formation/sessions/{session.pk}.ics").content)
    assert {event["STATUS"] for event in events} == {"CANCELLED"}


@pytest.mark.parametrize("status", ["draft"])
def test_non_public_sessions_are_not_found(client, course, status):
    draft = fx.session(course, status=status)
    private = fx.session(course, is_private=True)
    assert client.get(f"/fr/formation/sessions/{draft.pk}.ics").status_code == 404
    assert client.get(f"/fr/formation/sessions/{private.pk}.ics").status_code == 404
    assert client.get("/fr/formation/sessions/999999.ics").status_code == 404


def test_catalogue_feed_holds_every_upcoming_public_session(client, course):
    fx.session(course, days=2)
    fx.session(course, days=1, days_ahead=60)
    fx.session(course, days=1, days_ahead=-10)
    fx.session(course, days=1, is_private=True)

    response = client.get("/fr/formation/sessions.ics")

    assert response.status_code == 200
    assert len(parse_calendar(response.content)) == 3


def test_english_feed_url(client, course):
    fx.session(course)
    response = client.get("/en/training/sessions.ics")
    assert response.status_code == 200
    assert "X-WR-CALNAME:Ocim training sessions" in response.content.decode()
