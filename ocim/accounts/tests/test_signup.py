import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from ocim.accounts.models import User
from ocim.accounts.services import user_signup
from ocim.core.errors import ApplicationError
from ocim.core.models import AuditLogEntry

GOOD = {
    "email": "Claire.Martin@Exemple.fr",
    "first_name": "Claire",
    "last_name": "Martin",
    "job_title": "Médiatrice scientifique",
    "employer_name": "Muséum de Dijon",
    "password1": "le musée ouvre à neuf heures",
    "password2": "le musée ouvre à neuf heures",
    "privacy_consent": "on",
}


def _post(client, committed=None, **changes):
    data = {**GOOD, **changes}
    if committed is not None:
        with committed():
            return _post(client, **changes)
    return client.post(reverse("accounts:signup"), {k: v for k, v in data.items() if v is not None})


@pytest.mark.django_db
def test_signup_creates_an_unverified_account_and_mails_a_link(client, mailbox, committed):
    response = _post(client, committed)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get(email__iexact="claire.martin@exemple.fr")
    assert user.email_verified_at is None
    assert user.privacy_consent_at is not None
    assert user.employer_name == "Muséum de Dijon"
    assert user.preferred_language == "fr"
    assert AuditLogEntry.objects.filter(action="accounts.user.signed_up", object_id=str(user.pk))
    assert len(mailbox) == 1
    message = mailbox[0]
    assert message.to == [user.email]
    assert "Confirmez" in message.subject
    html = message.alternatives[0][0]
    assert "/fr/compte/confirmation/" in message.body and "/fr/compte/confirmation/" in html
    assert 'lang="fr"' in html


@pytest.mark.django_db
def test_signup_in_english_mails_in_english(client, mailbox, committed):
    with translation.override("en"):
        url = reverse("accounts:signup")
    assert url == "/en/account/sign-up/"
    with committed():
        client.post(url, GOOD)
    assert User.objects.get().preferred_language == "en"
    assert mailbox[0].subject.startswith("Confirm your e-mail address")
    assert "/en/account/confirm/" in mailbox[0].body


@pytest.mark.django_db
def test_unverified_user_cannot_log_in_and_is_told_how_to_resend(client):
    _post(client)
    response = client.post(
        reverse("accounts:login"),
        {"username": "claire.martin@exemple.fr", "password": GOOD["password1"]},
    )
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "pas encore confirmée" in text
    assert reverse("accounts:verification_resend") in text


@pytest.mark.django_db
def test_existing_address_gets_the_same_answer_and_a_notice_to_its_owner(
    client, user, mailbox, committed
):
    response = _post(client, committed, email=user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    assert len(mailbox) == 1
    assert mailbox[0].to == [user.email]
    assert "mot de passe" in mailbox[0].body.lower()
    assert "/fr/compte/connexion/" in mailbox[0].body


@pytest.mark.django_db
def test_existing_unverified_address_gets_a_new_link(client, mailbox, committed):
    user_signup(
        email="a@exemple.fr",
        password="x" * 20,
        first_name="A",
        last_name="B",
        privacy_consent=True,
    )
    mail.outbox.clear()
    from django.core.cache import cache

    cache.clear()  # past the one-mail-a-minute cooldown
    _post(client, committed, email="A@exemple.fr")
    assert len(mailbox) == 1
    assert "/fr/compte/confirmation/" in mailbox[0].body


def test_service_requires_consent(db):
    with pytest.raises(ApplicationError):
        user_signup(
            email="a@exemple.fr",
            password="x" * 20,
            first_name="A",
            last_name="B",
            privacy_consent=False,
        )
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "adresse de courriel valide"),
        ({"password2": "autre chose de long"}, "password2", "ne correspondent pas"),
        ({"password1": "court", "password2": "court"}, "password1", "trop court"),
        ({"password1": "Azerty123456!", "password2": "Azerty123456!"}, "password1", "trop courant"),
        ({"privacy_consent": None}, "privacy_consent", "accepter la politique"),
        ({"first_name": "x" * 151}, "first_name", "au plus 150"),
        ({"employer_name": "x" * 300}, "employer_name", "au plus 255"),
        ({"first_name": ""}, "first_name", "obligatoire"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_clear_message(
    client, committed, changes, field, message
):
    response = _post(client, committed, **changes)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    # Error summary links to the field; the field points at its error.
    assert f'href="#id_{field}"' in text
    assert re.search(rf'id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}_error', text) or (
        re.search(rf'aria-describedby="[^"]*id_{field}_error[^"]*"[^>]*id="id_{field}"', text)
    )
    assert not User.objects.exists()
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_signup_form_is_accessible(client):
    text = client.get(reverse("accounts:signup")).content.decode()
    for name, autocomplete in [
        ("email", "email"),
        ("first_name", "given-name"),
        ("last_name", "family-name"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]:
        assert f'<label for="id_{name}">' in text
        assert re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*id="id_{name}"', text) or (
            re.search(rf'<input[^>]*id="id_{name}"[^>]*autocomplete="{autocomplete}"', text)
        )
    assert 'id="id_password1_helptext"' in text
    assert "12 caractères" in text
