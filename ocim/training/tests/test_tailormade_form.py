"""The public tailor-made request form: one request per submission, both e-mails, anti-abuse,
clear errors and nothing written on bad input."""

import pytest
from django.core import mail
from django.urls import reverse

from ocim.accounts.roles import role_group, roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import tailormade
from ocim.training.models import TailorMadeRequest

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"


@pytest.fixture
def course():
    return fx.course(fx.site_with_catalogue())


@pytest.fixture
def manager():
    roles_ensure()
    user = UserFactory(email="responsable@ocim.fr", preferred_language="fr")
    user.groups.add(role_group("training-manager"))
    return user


def _url():
    return reverse("training:tailormade_request")


def _data(**overrides):
    data = {
        "structure_name": "Muséum de Dijon",
        "structure_siret": "732 829 320 00074",
        "structure_address": "14 rue Jehan de Marville, 21000 Dijon",
        "contact_name": "Hélène Girard",
        "contact_job_title": "Directrice",
        "contact_email": "Helene.Girard@museum-dijon.fr",
        "contact_phone": "03 80 00 00 00",
        "topic": "Conservation préventive des textiles",
        "course": "",
        "description": "Douze agents doivent apprendre à manipuler les collections textiles.",
        "audience_size": "12",
        "wished_dates": "Printemps 2027",
        "place": "Dijon",
        "budget": "4500",
        "consent": "on",
        "website": "",
        "idempotency_key": "formulaire-sur-mesure-0001",
    }
    data.update(overrides)
    return data


def test_form_page_is_public_and_accessible(client, course):
    response = client.get(_url())
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("<fieldset") >= 4 and "<legend>" in text
    assert 'name="idempotency_key"' in text
    assert f'<option value="{course.pk}">' in text


def test_course_page_and_catalogue_link_to_the_form(client, course):
    page = client.get(course.url)
    catalogue = client.get(course.get_parent().url)
    expected = f'href="{_url()}?course={course.pk}"'
    assert expected in page.content.decode()
    assert f'href="{_url()}"' in catalogue.content.decode()
    # The course chosen on the course page is pre-selected.
    form = client.get(f"{_url()}?course={course.pk}").content.decode()
    assert f'<option value="{course.pk}" selected>' in form


def test_valid_request_is_recorded_and_both_emails_leave(
    client, course, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(), _data(course=str(course.pk)))
    assert response.status_code == 302
    assert response["Location"] == reverse("training:tailormade_thanks")
    item = TailorMadeRequest.objects.get()
    assert item.status == "new"
    assert item.course == course
    assert item.structure_siret == VALID_SIRET
    assert item.contact_email == "helene.girard@museum-dijon.fr"
    assert item.audience_size == 12 and str(item.budget) == "4500.00"
    assert item.consent_at is not None and item.status_changed_at is not None
    assert item.language == "fr" and item.user is None
    assert AuditLogEntry.objects.filter(action="training.tailormade.created").count() == 1
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["helene.girard@museum-dijon.fr", "responsable@ocim.fr"]
    notification = next(m for m in mail.outbox if m.to == ["responsable@ocim.fr"])
    admin_url = reverse("training_tailormade:detail", args=[item.pk])
    assert admin_url in notification.body
    assert admin_url in notification.alternatives[0][0]
    assert client.get(response["Location"]).status_code == 200


def test_acknowledgement_is_in_the_language_of_the_page(
    client, course, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("training:tailormade_request")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _data())
    item = TailorMadeRequest.objects.get()
    assert item.language == "en"
    with translation.override("en"):
        from django.utils.translation import gettext

        expected = gettext("To add information, simply reply to this e-mail.")
    assert expected in mail.outbox[0].body


def test_signed_in_person_is_prefilled_and_linked(client, course):
    user = UserFactory(employer_name="Musée de Bretagne")
    client.force_login(user)
    text = client.get(_url()).content.decode()
    assert f'value="{user.email}"' in text
    assert 'value="Musée de Bretagne"' in text
    client.post(_url(), _data())
    assert TailorMadeRequest.objects.get().user == user


def test_double_submission_creates_one_request(
    client, course, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_url(), _data())
        second = client.post(_url(), _data())
    assert first.status_code == second.status_code == 302
    assert TailorMadeRequest.objects.count() == 1
    assert len(mail.outbox) == 2  # one acknowledgement, one notification


def test_honeypot_writes_nothing_and_sends_nothing(
    client, course, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(), _data(website="http://spam.example"))
    assert response.status_code == 302  # the robot learns nothing
    assert TailorMadeRequest.objects.count() == 0
    assert mail.outbox == []


def test_throttle_refuses_after_the_limit_per_address(client, course):
    for n in range(tailormade.THROTTLE_LIMIT):
        response = client.post(_url(), _data(idempotency_key=f"cle-{n}"))
        assert response.status_code == 302
    response = client.post(_url(), _data(idempotency_key="cle-de-trop"))
    assert response.status_code == 429
    assert str(tailormade.TooManyRequests.default_message) in response.content.decode()
    assert TailorMadeRequest.objects.count() == tailormade.THROTTLE_LIMIT
    # Another address is not held back.
    response = client.post(_url(), _data(idempotency_key="autre-adresse"), REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("structure_name", ""),
        ("structure_siret", "73282932000075"),
        ("contact_name", ""),
        ("contact_email", ""),
        ("contact_email", "pas-une-adresse"),
        ("contact_phone", "appelez-moi"),
        ("topic", ""),
        ("course", "999999"),
        ("description", ""),
        ("audience_size", ""),
        ("audience_size", "0"),
        ("audience_size", "501"),
        ("audience_size", "douze"),
        ("budget", "-1"),
        ("budget", "beaucoup"),
        ("consent", ""),
    ],
)
def test_every_invalid_field_gets_a_message_and_nothing_is_written(
    client, course, manager, field, value, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(), _data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    text = response.content.decode()
    assert 'id="form-errors"' in text
    assert f'href="#id_{field}"' in text
    assert f'id="id_{field}_error"' in text
    assert TailorMadeRequest.objects.count() == 0
    assert mail.outbox == []


def test_service_refuses_bad_data_without_the_form():
    with pytest.raises(tailormade.TailorMadeInvalid) as error:
        tailormade.tailormade_request_create(
            data={"structure_name": "Musée", "audience_size": 900, "consent": False}
        )
    fields = error.value.extra["fields"]
    assert {"contact_name", "contact_email", "topic", "audience_size", "consent"} <= set(fields)
    assert TailorMadeRequest.objects.count() == 0
