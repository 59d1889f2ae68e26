"""Back office: the session list shows the fill rate and the waiting list; trainers are snippets."""

import pytest

from ocim.accounts.tests.factories import UserFactory
from ocim.training.models import Registration

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_session_list_shows_fill_rate_and_waiting_list(admin_client):
    course = fx.course(fx.site_with_catalogue())
    session = fx.session(course, capacity=4)
    fx.fill(session, 3, UserFactory.create_batch(3))
    Registration.objects.create(
        session=session,
        user=UserFactory(),
        status="waitlisted",
        waitlist_rank=1,
        expectations="Apprendre.",
    )

    response = admin_client.get("/admin/training_sessions/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "3 / 4 (75 %)" in text
    assert "Liste d&#x27;attente" in text or "Liste d’attente" in text


def test_session_edit_form_has_parts_inline(admin_client):
    course = fx.course(fx.site_with_catalogue())
    session = fx.session(course)
    response = admin_client.get(f"/admin/training_sessions/edit/{session.pk}/")
    assert response.status_code == 200
    assert "parts-TOTAL_FORMS" in response.content.decode()


def test_trainers_are_listed_as_snippets(admin_client):
    fx.course(fx.site_with_catalogue())
    response = admin_client.get("/admin/snippets/training/trainer/")
    assert response.status_code == 200
    assert "Marc Vasseur" in response.content.decode()


def test_session_list_needs_permission(client):
    client.force_login(UserFactory())
    response = client.get("/admin/training_sessions/")
    assert response.status_code in (302, 403)
