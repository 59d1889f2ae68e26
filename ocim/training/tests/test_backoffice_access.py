"""Who may use the training back office: managers everything, trainers their own sessions
read-only, everybody else nothing; managers' page permissions under the course catalogues."""

from __future__ import annotations

import csv
import io

import pytest
from wagtail import hooks
from wagtail.models import Page

from ocim.training.models import CourseIndexPage, CoursePage, Registration
from ocim.training.roles import catalogue_permissions_grant

from . import test_backoffice_fixtures as fx
from .core_builders import make_course, make_session
from .test_backoffice_fixtures import register, url, user_with_role

# The shared fixtures, made visible to pytest in this module.
course = fx.course
manager = fx.manager
manager_client = fx.manager_client
session = fx.session
trainer_user = fx.trainer_user

pytestmark = pytest.mark.django_db


def _views(session, registration):
    return {
        "registrations": ("get", url("registrations", session.pk)),
        "detail": ("get", url("registration_detail", session.pk, registration.pk)),
        "add": ("get", url("participant_add", session.pk)),
        "email": ("get", url("email", session.pk)),
        "cancel": ("get", url("cancel", session.pk)),
        "export": ("get", url("export", session.pk, "csv")),
        "action": ("post", url("registration_action", session.pk)),
        "offer_next": ("post", url("offer_next", session.pk)),
    }


def test_anonymous_is_sent_to_the_login_page(client, session):
    registration = register(session)
    for method, address in _views(session, registration).values():
        response = getattr(client, method)(address)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_an_editor_without_training_permission_gets_403(client, session):
    registration = register(session, payer="employer")
    client.force_login(user_with_role("editor"))
    for method, address in _views(session, registration).values():
        response = getattr(client, method)(
            address, {"action": "confirm", "registration": registration.pk}
        )
        assert response.status_code == 403, address
    assert Registration.objects.get(pk=registration.pk).status == "pending"


def test_the_manager_reaches_every_view(manager_client, session):
    registration = register(session)
    for name, (method, address) in _views(session, registration).items():
        if method == "get":
            assert manager_client.get(address).status_code == 200, name


def test_the_session_list_links_each_row_to_its_registrations(manager_client, session):
    response = manager_client.get(url("index"))
    assert response.status_code == 200
    assert url("registrations", session.pk) in response.content.decode()


def test_the_session_edit_page_links_to_registrations_and_cancellation(manager_client, session):
    response = manager_client.get(url("edit", session.pk))
    text = response.content.decode()
    assert url("registrations", session.pk) in text
    assert url("cancel", session.pk) in text


# --- Trainers -------------------------------------------------------------------------------------


def test_a_trainer_lists_only_the_sessions_of_their_courses(client, session, trainer_user):
    other = make_session(make_course("Autre cours"))
    client.force_login(trainer_user)

    response = client.get(url("index"))

    assert response.status_code == 200
    text = response.content.decode()
    assert url("registrations", session.pk) in text
    assert url("registrations", other.pk) not in text
    assert client.get(url("registrations", other.pk)).status_code == 403
    assert client.get(url("export", other.pk, "csv")).status_code == 403


def test_a_trainer_sees_their_participants_read_only(client, session, trainer_user):
    holder = register(session, payer="employer", accommodation_needs="Fauteuil roulant")
    for _ in range(2):
        register(session)
    waiting = register(session)
    assert waiting.status == "waitlisted"
    client.force_login(trainer_user)

    response = client.get(url("registrations", session.pk))

    assert response.status_code == 200
    text = response.content.decode()
    assert holder.user.email in text
    assert "Fauteuil roulant" in text
    assert waiting.user.email not in text  # only the participants holding a seat
    assert url("registration_action", session.pk) not in text  # no action form
    assert 'name="payer"' not in text
    assert url("participant_add", session.pk) not in text


def test_a_trainer_cannot_act_nor_open_the_staff_views(client, session, trainer_user):
    registration = register(session, payer="employer")
    client.force_login(trainer_user)
    for name, (method, address) in _views(session, registration).items():
        if name in ("registrations", "export"):
            continue
        response = getattr(client, method)(
            address, {"action": "confirm", "registration": registration.pk}
        )
        assert response.status_code == 403, name
    # Wagtail's own edit view refuses by redirecting to the dashboard.
    assert client.get(url("edit", session.pk)).status_code in (302, 403)
    assert Registration.objects.get(pk=registration.pk).status == "pending"


def test_a_trainer_exports_only_the_allowed_columns(client, session, trainer_user):
    registration = register(session, accommodation_needs="Boucle magnétique")
    client.force_login(trainer_user)

    response = client.get(url("export", session.pk, "csv"))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 6
    assert rows[1][2] == registration.user.email
    assert "Boucle magnétique" in rows[1]
    assert registration.employer_siret not in rows[1]
    assert registration.expectations not in rows[1]


# --- Page permissions ----------------------------------------------------------------------------


def _tester(user, page):
    return page.permissions_for_user(user)


def test_managers_edit_and_publish_course_pages_only_under_a_catalogue(manager):
    course = make_course()
    catalogue = course.get_parent().specific
    home = catalogue.get_parent()
    assert not _tester(manager, catalogue).can_add_subpage()

    catalogue_permissions_grant(catalogue)
    catalogue_permissions_grant(catalogue)  # idempotent

    manager = type(manager).objects.get(pk=manager.pk)  # fresh permission caches
    assert _tester(manager, catalogue).can_add_subpage()
    assert _tester(manager, course).can_edit()
    assert _tester(manager, course).can_publish()
    assert not _tester(manager, home).can_edit()
    assert not _tester(manager, home).can_add_subpage()
    assert not _tester(manager, Page.get_first_root_node()).can_add_subpage()


def test_creating_a_catalogue_in_the_admin_grants_the_managers(manager):
    course = make_course()
    home = course.get_parent().get_parent()
    catalogue = home.add_child(instance=CourseIndexPage(title="Autres formations", slug="autres"))
    for hook in hooks.get_hooks("after_create_page"):
        hook(None, catalogue)

    manager = type(manager).objects.get(pk=manager.pk)
    assert _tester(manager, catalogue).can_add_subpage()
    assert CoursePage in catalogue.specific_class.creatable_subpage_models()
    assert not _tester(manager, home).can_add_subpage()


def test_a_trainer_account_not_linked_to_a_course_sees_no_session(client, session):
    client.force_login(user_with_role("trainer"))

    response = client.get(url("index"))

    assert response.status_code == 200
    assert url("registrations", session.pk) not in response.content.decode()
    assert client.get(url("registrations", session.pk)).status_code == 403


def test_private_sessions_list_a_link_to_their_invitations(client):
    from django.urls import reverse

    manager = user_with_role("training-manager")
    private = make_session(is_private=True)
    public = make_session()
    client.force_login(manager)
    body = client.get(reverse("training_sessions:index")).content.decode()
    assert reverse("training_tailormade:invitations", args=[private.pk]) in body
    assert reverse("training_tailormade:invitations", args=[public.pk]) not in body
