"""Invitations to private sessions, registration of invited people, and the absence of private
sessions from every public channel."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import tailormade
from ocim.training.models import Registration, SessionInvitation
from ocim.training.services import NotInvited

from . import catalogue_fixtures as fx
from .test_tailormade_pipeline import make_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return fx.course(fx.site_with_catalogue())


@pytest.fixture
def private(course):
    return fx.session(course, is_private=True, place_name="Salle privée du musée")


@pytest.fixture
def manager_client(client):
    user = make_manager()
    client.force_login(user)
    client.user = user
    return client


def test_parsing_reports_bad_lines_and_ignores_duplicates():
    parsed = tailormade.invitation_lines_parse(
        "marie@musee.fr\n\nPaul Martin <Paul.Martin@musee.fr>\n"
        'pas une adresse\nMARIE@musee.fr\nJeanne <jeanne@>\n"Léa Roux" <lea@musee.fr>,\n'
    )
    assert parsed.entries == [
        ("", "marie@musee.fr"),
        ("Paul Martin", "paul.martin@musee.fr"),
        ("Léa Roux", "lea@musee.fr"),
    ]
    assert [(line.number, line.text) for line in parsed.errors] == [
        (4, "pas une adresse"),
        (6, "Jeanne <jeanne@>"),
    ]
    assert parsed.duplicates == 1


def test_staff_invite_and_each_person_gets_an_email(
    manager_client, private, django_capture_on_commit_callbacks
):
    url = reverse("training_tailormade:invitations", args=[private.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            url, {"emails": "marie@musee.fr\nPaul <paul@musee.fr>\nfaux\nmarie@musee.fr"}
        )
    assert response.status_code == 400  # the bad line is shown back
    text = response.content.decode()
    assert 'id="invitation-errors"' in text and "faux" in text
    assert set(SessionInvitation.objects.values_list("email", flat=True)) == {
        "marie@musee.fr",
        "paul@musee.fr",
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["marie@musee.fr", "paul@musee.fr"]
    register_url = reverse("training:register", args=[private.pk])
    message = mail.outbox[0]
    assert register_url in message.body and register_url in message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert all(i.sent_at for i in SessionInvitation.objects.all())
    assert AuditLogEntry.objects.filter(action="training.tailormade.invited").count() == 1
    # Inviting the same people again creates nothing and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, {"emails": "MARIE@musee.fr"})
    assert response.status_code == 302
    assert SessionInvitation.objects.count() == 2 and mail.outbox == []


def test_invitation_email_in_english_for_an_english_speaking_account(private):
    UserFactory(email="anna@museum.uk", preferred_language="en")
    invitation = SessionInvitation.objects.create(session=private, email="anna@museum.uk")
    message = tailormade.invitation_email_render(invitation)
    assert "/en/" in message.body


def test_resend_and_remove(manager_client, private, django_capture_on_commit_callbacks):
    invitation = SessionInvitation.objects.create(session=private, email="marie@musee.fr")
    resend = reverse("training_tailormade:invitation_action", args=[invitation.pk, "resend"])
    with django_capture_on_commit_callbacks(execute=True):
        assert manager_client.post(resend).status_code == 302
    assert [m.to for m in mail.outbox] == [["marie@musee.fr"]]
    remove = reverse("training_tailormade:invitation_action", args=[invitation.pk, "delete"])
    assert manager_client.post(remove).status_code == 302
    assert not SessionInvitation.objects.exists()
    codes = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {
        "training.tailormade.invitation_resent",
        "training.tailormade.invitation_removed",
    } <= codes


def test_public_session_takes_no_invitation(course):
    public = fx.session(course)
    with pytest.raises(tailormade.InvitationInvalid):
        tailormade.session_invitations_create(
            session=public, text="marie@musee.fr", actor=make_manager()
        )
    assert not SessionInvitation.objects.exists()


def test_invitations_page_needs_permission(client, private):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("training_tailormade:invitations", args=[private.pk])
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"emails": "x@musee.fr"}).status_code in (302, 403)
    assert not SessionInvitation.objects.exists()


# --- Registration to a private session -----------------------------------------------------------


def _register_data(course):
    return {
        "job_title": "Médiatrice",
        "employer_name": "Muséum de Dijon",
        "employer_siret": "",
        "employer_address": "14 rue Jehan de Marville, 21000 Dijon",
        "payer": "employer",
        "price_option": course.price_options.first().pk,
        "signatory_name": "Directrice",
        "signatory_email": "direction@museum-dijon.fr",
        "expectations": "Apprendre.",
        "consent": "on",
        "idempotency_key": "inscription-privee-0001",
    }


def test_invited_person_registers(client, course, private):
    user = UserFactory(email="marie@musee.fr")
    SessionInvitation.objects.create(session=private, email="marie@musee.fr")
    client.force_login(user)
    url = reverse("training:register", args=[private.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'id="private-session-notice"' in page.content.decode()
    assert client.post(url, _register_data(course)).status_code == 302
    assert Registration.objects.get().user == user


def test_not_invited_person_gets_a_403_page(client, course, private):
    client.force_login(UserFactory(email="intrus@exemple.fr"))
    url = reverse("training:register", args=[private.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert str(NotInvited.default_message) in response.content.decode()
    assert client.post(url, _register_data(course)).status_code == 403
    assert not Registration.objects.exists()


def test_anonymous_logs_in_first(client, private):
    url = reverse("training:register", args=[private.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"] and str(private.pk) in response["Location"]


def test_private_session_of_a_draft_course_is_open_to_the_invited(client):
    catalogue = fx.site_with_catalogue()
    item_course = fx.course(catalogue)
    item_course.unpublish()
    session = fx.session(item_course, is_private=True)
    SessionInvitation.objects.create(session=session, email="marie@musee.fr")
    client.force_login(UserFactory(email="marie@musee.fr"))
    assert client.get(reverse("training:register", args=[session.pk])).status_code == 200


# --- Absence from every public channel ----------------------------------------------------------


def test_private_sessions_are_absent_from_every_channel(client, course, private):
    public = fx.session(course, days_ahead=45, place_name="Salle publique")
    catalogue = client.get(course.get_parent().url).content.decode()
    assert "Salle publique" in catalogue and "Salle privée du musée" not in catalogue

    page = client.get(course.url).content.decode()
    assert "Salle publique" in page and "Salle privée du musée" not in page
    jsonld = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)[1]
    )
    places = [i["location"]["name"] for i in jsonld["hasCourseInstance"]]
    assert places == ["Salle publique"]

    feed = client.get(reverse("training:catalogue_ical")).content.decode()
    assert "Salle publique" in feed and "Salle privée du musée" not in feed
    assert client.get(reverse("training:session_ical", args=[public.pk])).status_code == 200
    assert client.get(reverse("training:session_ical", args=[private.pk])).status_code == 404
