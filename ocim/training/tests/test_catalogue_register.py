"""The public registration form: login first, the contract's fields, clear errors."""

import re

import pytest

from ocim.accounts.tests.factories import UserFactory
from ocim.training.models import Registration

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"


@pytest.fixture
def course():
    return fx.course(fx.site_with_catalogue())


def _url(session):
    return f"/fr/formation/sessions/{session.pk}/inscription/"


def _form_data(course, **overrides):
    data = {
        "job_title": "Régisseuse des collections",
        "employer_name": "Muséum de Dijon",
        "employer_siret": "732 829 320 00074",
        "employer_address": "14 rue Jehan de Marville, 21000 Dijon",
        "payer": "employer",
        "price_option": course.price_options.first().pk,
        "signatory_name": "Directrice du muséum",
        "signatory_email": "direction@museum-dijon.fr",
        "admin_contact_name": "",
        "admin_contact_email": "",
        "expectations": "Monter le squelette d'un renard pour l'exposition permanente.",
        "accommodation_needs": "",
        "consent": "on",
        "idempotency_key": "cle-unique-de-formulaire-0001",
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_is_sent_to_login_and_back(client, course):
    session = fx.session(course)
    response = client.get(_url(session))
    assert response.status_code == 302
    assert (
        response["Location"].startswith("/fr/compte/connexion/") or "next=" in response["Location"]
    )
    assert f"next=/fr/formation/sessions/{session.pk}/inscription/" in response["Location"]


def test_form_shows_every_field_with_a_label(client, course):
    session = fx.session(course)
    client.force_login(UserFactory())
    response = client.get(_url(session))
    text = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Fonction",
        "Numéro SIRET de l&#x27;employeur",
        "Qui finance la formation ?",
        "Vos attentes",
        "Avec hébergement",
    ):
        assert label in text, label
    assert 'name="idempotency_key" value="' in text
    assert "<legend>Vous et votre employeur</legend>" in text


def test_registration_is_created_once_even_when_submitted_twice(client, course):
    session = fx.session(course)
    user = UserFactory()
    client.force_login(user)
    data = _form_data(course)

    first = client.post(_url(session), data)
    second = client.post(_url(session), data)  # back button / double click

    assert first.status_code == 302 and second.status_code == 302
    registration = Registration.objects.get()
    assert registration.user == user
    assert registration.employer_siret == VALID_SIRET
    assert registration.price_option == course.price_options.first()
    assert registration.consent_at is not None
    assert registration.seat_number == 1


def test_invalid_siret_is_reported_on_the_field(client, course):
    session = fx.session(course)
    client.force_login(UserFactory())
    response = client.post(_url(session), _form_data(course, employer_siret="12345678901234"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "numéro SIRET valide" in text
    field = re.search(r'<input[^>]*name="employer_siret"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_employer_siret_error" in field
    assert not Registration.objects.exists()


def test_missing_expectations_and_consent_are_required(client, course):
    session = fx.session(course)
    client.force_login(UserFactory())
    response = client.post(_url(session), _form_data(course, expectations="", consent=""))
    assert response.status_code == 200
    assert response.content.decode().count('class="form-field__errors"') == 2
    assert not Registration.objects.exists()


def test_full_session_puts_the_person_on_the_waiting_list(client, course):
    session = fx.session(course, capacity=1)
    fx.fill(session, 1, [UserFactory()])
    client.force_login(UserFactory())
    response = client.post(_url(session), _form_data(course), follow=True)
    assert "liste d’attente (rang 1)" in response.content.decode()
    assert Registration.objects.filter(status="waitlisted").count() == 1


def test_registering_twice_gives_a_clear_message(client, course):
    session = fx.session(course)
    client.force_login(UserFactory())
    client.post(_url(session), _form_data(course))
    response = client.post(
        _url(session), _form_data(course, idempotency_key="une-autre-soumission-0002")
    )
    assert response.status_code == 200
    assert "Vous êtes déjà inscrit à cette session" in response.content.decode()
    assert Registration.objects.count() == 1


def test_cancelled_session_refuses_with_a_message(client, course):
    session = fx.session(course, status="cancelled")
    client.force_login(UserFactory())
    response = client.post(_url(session), _form_data(course))
    assert response.status_code == 200
    assert "Cette session a été annulée" in response.content.decode()


def test_private_session_is_forbidden_to_strangers_and_unknown_is_not_found(client, course):
    private = fx.session(course, is_private=True)
    client.force_login(UserFactory())
    assert client.get(_url(private)).status_code == 403  # not invited
    assert client.get("/fr/formation/sessions/424242/inscription/").status_code == 404


def test_after_registering_the_person_sees_the_status_in_their_space(client, course):
    session = fx.session(course)
    client.force_login(UserFactory())
    response = client.post(_url(session), _form_data(course), follow=True)
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == "/fr/formation/mes-inscriptions/"
    assert "Votre inscription est enregistrée" in text
    assert "En attente" in text or "Confirmée" in text


def test_the_form_offers_and_accepts_only_the_courses_price_options(course):
    from ocim.training.forms import RegistrationForm
    from ocim.training.models import CoursePriceOption

    CoursePriceOption.objects.create(page=course, label="Tarif réduit", amount="90", sort_order=9)
    other = fx.course(course.get_parent().specific, title="Autre formation")
    expected = list(CoursePriceOption.objects.filter(page=course).order_by("sort_order"))
    form = RegistrationForm(course=course.pk)
    loaded = list(form.fields["price_option"].loaded.values())
    assert loaded == expected and len(expected) >= 2
    for option, original in zip(loaded, expected, strict=True):
        assert (option.label, option.amount, option.page_id) == (
            original.label,
            original.amount,
            original.page_id,
        )
    assert [choice[1] for choice in form.fields["price_option"].choices] == [
        str(option) for option in expected
    ]
    data = _form_data(course, price_option=other.price_options.first().pk)
    form = RegistrationForm(data, course=course.pk)
    assert not form.is_valid() and "price_option" in form.errors
    form = RegistrationForm(_form_data(course, price_option=expected[-1].pk), course=course.pk)
    assert form.is_valid() and form.cleaned_data["price_option"] == expected[-1]
