"""Readers follow the magazine from its page: POST only, CSRF-checked, logged-in readers only,
idempotent and audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.publishing.follows import magazine_follow_start, magazine_follow_stop
from ocim.publishing.models import MagazineFollow

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


@pytest.fixture
def reader():
    return UserFactory()


def _url(magazine):
    return reverse("publishing:magazine_follow", args=[magazine.pk])


def test_the_magazine_page_offers_anonymous_readers_to_log_in(client, magazine):
    html = client.get(magazine.url).content.decode()
    assert 'id="follow-login-link"' in html
    assert 'id="follow-form"' not in html


def test_a_reader_follows_then_stops_following_from_the_magazine_page(client, magazine, reader):
    client.force_login(reader)
    html = client.get(magazine.url).content.decode()
    assert 'id="follow-form"' in html and 'value="follow"' in html

    response = client.post(_url(magazine), {"action": "follow"}, follow=True)
    assert response.redirect_chain[0][0] == magazine.url + "#follow"
    assert MagazineFollow.objects.filter(magazine=magazine, user=reader).count() == 1
    html = response.content.decode()
    assert _("You follow the magazine.") in html and 'value="unfollow"' in html
    entry = AuditLogEntry.objects.get(action="publishing.follow.started")
    assert entry.actor_id == reader.pk

    client.post(_url(magazine), {"action": "unfollow"})
    assert not MagazineFollow.objects.filter(magazine=magazine, user=reader).exists()
    assert AuditLogEntry.objects.filter(action="publishing.follow.stopped").count() == 1


def test_following_twice_is_harmless_and_audited_once(client, magazine, reader):
    client.force_login(reader)
    for _attempt in range(2):
        assert client.post(_url(magazine), {"action": "follow"}).status_code == 302
    assert MagazineFollow.objects.filter(magazine=magazine, user=reader).count() == 1
    assert AuditLogEntry.objects.filter(action="publishing.follow.started").count() == 1
    for _attempt in range(2):
        assert client.post(_url(magazine), {"action": "unfollow"}).status_code == 302
    assert AuditLogEntry.objects.filter(action="publishing.follow.stopped").count() == 1


def test_the_services_say_whether_anything_changed(magazine, reader):
    assert magazine_follow_start(user=reader, magazine=magazine) is True
    assert magazine_follow_start(user=reader, magazine=magazine) is False
    assert magazine_follow_stop(user=reader, magazine=magazine) is True
    assert magazine_follow_stop(user=reader, magazine=magazine) is False


def test_anonymous_readers_are_sent_to_log_in(client, magazine):
    response = client.post(_url(magazine), {"action": "follow"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not MagazineFollow.objects.exists()


def test_follow_needs_a_post(client, magazine, reader):
    client.force_login(reader)
    assert client.get(_url(magazine)).status_code == 405
    assert not MagazineFollow.objects.exists()


def test_follow_is_csrf_protected(magazine, reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(_url(magazine), {"action": "follow"}).status_code == 403
    assert not MagazineFollow.objects.exists()


def test_an_unknown_action_is_a_bad_request(client, magazine, reader):
    client.force_login(reader)
    assert client.post(_url(magazine), {"action": "subscribe"}).status_code == 400
    assert client.post(_url(magazine)).status_code == 400
    assert not MagazineFollow.objects.exists()


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_an_unknown_magazine_is_not_found(client, magazine, reader, pk):
    client.force_login(reader)
    url = reverse("publishing:magazine_follow", args=[123456789]).replace("123456789", pk)
    response = client.post(url, {"action": "follow"})
    assert response.status_code == 404


def test_a_draft_magazine_cannot_be_followed(client, magazine, reader):
    magazine.unpublish()
    client.force_login(reader)
    assert client.post(_url(magazine), {"action": "follow"}).status_code == 404


def test_following_from_the_account_page_comes_back_to_it(client, magazine, reader):
    client.force_login(reader)
    response = client.post(_url(magazine), {"action": "follow", "next": "account"})
    assert response["Location"] == reverse("accounts:profile")
    response = client.post(_url(magazine), {"action": "follow", "next": "https://evil.example/"})
    assert response["Location"] == magazine.url + "#follow"
