"""Territories in the Wagtail admin: any admin user may browse and search; nobody edits."""

import pytest
from django.contrib.auth.models import Permission

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import Commune
from ocim.core.services import territories_load

from .test_territories import write_geo_files


@pytest.fixture
def admin_user(db, tmp_path):
    territories_load(data_dir=write_geo_files(tmp_path / "geo-fr"))
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="access_admin"))
    return user


def test_admin_users_browse_regions_departments_and_communes(client, admin_user):
    client.force_login(admin_user)

    regions = client.get("/admin/region/")
    assert regions.status_code == 200
    assert "Bourgogne-Franche-Comté" in regions.content.decode()
    departments = client.get("/admin/department/results/", {"region": "27"})
    assert "Côte-d&#x27;Or" in departments.content.decode()
    assert "Loire" not in departments.content.decode()
    assert client.get("/admin/commune/inspect/42218/").status_code == 200


def test_commune_search_ignores_accents_and_accepts_postal_codes(client, admin_user):
    client.force_login(admin_user)

    by_name = client.get("/admin/commune/results/", {"q": "eveque"}).content.decode()
    assert "Pont-l&#x27;Évêque" in by_name
    assert "Dijon" not in by_name
    by_postal_code = client.get("/admin/commune/results/", {"q": "72300"}).content.decode()
    assert "Sablé-sur-Sarthe" in by_postal_code
    assert "Louailles" in by_postal_code
    assert "Dijon" not in by_postal_code


def test_nobody_edits_reference_data_not_even_a_superuser(client, admin_user):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for url in ("/admin/commune/new/", "/admin/commune/edit/42218/", "/admin/region/edit/27/"):
        assert client.get(url).status_code in (302, 403), url
    client.post("/admin/commune/delete/42218/")
    assert Commune.objects.filter(insee_code="42218").exists()


def test_visitors_without_admin_access_are_refused(client, admin_user):
    client.force_login(UserFactory())
    response = client.get("/admin/commune/")
    assert response.status_code in (302, 403)
    assert "Saint-Étienne" not in response.content.decode()
