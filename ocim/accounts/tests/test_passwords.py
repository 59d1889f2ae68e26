import re

import pytest
from django.urls import reverse

from ocim.accounts.models import User
from ocim.core.models import AuditLogEntry

NEW = "le musée ouvre à neuf heures"


def _reset_link(client, committed, mailbox, email):
    with committed():
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    return re.search(r"http\S+", mailbox[-1].body).group(0).removeprefix("http://127.0.0.1:8000")


@pytest.mark.django_db
def test_reset_sets_a_new_password_and_logs_in_after(client, user, mailbox, committed):
    link = _reset_link(client, committed, mailbox, user.email.upper())
    assert "/fr/compte/mot-de-passe/nouveau/" in link
    response = client.get(link)  # Django moves the token into the session
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditLogEntry.objects.filter(action="accounts.user.password_reset").exists()
    # The link is single-use.
    assert client.get(link).status_code in (200, 400)
    assert "invalide" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_reset_request_does_not_reveal_unknown_addresses(client, mailbox, committed):
    with committed():
        response = client.post(reverse("accounts:password_reset"), {"email": "x@exemple.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailbox == []


@pytest.mark.django_db
def test_reset_with_weak_or_mismatched_passwords_shows_errors(client, user, mailbox, committed):
    link = _reset_link(client, committed, mailbox, user.email)
    form_url = client.get(link)["Location"]
    for data, message in [
        ({"new_password1": "Azerty123456!", "new_password2": "Azerty123456!"}, "trop courant"),
        ({"new_password1": NEW, "new_password2": NEW + "x"}, "ne correspondent pas"),
    ]:
        response = client.post(form_url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("une phrase de passe solide")


@pytest.mark.django_db
def test_tampered_reset_link_is_refused(client, user, mailbox, committed):
    link = _reset_link(client, committed, mailbox, user.email)
    response = client.get(link[:-3] + "zz/", follow=True)
    assert response.status_code == 400
    assert "invalide" in response.content.decode()


@pytest.mark.django_db
def test_reset_verifies_an_unverified_address(client, mailbox, committed):
    user = User.objects.create_user(email="nv@exemple.fr", password="ancien mot de passe long")
    link = _reset_link(client, committed, mailbox, user.email)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert user.email_verified_at is not None


@pytest.mark.django_db
def test_password_change(client, user):
    client.force_login(user)
    url = reverse("accounts:password_change")
    response = client.post(
        url, {"old_password": "faux", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 400
    assert "actuel est incorrect" in response.content.decode()
    response = client.post(
        url,
        {"old_password": "une phrase de passe solide", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditLogEntry.objects.filter(action="accounts.user.password_changed").exists()
    # Still signed in (session hash updated).
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_password_change_form_uses_autocomplete(client, user):
    client.force_login(user)
    text = client.get(reverse("accounts:password_change")).content.decode()
    assert 'autocomplete="current-password"' in text
    assert 'autocomplete="new-password"' in text


def test_login_logout(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email.upper(), "password": "une phrase de passe solide"},
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:logout")).status_code == 405  # POST only
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_account_created_by_staff_sets_its_first_password_by_reset(client, mailbox, committed):
    # Staff add a participant to a training: the account exists with no usable password.
    account = User.objects.create_user(email="nouvelle.venue@exemple.fr", password=None)
    assert not account.has_usable_password()
    link = _reset_link(client, committed, mailbox, account.email)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    account.refresh_from_db()
    assert account.check_password(NEW)
