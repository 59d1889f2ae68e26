"""A won request becomes a private session: of an existing course or of a new draft course,
in one transaction."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ocim.core.models import AuditLogEntry
from ocim.training import tailormade
from ocim.training.models import CoursePage, Session, SessionPart

from . import catalogue_fixtures as fx
from .test_tailormade_pipeline import make_manager, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return fx.course(fx.site_with_catalogue())


@pytest.fixture
def manager_client(client):
    user = make_manager()
    client.force_login(user)
    client.user = user
    return client


def _post_data(**overrides):
    day = timezone.localdate() + dt.timedelta(days=40)
    data = {
        "course_choice": "existing",
        "course": "",
        "capacity": "12",
        "place_name": "Muséum de Dijon",
        "address": "14 rue Jehan de Marville, 21000 Dijon",
        "parts-TOTAL_FORMS": "3",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "1",
        "parts-MAX_NUM_FORMS": "30",
        "parts-0-date": day.isoformat(),
        "parts-0-start_time": "09:30",
        "parts-0-end_time": "17:00",
        "parts-0-mode": "onsite",
        "parts-1-date": (day + dt.timedelta(days=1)).isoformat(),
        "parts-1-start_time": "09:00",
        "parts-1-end_time": "12:30",
        "parts-1-mode": "remote",
    }
    data.update(overrides)
    return data


def test_won_request_becomes_a_private_session_of_an_existing_course(manager_client, course):
    item = make_request(status="won", course=course, audience_size=12)
    url = reverse("training_tailormade:convert", args=[item.pk])
    form = manager_client.get(url)
    assert form.status_code == 200
    assert 'name="capacity" value="12"' in form.content.decode()
    response = manager_client.post(url, _post_data(course=str(course.pk)))
    assert response.status_code == 302
    item.refresh_from_db()
    session = item.session
    assert response["Location"] == reverse("training_tailormade:invitations", args=[session.pk])
    assert session.course == course
    assert session.is_private and session.status == "open" and not session.approval_required
    assert session.capacity == 12 and session.place_name == "Muséum de Dijon"
    assert [p.mode for p in session.parts.order_by("date")] == ["onsite", "remote"]
    entry = AuditLogEntry.objects.get(action="training.tailormade.converted")
    assert entry.data["session"] == session.pk and entry.actor == manager_client.user


def test_won_request_becomes_a_session_of_a_new_draft_course(manager_client, course):
    item = make_request(status="won", topic="Accueillir les publics autistes")
    url = reverse("training_tailormade:convert", args=[item.pk])
    response = manager_client.post(url, _post_data(course_choice="new", capacity=""))
    # capacity is required on the form: the audience size is its initial value
    assert response.status_code == 400
    assert Session.objects.count() == 0
    response = manager_client.post(url, _post_data(course_choice="new"))
    assert response.status_code == 302
    item.refresh_from_db()
    new_course = item.session.course
    assert new_course.title == "Accueillir les publics autistes"
    assert not new_course.live
    assert new_course.get_parent().specific == course.get_parent().specific
    assert new_course.get_latest_revision() is not None


def test_capacity_defaults_to_the_audience_size(course):
    actor = make_manager()
    item = make_request(status="won", audience_size=9)
    part = tailormade.PartData(
        date=timezone.localdate() + dt.timedelta(days=20),
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    session = tailormade.tailormade_session_create(
        request=item, actor=actor, parts=[part], course=course
    )
    assert session.capacity == 9


@pytest.mark.parametrize(
    "overrides",
    [
        {"parts-0-end_time": "08:00"},  # ends before it starts
        {"parts-0-date": "", "parts-1-date": ""},  # no date at all
        {"course_choice": "existing", "course": ""},  # no course chosen
        {"capacity": "0"},
    ],
)
def test_bad_input_writes_nothing(manager_client, course, overrides):
    item = make_request(status="won")
    pages = CoursePage.objects.count()
    url = reverse("training_tailormade:convert", args=[item.pk])
    data = _post_data(**{"course_choice": "new", "course": str(course.pk), **overrides})
    response = manager_client.post(url, data)
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.session is None
    assert Session.objects.count() == 0 and SessionPart.objects.count() == 0
    assert CoursePage.objects.count() == pages


def test_conversion_is_atomic_when_the_database_refuses(course):
    """Should a write fail half-way (here: a part the database refuses), the new course page
    and the session are rolled back with it."""
    actor = make_manager()
    item = make_request(status="won")
    pages = CoursePage.objects.count()
    bad = tailormade.PartData(
        date=timezone.localdate(), start_time=dt.time(10), end_time=dt.time(11), mode="onsite"
    )
    # Bypass the service's own check to reach the database constraint.
    object.__setattr__(bad, "end_time", dt.time(9))
    with pytest.raises(tailormade.ConversionInvalid):
        tailormade.tailormade_session_create(
            request=item, actor=actor, parts=[bad], new_course=True
        )
    assert CoursePage.objects.count() == pages and Session.objects.count() == 0


def test_only_a_won_request_without_session_converts(manager_client, course):
    actor = manager_client.user
    part = tailormade.PartData(
        date=timezone.localdate() + dt.timedelta(days=20),
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    item = make_request(status="quote_sent")
    with pytest.raises(tailormade.ConflictError):
        tailormade.tailormade_session_create(request=item, actor=actor, parts=[part], course=course)
    response = manager_client.get(reverse("training_tailormade:convert", args=[item.pk]))
    assert response.status_code == 302
    won = make_request(status="won")
    tailormade.tailormade_session_create(request=won, actor=actor, parts=[part], course=course)
    with pytest.raises(tailormade.ConflictError):
        tailormade.tailormade_session_create(request=won, actor=actor, parts=[part], course=course)
    assert Session.objects.count() == 1
    # A won request with its session cannot be reopened.
    with pytest.raises(tailormade.TransitionNotAllowed):
        tailormade.tailormade_request_transition(request=won, action="reopen", actor=actor)
