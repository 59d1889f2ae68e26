import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Comment, Page, PageLogEntry, PageSubscription, Revision
from wagtail.users.models import UserProfile

from ocim.accounts.models import User
from ocim.accounts.services import user_data_export, user_delete
from ocim.accounts.tests.factories import UserFactory
from ocim.core import personal_data
from ocim.core.audit import audit_log
from ocim.core.models import AuditLogEntry

PASSWORD = "une phrase de passe solide"


@pytest.fixture
def rich_user(db):
    """A user with records in many of the registered models."""
    user = UserFactory(email="lucie.bernard@exemple.fr", first_name="Lucie")
    page = Page.objects.get(depth=2)
    page.owner = user
    page.save(update_fields=["owner"])
    revision = page.save_revision(user=user)
    PageLogEntry.objects.log_action(page, "wagtail.edit", user=user, revision=revision)
    Comment.objects.create(page=page, user=user, text="Une remarque", contentpath="title")
    PageSubscription.objects.create(page=page, user=user, comment_notifications=True)
    UserProfile.get_for_user(user)
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        object_repr="page",
        action_flag=ADDITION,
    )
    audit_log(action="core.concept.created", actor=user, obj=page)
    return user


def _rows_pointing_at(user):
    found = []
    for model, field in personal_data.user_relation_fields():
        if field.many_to_many:
            continue
        if model._default_manager.filter(**{f"{field.name}_id": user.pk}).exists():
            found.append(f"{model._meta.label}.{field.name}")
    return found


def test_export_contains_the_users_records(rich_user):
    data = user_data_export(user=rich_user)
    json.dumps(data)  # JSON-ready
    assert data["profile"]["email"] == "lucie.bernard@exemple.fr"
    assert data["profile"]["job_title"] == rich_user.job_title
    records = data["records"]
    assert [r["text"] for r in records["wagtailcore.Comment.user"]] == ["Une remarque"]
    assert records["wagtailcore.Revision.user"]
    assert records["wagtailcore.Page.owner"][0]["title"]
    assert records["wagtailcore.PageSubscription.user"]
    assert records["admin.LogEntry.user"]
    assert {"core.concept.created", "accounts.user.data_exported"} <= {
        r["action"] for r in records["core.AuditLogEntry.actor"]
    }
    assert "accounts.user.data_exported" in {
        r["action"] for r in records["core.AuditLogEntry.about_account"]
    }


def test_export_does_not_contain_other_peoples_records(rich_user):
    other = UserFactory()
    data = user_data_export(user=other)
    assert "wagtailcore.Comment.user" not in data["records"]
    assert data["profile"]["email"] == other.email


def test_delete_leaves_no_row_pointing_at_the_user_and_keeps_anonymised_audit(rich_user):
    user_id = rich_user.pk
    page = Page.objects.get(depth=2)
    user_delete(user=rich_user)
    assert not User.objects.filter(pk=user_id).exists()
    rich_user.pk = user_id
    assert _rows_pointing_at(rich_user) == []
    # Organisation's content stays, unlinked.
    page.refresh_from_db()
    assert page.owner_id is None
    assert Revision.objects.filter(object_id=str(page.pk), user__isnull=True).exists()
    assert PageLogEntry.objects.filter(page=page, user__isnull=True).exists()
    assert not Comment.objects.exists()
    # Evidence kept, without the person.
    entries = AuditLogEntry.objects.filter(
        action__in=["core.concept.created", "accounts.user.deleted"]
    )
    assert entries.count() == 2
    for entry in entries:
        assert entry.actor_id is None
        assert "lucie" not in (entry.actor_label + entry.object_repr).lower()
    deleted = AuditLogEntry.objects.get(action="accounts.user.deleted")
    assert deleted.object_repr == personal_data.DELETED_USER_LABEL


def test_delete_keeps_other_users_data(rich_user):
    other = UserFactory()
    audit_log(action="core.concept.created", actor=other)
    user_delete(user=rich_user)
    assert AuditLogEntry.objects.filter(actor=other).count() == 1


def test_download_button_and_attachment(client, rich_user):
    client.force_login(rich_user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:data_export") in profile
    assert client.get(reverse("accounts:data_export")).status_code == 405
    response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ocim-personal-data-')
    assert json.loads(response.content)["profile"]["email"] == rich_user.email
    assert AuditLogEntry.objects.filter(action="accounts.user.data_exported").exists()


def test_delete_account_view_needs_the_password(client, rich_user):
    client.force_login(rich_user)
    url = reverse("accounts:account_delete")
    assert 'autocomplete="current-password"' in client.get(url).content.decode()
    response = client.post(url, {"password": "pas le bon"})
    assert response.status_code == 400
    assert "incorrect" in response.content.decode()
    assert User.objects.filter(pk=rich_user.pk).exists()
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(email=rich_user.email).exists()
    assert "_auth_user_id" not in client.session
    # The confirmation message survives the logout and shows on the next page.
    assert "ont été supprimés" in client.get(reverse("accounts:login")).content.decode()


def test_every_installed_user_link_is_exercised_by_deletion(rich_user):
    # Sanity: the fixture really touched several registered models.
    touched = set(_rows_pointing_at(rich_user))
    assert {
        "wagtailcore.Comment.user",
        "wagtailcore.Revision.user",
        "admin.LogEntry.user",
        "core.AuditLogEntry.actor",
        "wagtailusers.UserProfile.user",
    } <= touched
    assert apps.get_model("wagtailcore", "Page").objects.filter(owner=rich_user).exists()
