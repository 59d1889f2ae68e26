"""Back office: subscriptions (permission-gated, audited), rubrics and authors as snippets."""

import datetime as dt

import pytest

from ocim.accounts.roles import roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.publishing.models import Subscription

from . import builders

pytestmark = pytest.mark.django_db

URL = "/admin/publishing_subscriptions/"


@pytest.fixture
def editor_client(client):
    groups = roles_ensure()
    user = UserFactory()
    user.groups.add(groups["editor"])
    client.force_login(user)
    client.user = user
    return client


def _form(**overrides):
    return {
        "kind": "institutional",
        "user": "",
        "institution_name": "Bibliothèque universitaire",
        "ip_ranges": "192.0.2.0/24\n2001:db8::/32",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "note": "",
        **overrides,
    }


def test_editor_creates_a_subscription_and_it_is_audited(editor_client):
    response = editor_client.post(URL + "new/", _form())
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.institution_name == "Bibliothèque universitaire"
    entry = AuditLogEntry.objects.get(action="publishing.subscription.created")
    assert entry.actor == editor_client.user
    assert entry.object_id == str(subscription.pk)


def test_bad_ranges_or_dates_write_nothing(editor_client):
    response = editor_client.post(URL + "new/", _form(ip_ranges="192.0.2.0/24\nnimporte"))
    assert response.status_code == 200
    assert "nimporte" in response.content.decode()
    response = editor_client.post(URL + "new/", _form(ends_on="2024-01-01"))
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not AuditLogEntry.objects.filter(action__startswith="publishing.").exists()


def test_edit_and_delete_are_audited(editor_client):
    subscription = builders.institutional_subscription(
        "192.0.2.0/24", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    response = editor_client.post(URL + f"edit/{subscription.pk}/", _form(ends_on="2026-06-30"))
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.ends_on == dt.date(2026, 6, 30)
    response = editor_client.post(URL + f"delete/{subscription.pk}/")
    assert response.status_code == 302
    assert not Subscription.objects.exists()
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"publishing.subscription.changed", "publishing.subscription.deleted"} <= actions


def test_subscriptions_need_the_permission(client):
    groups = roles_ensure()
    trainer = UserFactory()
    trainer.groups.add(groups["trainer"])  # reaches the admin, but not the subscriptions
    client.force_login(trainer)
    # Wagtail sends an admin user without the permission back to the dashboard.
    for response in (client.get(URL), client.post(URL + "new/", _form())):
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert not Subscription.objects.exists()


def test_editor_lists_rubrics_and_authors(editor_client):
    builders.rubric("Observatoire", sort_order=20)
    builders.person(last_name="Durand")
    assert (
        "Observatoire" in editor_client.get("/admin/snippets/publishing/rubric/").content.decode()
    )
    assert "Durand" in editor_client.get("/admin/snippets/publishing/person/").content.decode()


def test_editor_roles_have_the_model_permissions():
    groups = roles_ensure()
    for key in ("editor", "editor-in-chief"):
        user = UserFactory()
        user.groups.add(groups[key])
        for model in ("rubric", "person", "subscription"):
            for action in ("view", "add", "change", "delete"):
                assert user.has_perm(f"publishing.{action}_{model}"), (key, action, model)
    member = UserFactory()
    assert not member.has_perm("publishing.view_subscription")
