import html

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from ocim.accounts import throttling
from ocim.accounts.forms import LoginForm
from ocim.core.models import AuditLogEntry

PASSWORD = "une phrase de passe solide"


WRONG = "mauvais mot de passe"


def _login(client, email, password=WRONG, ip="203.0.113.7"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_delay_doubles_after_the_threshold_and_is_capped():
    t = throttling.ACCOUNT_THRESHOLD
    assert throttling.delay_for(t - 1, t) == 0
    assert throttling.delay_for(t, t) == throttling.BASE_DELAY
    assert throttling.delay_for(t + 1, t) == 2 * throttling.BASE_DELAY
    assert throttling.delay_for(t + 2, t) == 4 * throttling.BASE_DELAY
    assert throttling.delay_for(t + 50, t) == throttling.MAX_DELAY == 15 * 60


def test_account_dimension_waits_grow_then_expire(db):
    with freeze_time("2026-03-02 10:00:00") as frozen:
        for _ in range(throttling.ACCOUNT_THRESHOLD - 1):
            throttling.record_failure(email="Marie@exemple.fr", ip=None)
        assert throttling.wait_seconds(email="marie@exemple.fr", ip=None) == 0
        assert throttling.record_failure(email="marie@exemple.fr", ip=None) is True
        assert throttling.wait_seconds(email="MARIE@exemple.fr", ip=None) == 15
        frozen.tick(15)
        assert throttling.wait_seconds(email="marie@exemple.fr", ip=None) == 0
        throttling.record_failure(email="marie@exemple.fr", ip=None)
        assert throttling.wait_seconds(email="marie@exemple.fr", ip=None) == 30
        # Another address from nowhere is not affected.
        assert throttling.wait_seconds(email="paul@exemple.fr", ip=None) == 0
        for _ in range(20):
            throttling.record_failure(email="marie@exemple.fr", ip=None)
        assert throttling.wait_seconds(email="marie@exemple.fr", ip=None) == 15 * 60
        # No permanent lockout: an hour without failures and everything is forgotten.
        frozen.tick(throttling.FORGET_AFTER + 1)
        assert throttling.wait_seconds(email="marie@exemple.fr", ip=None) == 0
        throttling.record_failure(email="marie@exemple.fr", ip=None)
        assert throttling.wait_seconds(email="marie@exemple.fr", ip=None) == 0


def test_ip_dimension_across_many_addresses(db):
    with freeze_time("2026-03-02 10:00:00"):
        for n in range(throttling.IP_THRESHOLD):
            throttling.record_failure(email=f"personne{n}@exemple.fr", ip="198.51.100.4")
        assert throttling.wait_seconds(email="nouvelle@exemple.fr", ip="198.51.100.4") == 15
        assert throttling.wait_seconds(email="nouvelle@exemple.fr", ip="198.51.100.5") == 0


def test_wait_message_says_how_long(settings):
    from django.utils import translation

    with translation.override("en"):
        assert "2 minutes" in throttling.wait_message(90)
        assert "45 seconds" in throttling.wait_message(45)
    with translation.override("fr"):
        assert "2 minutes" in throttling.wait_message(90)
        assert "veuillez patienter" in throttling.wait_message(90)


@pytest.mark.django_db
def test_login_view_refuses_even_the_right_password_during_a_wait(client, user):
    with freeze_time("2026-03-02 10:00:00") as frozen:
        for _ in range(throttling.ACCOUNT_THRESHOLD):
            response = _login(client, user.email)
            assert response.status_code == 200
        response = _login(client, user.email, PASSWORD)
        assert "_auth_user_id" not in client.session
        assert "15" in response.content.decode()
        assert AuditLogEntry.objects.filter(action="accounts.user.login_throttled").exists()
        frozen.tick(16)
        response = _login(client, user.email, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)
        # Success forgot the account's failures.
        assert throttling.wait_seconds(email=user.email, ip=None) == 0


@pytest.mark.django_db
def test_unknown_and_known_addresses_get_the_same_messages(client, user):
    with freeze_time("2026-03-02 10:00:00"), translation.override("fr"):
        expected = html.escape(throttling.wait_message(15))
        for email, ip in ((user.email, "192.0.2.1"), ("inconnu@exemple.fr", "192.0.2.2")):
            for _ in range(throttling.ACCOUNT_THRESHOLD):
                text = _login(client, email, ip=ip).content.decode()
                assert html.escape(str(LoginForm.error_messages["invalid_login"])) in text
            assert expected in _login(client, email, ip=ip).content.decode()


@pytest.mark.django_db
def test_admin_login_is_throttled_too(client, user):
    with freeze_time("2026-03-02 10:00:00"):
        for _ in range(throttling.ACCOUNT_THRESHOLD):
            client.post("/admin/login/", {"username": user.email, "password": "faux"})
        client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
        assert "_auth_user_id" not in client.session
