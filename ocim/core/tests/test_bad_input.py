"""Bad input never produces a 500: search queries, page numbers, language prefixes, oversized
bodies, and the error pages themselves."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from ocim.core import views
from ocim.core.models import HomePage
from ocim.urls import urlpatterns as site_urlpatterns

# --- A URLconf for this module: the real site plus views that fail on purpose ---------------


def _boom(request):
    raise RuntimeError("broken on purpose")


def _forbidden(request):
    raise PermissionDenied


def _suspicious(request):
    raise SuspiciousOperation("tampered input")


def _reads_post(request):
    return HttpResponse(str(len(request.POST)))


urlpatterns = [
    path("test/boom/", _boom),
    path("test/forbidden/", _forbidden),
    path("test/suspicious/", _suspicious),
    path("test/form/", _reads_post),
    *site_urlpatterns,
]
handler400 = "ocim.core.views.bad_request"
handler403 = "ocim.core.views.permission_denied"
handler404 = "ocim.core.views.page_not_found"
handler500 = "ocim.core.views.server_error"


@pytest.fixture
def indexed_page(db):
    """One live French page in the search index."""
    from wagtail.models import Locale, Page, Site

    root = Page.get_first_root_node()
    home = HomePage(
        title="Accueil", slug="accueil-essai", locale=Locale.objects.get(language_code="fr")
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(root_page=home)
    return home


# --- Search queries and page numbers -----------------------------------------------------------

WEIRD_QUERIES = [
    "a" * 5000,  # far beyond the limit
    "musée\x00patrimoine",  # null byte
    "\x00",
    "\x07\x1b[31m",  # control characters
    "🦕🔭 🏛️",  # emoji
    "مرحبا بالعالم",  # right-to-left script
    "e\u0301\u0301\u0301",  # stacked combining accents
    "\u202e\u200b\ufeff",  # direction override, zero-width characters
    '"unbalanced',  # full-text syntax
    "NEAR(a b) AND OR NOT * ^ - + : ( ) { }",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00%ff%fe",
    "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"),
]


def test_weird_queries_never_fail(client, indexed_page):
    for query in WEIRD_QUERIES:
        response = client.get("/fr/recherche/", {"q": query})

        assert response.status_code == 200, repr(query)
        assert b"<script>alert(1)</script>" not in response.content


def test_too_long_query_explains_the_limit(client, indexed_page):
    response = client.get("/fr/recherche/", {"q": "a" * 201})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Votre recherche est trop longue : utilisez au plus 200 caractères." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_q-errors"' in html


def test_null_byte_in_raw_query_string(client, indexed_page):
    response = client.get("/fr/recherche/?q=mus%00ee&page=%00")

    assert response.status_code == 200
    assert "caractères non autorisés" in response.content.decode()


def test_bad_page_numbers_fall_back_to_a_real_page(client, indexed_page):
    for page in ["abc", "-1", "0", "99999", "1" * 400, "1.5", "1e3", "", "%00", "２"]:
        response = client.get("/fr/recherche/", {"q": "accueil", "page": page})

        assert response.status_code == 200, page
        page_obj = response.context["page_obj"]
        assert page_obj.paginator.count == 1
        assert page_obj.number == 1, page


def test_query_without_words_reports_no_result(client, indexed_page):
    response = client.get("/fr/recherche/", {"q": "?!… ---"})

    assert response.status_code == 200
    assert "Aucun résultat pour « ?!… --- »" in response.content.decode()


def test_search_refuses_other_methods(client, indexed_page):
    assert client.post("/fr/recherche/", {"q": "x"}).status_code == 405


# --- Unknown language prefixes and paths ------------------------------------------------------


@pytest.mark.parametrize("url", ["/de/", "/xx/", "/de/recherche/", "/zz-top/a/b/", "/fr/nope/"])
def test_unknown_language_prefixes_give_the_404_page(client, indexed_page, url):
    response = client.get(url, follow=True)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html or "Page not found" in html
    assert '<main id="content"' in html


def test_404_page_links_languages_to_home_pages(client, indexed_page):
    html = client.get("/fr/nulle-part/").content.decode()

    assert 'href="/en/" lang="en" hreflang="en"' in html
    assert 'rel="alternate"' not in html
    assert '<meta name="robots" content="noindex">' in html


# --- Error pages ---------------------------------------------------------------------------


def test_server_error_page_needs_no_database():
    # No `db` fixture: pytest-django makes any query fail, as a down database would.
    response = views.server_error(RequestFactory().get("/fr/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Error 500" in html or "Erreur 500" in html
    assert "/static/css/site.css" in html
    assert '<main id="content"' in html


def test_server_error_page_makes_no_query(db):
    with CaptureQueriesContext(connection) as queries:
        views.server_error(RequestFactory().get("/fr/"))
    assert len(queries) == 0


@pytest.mark.urls(__name__)
def test_unhandled_exception_gives_the_500_page(client, indexed_page):
    client.raise_request_exception = False

    response = client.get("/test/boom/")

    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.content.decode()


@pytest.mark.urls(__name__)
def test_permission_denied_gives_the_403_page(client, indexed_page):
    response = client.get("/test/forbidden/")

    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.urls(__name__)
def test_suspicious_request_gives_the_400_page(client, indexed_page):
    response = client.get("/test/suspicious/")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Requête incorrecte" in html
    assert "trop volumineux" not in html


@pytest.mark.urls(__name__)
def test_oversized_form_body_gives_a_clear_400(client, indexed_page, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post("/test/form/", {"text": "x" * 5000})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce que vous avez envoyé est trop volumineux" in html
    assert "1,0\xa0Kio pour un formulaire" in html


def test_oversized_body_caught_by_csrf_check_gives_a_clear_400(indexed_page, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post("/fr/recherche/", {"q": "x" * 5000})

    assert response.status_code == 400
    assert "Ce que vous avez envoyé est trop volumineux" in response.content.decode()


def test_csrf_failure_page_explains_what_to_do(indexed_page):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/fr/recherche/", {"q": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Ce formulaire a expiré" in html
    assert '<html lang="fr"' in html
