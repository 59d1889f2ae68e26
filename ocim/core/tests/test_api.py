"""The platform API (django-ninja): mounting, routers of the domain apps, errors, docs."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import ConfigError

from ocim.core.api import api

pytestmark = pytest.mark.django_db


def test_the_api_is_served_at_api_v1_with_its_schema():
    assert reverse("api:openapi-json") == "/api/v1/openapi.json"
    assert api.title == "Ocim API" and api.version == "1" and api.urls_namespace == "api"


def test_domain_routers_are_added_before_the_urlconf_is_built():
    # Added from the apps' ready(): their operations have URLs...
    assert reverse("api:publishing_issue_list") == "/api/v1/publishing/issues/"
    # ...and once the URLconf is built, a late router cannot be added silently.
    with pytest.raises(ConfigError):
        api.add_router("/late/", Router())


def test_the_schema_is_valid_json_with_unique_operation_ids(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert (schema["info"]["title"], schema["info"]["version"]) == ("Ocim API", "1")
    operation_ids = [
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    ]
    assert operation_ids and len(operation_ids) == len(set(operation_ids))
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/unknown/", "/api/v1/x/y/z/"])
def test_unknown_paths_get_a_json_404_in_the_callers_language(client, url):
    french = client.get(url)
    assert french.status_code == 404
    assert french.json() == {"error": _("Not found."), "status": 404}
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"error": "Not found.", "status": 404}


def test_the_docs_page_never_loads_scripts_from_elsewhere(client):
    """Swagger UI from a CDN would be blocked by our Content-Security-Policy: the docs page is
    only served with ninja's bundled assets (from our origin), otherwise not at all."""
    response = client.get("/api/v1/docs", follow=True)
    if "ninja" in settings.INSTALLED_APPS:
        assert response.status_code == 200
        assert b"cdn.jsdelivr" not in response.content
        assert b"<script>" not in response.content  # no inline script: the CSP has a nonce
    else:
        assert response.status_code == 404
        assert response.json()["status"] == 404
