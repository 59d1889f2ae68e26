import pytest

from ocim.accounts.models import User
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client


def _form(**changes):
    return {
        "email": "nouvelle@exemple.fr",
        "first_name": "Inès",
        "last_name": "Garnier",
        "job_title": "Chargée de mission",
        "employer_name": "Ocim",
        "preferred_language": "fr",
        "password1": "le musée ouvre à neuf heures",
        "password2": "le musée ouvre à neuf heures",
        **changes,
    }


def test_superuser_creates_a_user(admin_client):
    assert admin_client.get("/admin/users/new/").status_code == 200
    response = admin_client.post("/admin/users/new/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert user.job_title == "Chargée de mission"
    assert user.email_verified_at is not None
    assert user.check_password("le musée ouvre à neuf heures")


def test_duplicate_address_in_another_case_is_an_error_not_a_crash(admin_client):
    UserFactory(email="nouvelle@exemple.fr")
    response = admin_client.post("/admin/users/new/", _form(email="Nouvelle@Exemple.fr"))
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="nouvelle@exemple.fr").count() == 1


def test_superuser_edits_and_deletes_a_user(admin_client):
    user = UserFactory()
    url = f"/admin/users/edit/{user.pk}/"
    assert admin_client.get(url).status_code == 200
    data = _form(email=user.email, password1="", password2="", is_active="on")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.first_name == "Inès"
    response = admin_client.post(f"/admin/users/delete/{user.pk}/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    entry = AuditLogEntry.objects.get(action="accounts.user.deleted")
    assert entry.data == {"by": "staff"} or entry.object_repr == "deleted user"
