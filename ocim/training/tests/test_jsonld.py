"""Course pages describe the course and its sessions as schema.org JSON-LD."""

import json
import re

import pytest

from ocim.accounts.tests.factories import UserFactory

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(
    r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', re.DOTALL
)


def _jsonld(response):
    match = SCRIPT.search(response.content.decode())
    assert match, "no JSON-LD script"
    return match.group(1), json.loads(match.group(2))


def test_course_and_course_instances(client):
    index = fx.site_with_catalogue()
    course = fx.course(index)
    onsite = fx.session(course, capacity=10, commune=fx.territory())
    fx.fill(onsite, 3, UserFactory.create_batch(3))
    fx.session(course, days_ahead=60, remote=True)

    response = client.get(course.url)
    nonce, data = _jsonld(response)

    assert nonce in response["Content-Security-Policy"]
    assert data["@type"] == "Course"
    assert data["name"] == "Montage ostéologique"
    assert data["provider"]["name"] == "Ocim"
    assert data["timeRequired"] == "PT21H"
    assert [offer["price"] for offer in data["offers"]] == ["700.00", "960.00"]
    first, second = data["hasCourseInstance"]
    assert first["@type"] == "CourseInstance"
    assert first["courseMode"] == "onsite"
    assert first["location"]["address"]["addressLocality"] == "Commune 21231"
    assert first["remainingAttendeeCapacity"] == 7
    assert first["startDate"].endswith(("+01:00", "+02:00"))
    assert first["instructor"][0]["name"] == "Marc Vasseur"
    assert second["courseMode"] == "online"


def test_script_content_cannot_close_the_script_element(client):
    index = fx.site_with_catalogue()
    course = fx.course(index, title="</script><script>alert(1)</script> & co")
    fx.session(course)

    response = client.get(course.url)
    body = response.content.decode()
    _nonce, data = _jsonld(response)

    assert data["name"] == "</script><script>alert(1)</script> & co"
    assert "<script>alert(1)" not in body
