"""Site search: current language only, live pages only, counted, paginated."""

from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Site

from ocim.core.demo import demo_site_ensure
from ocim.core.models import StandardPage
from ocim.core.views import SEARCH_RESULTS_PER_PAGE


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()
        cls.home_fr = Site.objects.get(is_default_site=True).root_page.specific
        cls.home_en = cls.home_fr.get_translation(Locale.objects.get(language_code="en"))

    def search(self, language, **params):
        with translation.override(language):
            url = reverse("core:search")
        response = self.client.get(url, params)
        assert response.status_code == 200
        return response, response.content.decode()

    def test_search_urls_are_translated(self):
        for language, path in (("fr", "/fr/recherche/"), ("en", "/en/search/")):
            with translation.override(language):
                assert reverse("core:search") == path
            assert self.client.get(path).status_code == 200

    def test_empty_query_shows_the_invitation(self):
        _, html = self.search("fr")
        assert "Saisissez un ou plusieurs mots" in html
        assert 'class="results"' not in html

    def test_finds_pages_of_the_current_language_only(self):
        _, html_fr = self.search("fr", q="formation")
        assert 'href="/fr/formation/"' in html_fr
        assert "/en/" not in html_fr.split('class="results"')[1].split("</ol>")[0]

        _, html_en = self.search("en", q="training")
        results = html_en.split('class="results"')[1].split("</ol>")[0]
        assert 'href="/en/training/"' in results
        assert "/fr/" not in results

    def test_result_shows_title_and_snippet_and_count(self):
        response, html = self.search("en", q="cookies")
        assert 'role="status"' in html
        count = response.context["page_obj"].paginator.count
        assert count >= 1
        assert f"{count} result" in html
        assert "This site only uses cookies that are strictly necessary" in html

    def test_snippet_prefers_search_description(self):
        page = StandardPage(
            title="Conservation préventive",
            slug="conservation-preventive",
            lead="Le chapô de la page.",
            search_description="Résumé pour les moteurs de recherche.",
        )
        self.home_fr.add_child(instance=page)
        page.save_revision().publish()

        _, html = self.search("fr", q="conservation préventive")

        assert "Résumé pour les moteurs de recherche." in html

    def test_drafts_and_unpublished_pages_are_not_found(self):
        draft = StandardPage(title="Brouillon zèbre", slug="brouillon-zebre", live=False)
        self.home_fr.add_child(instance=draft)
        draft.save_revision()

        _, html = self.search("fr", q="zèbre")

        assert "Brouillon zèbre" not in html
        assert "Aucun résultat pour « zèbre »" in html

    def test_no_result_gives_suggestions(self):
        _, html = self.search("en", q="xylophone")
        assert "No result for “xylophone”." in html
        assert "check the spelling" in html

    # The word is absent from the demo pages, whose "planétariums" PostgreSQL would stem-match.
    def test_results_are_paginated(self):
        total = SEARCH_RESULTS_PER_PAGE + 5
        for number in range(total):
            page = StandardPage(
                title=f"Héliosphère numéro {number}", slug=f"heliosphere-{number}", lead="Étoiles."
            )
            self.home_fr.add_child(instance=page)
            page.save_revision().publish()

        response, html = self.search("fr", q="héliosphère")
        assert response.context["page_obj"].paginator.count == total
        assert html.count('class="result"') == SEARCH_RESULTS_PER_PAGE
        assert f"{total} résultats pour « héliosphère »" in html
        assert 'rel="next"' in html and "page=2" in html

        response, html = self.search("fr", q="héliosphère", page="2")
        assert html.count('class="result"') == 5
        assert '<ol class="results" start="11">' in html
        assert 'rel="prev"' in html
