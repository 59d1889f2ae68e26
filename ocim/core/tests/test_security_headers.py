import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt

from ocim.accounts.tests.factories import UserFactory
from ocim.core.middleware import SecurityHeadersMiddleware

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(response):
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def nonce_of(response):
    [nonce] = set(re.findall(r"'nonce-([A-Za-z0-9_-]+)'", response["Content-Security-Policy"]))
    return nonce


def assert_common_headers(response):
    for name, value in COMMON_HEADERS.items():
        assert response[name] == value, name
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in response


def assert_strict_public_policy(response):
    assert_common_headers(response)
    policy = directives(response)
    nonce = nonce_of(response)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "report-uri" not in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_public_page_has_the_strict_policy(client):
    with translation.override("fr"):
        url = reverse("core:search")
    response = client.get(url)

    assert response.status_code == 200
    assert_strict_public_policy(response)
    # The nonce templates receive is the one in the header.
    assert response.context["csp_nonce"] == nonce_of(response)
    assert response.wsgi_request.csp_nonce == nonce_of(response)


@pytest.mark.django_db
def test_a_404_has_the_headers(client):
    response = client.get("/fr/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert_strict_public_policy(response)


@pytest.mark.django_db
def test_healthz_has_the_headers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert_strict_public_policy(response)


@pytest.mark.django_db
def test_the_nonce_is_new_for_every_request(client):
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert nonce_of(first) != nonce_of(second)
    assert len(nonce_of(first)) >= 22  # at least 128 bits of randomness
    assert first.wsgi_request.csp_nonce == nonce_of(first)


@pytest.mark.django_db
def test_the_admin_login_page_renders_under_the_admin_policy(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert_common_headers(response)
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_the_admin_dashboard_renders_under_the_admin_policy(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert_common_headers(response)
    assert directives(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_https_requests_upgrade_insecure_subresources(client):
    response = client.get("/healthz", secure=True)

    assert "upgrade-insecure-requests" in directives(response)


def run_middleware(view, path="/fr/widget/"):
    request = RequestFactory().get(path)
    return SecurityHeadersMiddleware(view)(request)


def test_extra_sources_and_an_external_media_host_are_added(settings):
    settings.MEDIA_URL = "https://medias.ocim.fr/media/"
    settings.OCIM_CSP_EXTRA_SOURCES = {"frame-src": ["https://www.youtube-nocookie.com"]}

    policy = directives(run_middleware(lambda request: HttpResponse("ok")))

    assert policy["img-src"] == ["'self'", "data:", "https://medias.ocim.fr"]
    assert policy["media-src"] == ["'self'", "https://medias.ocim.fr"]
    assert policy["frame-src"] == ["'self'", "https://www.youtube-nocookie.com"]


def test_a_view_that_allows_framing_is_not_contradicted():
    response = run_middleware(xframe_options_exempt(lambda request: HttpResponse("widget")))

    assert "frame-ancestors" not in directives(response)
    assert "X-Frame-Options" not in response


def test_a_view_can_set_a_stricter_policy_of_its_own():
    def view(request):
        response = HttpResponse("{}", content_type="application/json")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = run_middleware(view)

    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
