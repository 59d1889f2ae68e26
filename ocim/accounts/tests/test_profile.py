import pytest
from django.urls import reverse
from django.utils.html import escape

from ocim.accounts.services import profile_update
from ocim.core.errors import ApplicationError
from ocim.core.models import AuditLogEntry


def test_profile_requires_login(client, db):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_shows_and_edits(client, user):
    # Fixed starting values: a random French first name could already be "Anne".
    user.first_name, user.employer_name, user.preferred_language = "Marcelle", "Muséum", "fr"
    user.save()
    client.force_login(user)
    text = client.get(reverse("accounts:profile")).content.decode()
    # Faker job titles may hold an apostrophe, which the template escapes.
    assert user.email in text and escape(user.job_title) in text
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "first_name": "Anne",
            "last_name": "Lefèvre",
            "job_title": "Régisseuse des collections",
            "employer_name": "Musée des Confluences",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.employer_name, user.preferred_language) == (
        "Anne",
        "Musée des Confluences",
        "en",
    )
    entry = AuditLogEntry.objects.get(action="accounts.user.profile_updated")
    assert set(entry.data["fields"]) >= {"first_name", "employer_name", "preferred_language"}


def test_profile_bad_input(client, user):
    client.force_login(user)
    before = user.first_name
    response = client.post(
        reverse("accounts:profile_edit"),
        {"first_name": "", "last_name": "x" * 200, "preferred_language": "de"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Champ requis" in text and "au plus 150" in text
    user.refresh_from_db()
    assert user.first_name == before


def test_profile_update_without_change_writes_nothing(user):
    profile_update(user=user, first_name=user.first_name)
    assert not AuditLogEntry.objects.exists()
    with pytest.raises(ApplicationError):
        profile_update(user=user, preferred_language="de")
