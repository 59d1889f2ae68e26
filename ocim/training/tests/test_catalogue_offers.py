"""Seat offers (links from the e-mail) and the participant's registrations page."""

import pytest

from ocim.accounts.tests.factories import UserFactory
from ocim.training import services
from ocim.training.models import Registration

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db


def _data():
    return {"expectations": "Apprendre à monter un squelette.", "payer": "self", "consent": True}


@pytest.fixture
def offered():
    course = fx.course(fx.site_with_catalogue())
    session = fx.session(course, capacity=1)
    holder = services.registration_create(session=session, user=UserFactory(), data=_data())
    waiting = services.registration_create(session=session, user=UserFactory(), data=_data())
    services.registration_cancel(registration=holder)
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    return waiting


def test_offer_link_shows_a_button_and_changes_nothing_on_get(client, offered):
    token = services.offer_token_make(offered)
    response = client.get(f"/fr/formation/offres/{token}/accepter/")
    assert response.status_code == 200
    assert "Accepter la place" in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == "offered"


def test_accepting_the_offer_keeps_the_seat(client, offered):
    token = services.offer_token_make(offered)
    response = client.post(f"/fr/formation/offres/{token}/accepter/")
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.status in ("pending", "confirmed")
    # The link cannot be used twice.
    again = client.post(f"/fr/formation/offres/{token}/accepter/")
    assert again.status_code == 400


def test_declining_the_offer(client, offered):
    token = services.offer_token_make(offered)
    client.post(f"/fr/formation/offres/{token}/refuser/")
    offered.refresh_from_db()
    assert offered.status == "declined"


def test_forged_token_gives_a_clear_page_not_a_500(client):
    response = client.get("/fr/formation/offres/pas-un-jeton/accepter/")
    assert response.status_code == 400
    assert "Ce lien n’est pas valide" in response.content.decode()


def test_my_registrations_lists_and_cancels_own_registrations(client):
    course = fx.course(fx.site_with_catalogue())
    session = fx.session(course)
    user = UserFactory()
    registration = services.registration_create(session=session, user=user, data=_data())
    client.force_login(user)

    page = client.get("/fr/formation/mes-inscriptions/")
    assert page.status_code == 200
    assert "Montage ostéologique" in page.content.decode()

    client.post(f"/fr/formation/mes-inscriptions/{registration.pk}/annuler/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_cannot_cancel_someone_elses_registration(client):
    course = fx.course(fx.site_with_catalogue())
    session = fx.session(course)
    registration = services.registration_create(session=session, user=UserFactory(), data=_data())
    client.force_login(UserFactory())
    response = client.post(f"/fr/formation/mes-inscriptions/{registration.pk}/annuler/")
    assert response.status_code == 404
    assert Registration.objects.get().status != "cancelled"


def test_my_registrations_needs_login(client):
    response = client.get("/fr/formation/mes-inscriptions/")
    assert response.status_code == 302
