"""session_list_for_catalogue, course_sessions and session_get_public decide what is public."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.errors import NotFoundError
from ocim.training.models import Session, SessionInvitation
from ocim.training.selectors import (
    CatalogueFilters,
    course_sessions,
    session_get_public,
    session_list_for_catalogue,
)

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return fx.site_with_catalogue()


def test_lists_only_public_upcoming_sessions_first_start_first(index):
    course = fx.course(index)
    later = fx.session(course, days_ahead=60)
    sooner = fx.session(course, days_ahead=10)
    fx.session(course, days_ahead=-5)  # past
    fx.session(course, days_ahead=20, status="draft")
    fx.session(course, days_ahead=20, is_private=True)

    sessions = list(session_list_for_catalogue(filters=CatalogueFilters()))

    assert sessions == [sooner, later]


def test_unpublished_course_hides_its_sessions(index):
    course = fx.course(index)
    fx.session(course)
    course.unpublish()
    assert list(session_list_for_catalogue(filters=None)) == []


def test_seats_left_counts_seat_holders_only(index):
    course = fx.course(index)
    session = fx.session(course, capacity=3)
    fx.fill(session, 2, UserFactory.create_batch(2))

    listed = session_list_for_catalogue(filters=CatalogueFilters()).get()

    assert listed.seats_left == 1
    assert listed.seats_held == 2


def test_filters_by_format_domain_region_mode_month_and_seats(index):
    bones = fx.concept("osteology", "Ostéologie")
    light = fx.concept("museum-lighting", "Éclairage")
    dijon = fx.territory("27", "Bourgogne-Franche-Comté", "21231")
    lyon = fx.territory("84", "Auvergne-Rhône-Alpes", "69123")
    course_bones = fx.course(index, fmt="course", domains=[bones])
    course_light = fx.course(index, title="Éclairage", fmt="workshop", domains=[light])
    in_dijon = fx.session(course_bones, days_ahead=10, commune=dijon)
    in_lyon = fx.session(course_light, days_ahead=50, commune=lyon, capacity=1)
    remote = fx.session(course_light, days_ahead=90, remote=True)
    fx.fill(in_lyon, 1, [UserFactory()])

    def listed(**kwargs):
        return set(session_list_for_catalogue(filters=CatalogueFilters(**kwargs)))

    assert listed(format="workshop") == {in_lyon, remote}
    assert listed(domain_id=bones.pk) == {in_dijon}
    assert listed(region_code="84") == {in_lyon}
    assert listed(mode="remote") == {remote}
    assert listed(mode="onsite") == {in_dijon, in_lyon}
    assert listed(seats_left_only=True) == {in_dijon, remote}
    month = (timezone.localdate() + dt.timedelta(days=50)).replace(day=1)
    assert in_lyon in listed(month=month)
    assert remote not in listed(month=month)


def test_course_sessions_lists_upcoming_public_sessions_of_one_course(index):
    course = fx.course(index)
    other = fx.course(index, title="Autre")
    mine = fx.session(course)
    fx.session(other)
    fx.session(course, days_ahead=-30)
    assert list(course_sessions(course)) == [mine]


def test_session_get_public_refuses_private_draft_and_garbage(index):
    course = fx.course(index)
    public = fx.session(course)
    private = fx.session(course, is_private=True)
    draft = fx.session(course, status="draft")

    assert session_get_public(public.pk) == public
    for pk in (private.pk, draft.pk, "abc", None, 99999):
        with pytest.raises(NotFoundError):
            session_get_public(pk)


def test_a_submitted_form_reads_the_same_session_as_the_page(index):
    from ocim.training.selectors import session_get_for_registration
    from ocim.training.services import NotInvited

    course = fx.course(index)
    hidden = fx.course(index, title="Brouillon")
    hidden.unpublish()
    invited = UserFactory(email="claire.martin@museum.example")
    private = fx.session(hidden, is_private=True)
    SessionInvitation.objects.create(session=private, email=invited.email)
    for session in (fx.session(course), fx.session(course, status="closed"), private):
        page = session_get_for_registration(session.pk, invited)
        submitted = session_get_for_registration(str(session.pk), invited, light=True)
        assert submitted == page and not submitted.get_deferred_fields()
        for field in Session._meta.concrete_fields:
            assert getattr(submitted, field.attname) == getattr(page, field.attname), field.name
    stranger = UserFactory()
    for light in (False, True):
        for pk in (fx.session(course, status="draft").pk, fx.session(hidden).pk, "abc", 99999):
            with pytest.raises(NotFoundError):
                session_get_for_registration(pk, stranger, light=light)
        with pytest.raises(NotInvited):
            session_get_for_registration(private.pk, stranger, light=light)
