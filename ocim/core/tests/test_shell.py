"""The cached site shell is fresh after each change (its query bound is in test_pages)."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from ocim.core.demo import demo_site_ensure
from ocim.core.models import OrganisationSettings, StandardPage


class ShellCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()
        cls.home_fr = Site.objects.get(is_default_site=True).root_page.specific

    def queries_for(self, path):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(path)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    def add_menu_page(self, title, slug):
        page = StandardPage(title=title, slug=slug, show_in_menus=True)
        self.home_fr.add_child(instance=page)
        page.save_revision().publish()
        return page

    def test_a_published_menu_page_appears_at_once_and_goes_when_unpublished(self):
        _, html = self.queries_for("/fr/")
        assert "Réseaux et partenaires" not in html
        page = self.add_menu_page("Réseaux et partenaires", "reseaux")
        _, html = self.queries_for("/fr/")
        assert "Réseaux et partenaires" in html
        page.unpublish()
        _, html = self.queries_for("/fr/")
        assert "Réseaux et partenaires" not in html

    def test_saving_organisation_settings_updates_the_footer(self):
        self.queries_for("/fr/")
        settings = OrganisationSettings.load()
        settings.contact_email = "accueil@ocim.example"
        settings.save()
        _, html = self.queries_for("/fr/")
        assert "accueil@ocim.example" in html

    def test_each_language_gets_its_own_menu(self):
        _, html_fr = self.queries_for("/fr/")
        _, html_en = self.queries_for("/en/")
        assert 'href="/fr/edition/"' in html_fr
        assert 'href="/fr/edition/"' not in html_en
        assert 'href="/en/' in html_en

    def test_the_site_of_a_host_is_kept_until_a_site_changes(self):
        self.queries_for("/fr/annuaire/")
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/fr/annuaire/")
        assert not [q for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]
        # A site for this very host now takes precedence, with its own organisation name.
        site = Site.objects.get(is_default_site=True)
        other = Site.objects.create(
            hostname="testserver", port=80, root_page=site.root_page, site_name="Autre site"
        )
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/fr/annuaire/")
        assert [q for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]
        other.delete()
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/fr/annuaire/")
        assert [q for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]
