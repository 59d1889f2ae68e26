"""The anonymous page cache: what it stores, whom it serves, when it forgets, and the CSP nonce."""

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.views.decorators.cache import never_cache
from wagtail.models import Locale, Page, PageViewRestriction, Site

from ocim.accounts.tests.factories import UserFactory
from ocim.core import page_cache
from ocim.core.middleware import SecurityHeadersMiddleware
from ocim.core.models import HomePage, OrganisationSettings, StandardPage

STATUS = page_cache.STATUS_HEADER


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.OCIM_PAGE_CACHE_SECONDS = 300
    settings.OCIM_PAGE_CACHE_BYPASS_CHECKS = []


@pytest.fixture
def home(db):
    """A home page as the default site's root (the demo site is much slower to build)."""
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    home = HomePage(title="Accueil", slug="accueil-cache", locale=locale)
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    OrganisationSettings.load()  # created on first use, which would forget the cache once
    return home


@pytest.fixture
def page(home):
    page = StandardPage(title="Nos ressources", slug="ressources-cache")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def nonce_in_body(response) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', response.content.decode()))


def nonce_in_header(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_the_middleware_sits_after_the_nonce_and_before_the_session():
    stack = django_settings.MIDDLEWARE
    position = stack.index("ocim.core.page_cache.PageCacheMiddleware")
    assert stack.index("ocim.core.middleware.SecurityHeadersMiddleware") < position
    assert position < stack.index("django.contrib.sessions.middleware.SessionMiddleware")


def test_a_second_anonymous_visit_is_served_from_the_cache_without_any_query(client, page):
    first = client.get("/fr/ressources-cache/")
    assert first.status_code == 200
    assert first[STATUS] == "stored"

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/fr/ressources-cache/")

    assert second.status_code == 200
    assert second[STATUS] == "hit"
    assert len(queries) == 0
    assert "Nos ressources" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "fr"
    assert int(second["Content-Length"]) == len(second.content)


def test_a_replayed_page_is_the_stored_page(client, page):
    first = client.get("/fr/ressources-cache/")
    second = client.get("/fr/ressources-cache/")

    assert second[STATUS] == "hit"
    assert second.content == first.content  # this page has no nonce in its body
    for header in ("Permissions-Policy", "X-Content-Type-Options", "X-Frame-Options", "Vary"):
        assert second[header] == first[header]
    assert nonce_in_header(second) != nonce_in_header(first)


def _nonce_page(request):
    """A page with an inline script, as a Wagtail page would render it (the hook marks it)."""
    setattr(request, page_cache._CACHEABLE, True)
    nonce = request.csp_nonce
    return HttpResponse(f'<script nonce="{nonce}">go()</script><p>{nonce}</p>')


def test_a_replayed_page_gets_a_fresh_nonce_matching_its_own_policy(rf, settings):
    stack = SecurityHeadersMiddleware(page_cache.PageCacheMiddleware(_nonce_page))

    first = stack(rf.get("/fr/avec-script/"))
    second = stack(rf.get("/fr/avec-script/"))

    assert first[STATUS] == "stored"
    assert second[STATUS] == "hit"
    assert nonce_in_body(first) == {nonce_in_header(first)}
    assert nonce_in_body(second) == {nonce_in_header(second)}
    assert nonce_in_header(second) != nonce_in_header(first)
    assert nonce_in_header(first) not in second.content.decode()  # everywhere in the body
    assert f"<p>{nonce_in_header(second)}</p>" in second.content.decode()


def test_head_is_answered_from_the_cache(client, page):
    client.get("/fr/ressources-cache/")
    assert client.head("/fr/ressources-cache/")[STATUS] == "hit"


def test_a_head_request_stores_nothing(client, page):
    client.head("/fr/ressources-cache/")
    assert client.get("/fr/ressources-cache/")[STATUS] == "stored"  # a miss: nothing was kept


def test_a_logged_in_reader_is_never_served_nor_stored(client, page):
    client.get("/fr/ressources-cache/")  # stored for anonymous readers
    client.force_login(UserFactory(first_name="Hortense", last_name="Vallin"))

    mine = client.get("/fr/ressources-cache/")
    assert STATUS not in mine
    assert mine.context is not None  # rendered for this reader

    client.logout()
    client.cookies.clear()
    anonymous = client.get("/fr/ressources-cache/")
    assert anonymous[STATUS] == "hit"
    assert "Hortense" not in anonymous.content.decode()


def test_a_logged_in_page_is_not_stored_for_anonymous_readers(client, page):
    client.force_login(UserFactory(first_name="Hortense", last_name="Vallin"))
    client.get("/fr/ressources-cache/")
    client.logout()
    client.cookies.clear()

    anonymous = client.get("/fr/ressources-cache/")
    assert anonymous[STATUS] == "stored"  # a miss: nothing was stored before
    assert "Hortense" not in anonymous.content.decode()


@pytest.mark.parametrize(
    "cookie",
    [django_settings.SESSION_COOKIE_NAME, "messages", django_settings.LANGUAGE_COOKIE_NAME],
)
def test_a_cookie_other_than_csrf_passes_the_cache_by(client, page, cookie):
    client.get("/fr/ressources-cache/")
    client.cookies[cookie] = "x"
    assert STATUS not in client.get("/fr/ressources-cache/")


def test_the_csrf_cookie_alone_does_not_pass_the_cache_by(client, page):
    client.get("/fr/ressources-cache/")
    client.cookies[django_settings.CSRF_COOKIE_NAME] = "a" * 32
    assert client.get("/fr/ressources-cache/")[STATUS] == "hit"


def test_a_query_string_passes_the_cache_by(client, page):
    client.get("/fr/ressources-cache/")
    assert STATUS not in client.get("/fr/ressources-cache/?utm_source=lettre")
    assert STATUS not in client.get("/fr/ressources-cache/", HTTP_AUTHORIZATION="Basic eDp5")


def test_publishing_a_change_shows_at_once(client, page):
    client.get("/fr/ressources-cache/")
    page.title = "Nos ressources documentaires"
    page.save_revision().publish()

    response = client.get("/fr/ressources-cache/")
    assert response[STATUS] == "stored"
    assert "Nos ressources documentaires" in response.content.decode()


def test_unpublishing_and_deleting_forget_the_page(client, page):
    client.get("/fr/ressources-cache/")
    page.unpublish()
    assert client.get("/fr/ressources-cache/").status_code == 404
    page.save_revision().publish()
    client.get("/fr/ressources-cache/")
    Page.objects.get(pk=page.pk).delete()
    assert client.get("/fr/ressources-cache/").status_code == 404


def test_saving_the_settings_forgets_every_page(client, page):
    client.get("/fr/ressources-cache/")
    org = OrganisationSettings.load()
    org.contact_email = "accueil@ocim.example"
    org.save()

    response = client.get("/fr/ressources-cache/")
    assert response[STATUS] == "stored"
    assert "accueil@ocim.example" in response.content.decode()


def test_a_404_is_not_stored(client, home):
    client.get("/fr/absente/")
    assert STATUS not in client.get("/fr/absente/")


@pytest.mark.parametrize("restriction", ["login", "password"])
def test_a_restricted_page_and_its_children_are_never_stored(client, page, restriction):
    child = StandardPage(title="Sous-page", slug="sous-page")
    page.add_child(instance=child)
    child.save_revision().publish()
    PageViewRestriction.objects.create(
        page=page, restriction_type=restriction, password="secret-de-test"
    )
    for path in ("/fr/ressources-cache/", "/fr/ressources-cache/sous-page/"):
        client.get(path)
        assert STATUS not in client.get(path)


def test_a_zero_lifetime_disables_the_cache(client, page, settings):
    settings.OCIM_PAGE_CACHE_SECONDS = 0
    client.get("/fr/ressources-cache/")
    assert STATUS not in client.get("/fr/ressources-cache/")


def test_each_language_and_host_has_its_own_key(rf):
    keys = {
        page_cache.cache_key(rf.get(path, HTTP_HOST=host))
        for path in ("/fr/lettre/", "/en/lettre/")
        for host in ("localhost", "127.0.0.1")
    }
    assert len(keys) == 4


def test_a_bypass_check_sends_the_reader_past_the_cache(client, page, settings):
    seen = []

    def check(request, *, exact):
        seen.append(exact)
        return request.META.get("REMOTE_ADDR") == "192.0.2.7"

    page_cache._bypass_checks.cache_clear()
    settings.OCIM_PAGE_CACHE_BYPASS_CHECKS = ["ocim.core.tests.test_page_cache.CHECK"]
    globals()["CHECK"] = check
    try:
        client.get("/fr/ressources-cache/", REMOTE_ADDR="192.0.2.7")
        assert client.get("/fr/ressources-cache/")[STATUS] == "stored"
        assert STATUS not in client.get("/fr/ressources-cache/", REMOTE_ADDR="192.0.2.7")
        assert True in seen and False in seen  # exact around the store, fast on the lookup
    finally:
        page_cache._bypass_checks.cache_clear()


# --- Which responses may be stored ------------------------------------------------------------


def _request():
    request = RequestFactory().get("/fr/x/")
    setattr(request, page_cache._CACHEABLE, True)
    return request


def test_storable_response_rules():
    request = _request()
    assert page_cache.response_is_storable(request, HttpResponse("ok"))

    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("csrftoken", "x")
    assert not page_cache.response_is_storable(request, with_cookie)

    assert not page_cache.response_is_storable(
        request, never_cache(lambda r: HttpResponse())(request)
    )
    assert not page_cache.response_is_storable(request, HttpResponse("ok", status=201))

    by_agent = HttpResponse("ok")
    by_agent["Vary"] = "Cookie, User-Agent"
    assert not page_cache.response_is_storable(request, by_agent)
    by_cookie = HttpResponse("ok")
    by_cookie["Vary"] = "Cookie, Accept-Encoding"
    assert page_cache.response_is_storable(request, by_cookie)

    private = HttpResponse("ok")
    private["Cache-Control"] = "private"
    assert page_cache.response_is_storable(request, private)

    unmarked = RequestFactory().get("/fr/x/")  # not a Wagtail page served by the hook
    assert not page_cache.response_is_storable(unmarked, HttpResponse("ok"))


def test_views_that_are_not_pages_are_never_stored(client, home):
    client.get("/fr/recherche/")
    assert STATUS not in client.get("/fr/recherche/")


def test_losing_the_version_keys_never_brings_back_an_older_page(client, page):
    from django.core.cache import cache

    client.get("/fr/ressources-cache/")
    page.title = "Nos ressources mises à jour"
    page.save_revision().publish()
    # The cache evicts both versions (memory pressure): the shell's comes back as 1.
    cache.delete_many([page_cache.SHELL_VERSION_KEY, page_cache.VERSION_KEY])

    response = client.get("/fr/ressources-cache/")
    assert response[STATUS] == "stored"
    assert "Nos ressources mises à jour" in response.content.decode()


def test_a_cache_that_fails_serves_pages_uncached(client, page, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", broken)
    response = client.get("/fr/ressources-cache/")
    assert response.status_code == 200
    assert STATUS not in response


def test_deleting_a_snippet_forgets_every_page(client, page):
    # Deletions are listened to model by model (snippets are registered after the apps are
    # ready): a snippet registered in a wagtail_hooks module is still heard.
    from ocim.publishing.models import Rubric

    rubric = Rubric.objects.create(name="Repères", slug="reperes-cache")
    client.get("/fr/ressources-cache/")
    assert client.get("/fr/ressources-cache/")[STATUS] == "hit"
    rubric.delete()
    assert client.get("/fr/ressources-cache/")[STATUS] == "stored"


def test_deleting_rows_of_a_neutral_model_keeps_the_pages_and_goes_in_bulk(client, page):
    # The watch declares its items and links neutral: their rows are deleted in one statement
    # per table, without loading them, and the cached pages stay.
    from django.utils import timezone

    from ocim.core.models import Concept
    from ocim.watch.models import Item, ItemConcept, Source

    source = Source.objects.create(title="Veille", url="https://veille.example.org/feed.xml")
    item = Item.objects.create(
        source=source, guid="g", title="Actualité", published_at=timezone.now(),
        first_seen_at=timezone.now(),
    )  # fmt: skip
    concepts = [
        Concept.objects.create(label_fr=f"Notion {n}", label_en=f"Notion {n}", slug=f"pc-{n}")
        for n in range(5)
    ]
    ItemConcept.objects.bulk_create(
        ItemConcept(item=item, concept=concept, origin="thesaurus") for concept in concepts
    )
    client.get("/fr/ressources-cache/")
    with CaptureQueriesContext(connection) as captured:
        Item.objects.filter(pk=item.pk).delete()
    assert not ItemConcept.objects.exists()
    # The links went by one DELETE, never read back row by row.
    assert not any(
        query["sql"].startswith("SELECT") and '"watch_itemconcept"' in query["sql"]
        for query in captured.captured_queries
    )
    assert client.get("/fr/ressources-cache/")[STATUS] == "hit"
