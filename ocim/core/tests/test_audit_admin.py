"""The audit log in the Wagtail admin: read-only, filterable, and only for those allowed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.audit import audit_log
from ocim.core.models import AuditLogEntry, Region

URL = "/admin/audit_log/"


def staff(*permissions):
    user = UserFactory(is_staff=True)
    codenames = ["access_admin", *permissions]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def entries(db):
    region = Region.objects.create(code="27", name="Bourgogne-Franche-Comté")
    actor = UserFactory(email="formatrice@exemple.fr")
    audit_log(action="training.registration.cancelled", actor=actor, obj=region, data={"n": 1})
    audit_log(action="core.thesaurus.loaded", data={"created": 203})
    old = audit_log(action="training.session.published", actor=actor)
    AuditLogEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    return actor


@pytest.mark.django_db
def test_staff_with_the_view_permission_sees_the_entries(client, entries):
    client.force_login(staff("view_auditlogentry"))

    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "training.registration.cancelled" in content
    assert "core.thesaurus.loaded" in content
    assert "formatrice@exemple.fr" in content
    assert "Bourgogne-Franche-Comté" in content
    assert "&quot;created&quot;: 203" in content or '"created": 203' in content


@pytest.mark.django_db
def test_staff_without_the_permission_is_refused(client, entries):
    client.force_login(staff())

    response = client.get(URL)

    assert response.status_code in (302, 403)
    assert "training.registration.cancelled" not in response.content.decode()
    if response.status_code == 302:
        assert "/admin/" in response["Location"]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, entries):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_superusers_see_it_and_nobody_can_edit_or_add(client, entries):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    entry = AuditLogEntry.objects.get(action="core.thesaurus.loaded")

    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}inspect/{entry.pk}/").status_code == 200
    for refused in (f"{URL}new/", f"{URL}edit/{entry.pk}/", f"{URL}delete/{entry.pk}/"):
        response = client.get(refused)
        assert response.status_code in (302, 403), refused
    response = client.post(f"{URL}delete/{entry.pk}/")
    assert AuditLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_filters_by_action_prefix_and_date_and_search(client, entries):
    client.force_login(staff("view_auditlogentry"))

    by_prefix = client.get(URL, {"action": "training."}).content.decode()
    assert "training.registration.cancelled" in by_prefix
    assert "training.session.published" in by_prefix
    assert "core.thesaurus.loaded" not in by_prefix

    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    recent = client.get(URL, {"action": "training.", "created_at_from": since}).content.decode()
    assert "training.registration.cancelled" in recent
    assert "training.session.published" not in recent
    older = client.get(URL, {"created_at_to": since}).content.decode()
    assert "training.session.published" in older
    assert "training.registration.cancelled" not in older

    searched = client.get(URL, {"q": "formatrice"}).content.decode()
    assert "training.registration.cancelled" in searched
    assert "core.thesaurus.loaded" not in searched
