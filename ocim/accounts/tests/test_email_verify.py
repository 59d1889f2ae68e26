import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from freezegun import freeze_time

from ocim.accounts.models import User
from ocim.accounts.services import email_verify, user_signup
from ocim.core.models import AuditLogEntry

PASSWORD = "le musée ouvre à neuf heures"


def _signup_link(outbox, committed):
    with committed():
        _signup(outbox)
    return re.search(r"http\S+", outbox[-1].body).group(0).removeprefix("http://127.0.0.1:8000")


def _signup(outbox):
    user_signup(
        email="jeanne@exemple.fr",
        password=PASSWORD,
        first_name="Jeanne",
        last_name="Roux",
        privacy_consent=True,
    )


@pytest.mark.django_db
def test_link_verifies_then_login_works(client, mailbox, committed):
    link = _signup_link(mailbox, committed)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get()
    assert user.email_verified_at is not None
    assert AuditLogEntry.objects.filter(action="accounts.user.email_verified").count() == 1
    # A second visit is harmless.
    assert client.get(link).status_code == 302
    assert AuditLogEntry.objects.filter(action="accounts.user.email_verified").count() == 1
    response = client.post(
        reverse("accounts:login"), {"username": "JEANNE@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_link_expires_after_three_days(client, mailbox, committed):
    with freeze_time("2026-01-10 12:00:00") as frozen:
        link = _signup_link(mailbox, committed)
        frozen.tick(3 * 24 * 3600 + 60)
        response = client.get(link)
    assert response.status_code == 400
    assert "expiré" in response.content.decode()
    assert User.objects.get().email_verified_at is None


@pytest.mark.django_db
def test_link_valid_just_before_three_days(mailbox, committed):
    with freeze_time("2026-01-10 12:00:00") as frozen:
        link = _signup_link(mailbox, committed)
        frozen.tick(3 * 24 * 3600 - 60)
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert email_verify(token=token).email_verified_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "garbage", lambda t: t + "a"]
)
def test_tampered_link_is_refused_with_a_resend_form(client, mailbox, committed, mangle):
    link = _signup_link(mailbox, committed)
    token = link.rstrip("/").rsplit("/", 1)[1]
    response = client.get(link.replace(token, mangle(token)))
    assert response.status_code == 400
    text = response.content.decode()
    assert "invalide" in text
    assert 'name="email"' in text
    assert User.objects.get().email_verified_at is None


@pytest.mark.django_db
def test_link_dies_when_the_address_changed(client, mailbox, committed):
    link = _signup_link(mailbox, committed)
    User.objects.update(email="autre@exemple.fr")
    assert client.get(link).status_code == 400


@pytest.mark.django_db
def test_resend_is_silent_and_sends_only_to_unverified_accounts(client, user, mailbox, committed):
    _signup_link(mailbox, committed)
    mailbox.clear()
    cache.clear()
    url = reverse("accounts:verification_resend")
    for email in ("jeanne@exemple.fr", user.email, "personne@exemple.fr"):
        with committed():
            response = client.post(url, {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:signup_done")
    assert [m.to for m in mailbox] == [["jeanne@exemple.fr"]]
    # At most one mail a minute per address.
    with committed():
        client.post(url, {"email": "jeanne@exemple.fr"})
    assert len(mailbox) == 1


@pytest.mark.django_db
def test_resend_with_a_bad_address_shows_the_form(client):
    response = client.post(reverse("accounts:verification_resend"), {"email": "nope"})
    assert response.status_code == 400
    assert "adresse de courriel valide" in response.content.decode()
