"""Page types, page rendering and the site shell (header, menu, language switcher, footer)."""

import re

from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template
from django.test import RequestFactory, TestCase
from wagtail.models import Locale, Page, Site
from wagtail.test.utils import WagtailPageTestCase

from ocim.accounts.tests.factories import UserFactory
from ocim.core.demo import demo_site_ensure
from ocim.core.models import HomePage, StandardPage


class PageTypeRulesTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_children_are_the_types_that_ask_for_it(self):
        # Core names no domain app: each index page declares HomePage as its parent, and
        # nothing else may land under the home page.
        allowed = set(HomePage.creatable_subpage_models())
        assert StandardPage in allowed
        for model in allowed:
            assert "core.homepage" in [
                f"{parent._meta.app_label}.{parent._meta.model_name}"
                for parent in model.allowed_parent_page_models()
            ]
            assert model.parent_page_types, f"{model.__name__} must declare its parents"

    def test_standard_pages_nest_under_home_or_standard_pages(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_one_home_page_per_parent(self):
        root = Page.get_first_root_node()
        assert HomePage.can_create_at(root)
        root.add_child(instance=HomePage(title="Accueil", slug="accueil-test"))
        # Other languages get their home page through translation, not a second creation.
        assert not HomePage.can_create_at(Page.objects.get(pk=root.pk))


class ShellTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()
        cls.en = Locale.objects.get(language_code="en")
        cls.home_fr = Site.objects.get(is_default_site=True).root_page.specific
        cls.home_en = cls.home_fr.get_translation(cls.en)
        cls.edition = StandardPage.objects.get(slug="edition")

    def get_html(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content.decode()

    def test_every_demo_page_renders_in_both_languages(self):
        for page in Page.objects.live().filter(depth__gte=2):
            with self.subTest(url=page.url):
                html = self.get_html(page.url)
                assert "<h1" in html and page.title.split(" ")[0] in html

    def test_shell_landmarks_and_skip_link(self):
        html = self.get_html("/fr/edition/")
        assert '<a class="skip-link" href="#content">Aller au contenu</a>' in html
        assert '<main id="content"' in html
        assert '<header class="site-header">' in html
        assert '<footer class="site-footer">' in html
        assert 'aria-label="Menu principal"' in html
        assert 'role="search"' in html
        # No inline style or script: the CSP forbids them.
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)

    def test_main_menu_lists_missions_and_marks_the_current_one(self):
        html = self.get_html("/fr/edition/")
        nav = html.split('aria-label="Menu principal"')[1].split("</nav>")[0]
        assert '<a href="/fr/edition/" aria-current="page">Édition</a>' in nav
        assert '<a href="/fr/formation/">Formation</a>' in nav
        assert '<a href="/fr/observation/">Observation</a>' in nav
        # Legal pages are not in the menu.
        assert "mentions-legales" not in nav

    def test_breadcrumb_on_subpages_not_on_home(self):
        html = self.get_html("/en/publishing/")
        crumb = html.split('class="breadcrumb"')[1].split("</nav>")[0]
        assert '<a href="/en/">Home</a>' in crumb
        assert '<li aria-current="page">Publishing</li>' in crumb
        home_crumb = self.get_html("/en/").split('class="breadcrumb"')[1].split("</nav>")[0]
        assert "<li" not in home_crumb

    def test_language_switcher_links_to_the_translation(self):
        html = self.get_html("/fr/mentions-legales/")
        switch = html.split('class="lang-switch"')[1].split("</nav>")[0]
        assert 'href="/en/legal-notice/" lang="en" hreflang="en"' in switch
        assert 'href="/fr/mentions-legales/" lang="fr" hreflang="fr" aria-current="true"' in switch
        assert (
            '<link rel="alternate" hreflang="en" href="http://testserver/en/legal-notice/">' in html
        )

    def test_untranslated_page_switches_to_the_other_home(self):
        page = StandardPage(title="Seulement en français", slug="seulement-fr", lead="")
        self.home_fr.add_child(instance=page)
        page.save_revision().publish()

        html = self.get_html("/fr/seulement-fr/")

        switch = html.split('class="lang-switch"')[1].split("</nav>")[0]
        assert 'href="/en/" lang="en"' in switch
        # No hreflang alternate to a page that is not a translation.
        assert 'rel="alternate"' not in html

    def test_language_switcher_on_views_translates_the_url(self):
        html = self.get_html("/fr/recherche/?q=mus%C3%A9e")
        switch = html.split('class="lang-switch"')[1].split("</nav>")[0]
        assert 'href="/en/search/?q=mus%C3%A9e"' in switch

    def test_anonymous_visitors_see_log_in_and_sign_up(self):
        html = self.get_html("/en/")
        account = html.split('class="account-nav"')[1].split("</nav>")[0]
        assert 'href="/en/account/login/"' in account
        assert "Log out" not in account

    def test_signed_in_users_see_account_and_a_post_log_out(self):
        self.client.force_login(UserFactory())
        html = self.get_html("/en/")
        account = html.split('class="account-nav"')[1].split("</nav>")[0]
        assert "My account" in account
        assert re.search(r'<form method="post" action="/en/account/logout/"', account)
        assert 'name="csrfmiddlewaretoken"' in account
        assert "Log in" not in account

    def test_footer_links_to_legal_pages_in_the_current_language(self):
        html = self.get_html("/en/")
        footer = html.split('<footer class="site-footer">')[1]
        for url in ("/en/legal-notice/", "/en/accessibility/", "/en/privacy/", "/en/cookies/"):
            assert f'href="{url}"' in footer
        assert "accessibility: partially compliant" in footer
        assert "contact@ocim.fr" in footer
        html_fr = self.get_html("/fr/")
        assert 'href="/fr/donnees-personnelles/"' in html_fr
        assert "accessibilité : partiellement conforme" in html_fr

    def test_legal_pages_have_the_required_sections(self):
        checks = {
            "/fr/mentions-legales/": [
                "Éditeur",
                "Direction de la publication",
                "Hébergement",
                "Propriété intellectuelle",
                "Licence",
            ],
            "/fr/accessibilite/": [
                "partiellement conforme",
                "RGAA",
                "Contenus non accessibles",
                "Retour d&#x27;information et contact",
                "Défenseur des droits",
            ],
            "/fr/donnees-personnelles/": [
                "Responsable du traitement",
                "Bases légales",
                "Durées de conservation",
                "Destinataires",
                "Délégué à la protection des données",
                "CNIL",
            ],
            "/fr/cookies/": ["sessionid", "csrftoken", "aucun bandeau"],
            "/en/accessibility/": ["partially compliant", "Défenseur des droits"],
        }
        for path, needles in checks.items():
            html = self.get_html(path)
            for needle in needles:
                with self.subTest(path=path, needle=needle):
                    assert needle.lower() in html.lower()

    def test_messages_are_announced(self):
        request = RequestFactory().get("/fr/")
        request.session = self.client.session
        storage = FallbackStorage(request)
        storage.add(message_levels.SUCCESS, "Profil enregistré")
        storage.add(message_levels.ERROR, "Échec de l'envoi")
        html = Template('{% include "includes/messages.html" %}').render(
            Context({"messages": storage})
        )
        status = re.findall(r'<p class="[^"]*" role="status">([^<]*)</p>', html)
        alert = re.findall(r'<p class="[^"]*" role="alert">([^<]*)</p>', html)
        assert status == ["Profil enregistré"]
        assert alert == ["Échec de l&#x27;envoi"]

    def test_pages_without_messages_have_no_empty_live_region(self):
        html = self.get_html("/fr/")
        assert 'role="alert"' not in html
        assert 'role="status"' not in html


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()

    def count_queries(self, path):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(path).status_code == 200
        return len(queries)

    def test_shell_queries_do_not_grow_with_the_menu(self):
        for path in ("/fr/", "/fr/edition/"):  # warm the site-root-paths cache
            self.client.get(path)
        before = {path: self.count_queries(path) for path in ("/fr/", "/fr/edition/")}
        home = Site.objects.get(is_default_site=True).root_page
        for number in range(5):
            page = StandardPage(title=f"Rubrique {number}", slug=f"rubrique-{number}")
            home.add_child(instance=page)
            page.show_in_menus = True
            page.save_revision().publish()
        for path in ("/fr/", "/fr/edition/"):  # publishing invalidated the cached shell
            self.client.get(path)

        after = {path: self.count_queries(path) for path in ("/fr/", "/fr/edition/")}

        assert after == before
        # The shell (menu, footer, legal links) comes from the cache: what is left is Wagtail's
        # routing of the page itself and the language links.
        assert max(after.values()) <= 12
