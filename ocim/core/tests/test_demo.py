"""The demo command builds a bilingual site and is idempotent."""

import sys

import pytest
from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Locale, Page, Revision, Site

from ocim.core.demo import demo_site_ensure
from ocim.core.models import HomePage, OrganisationSettings, StandardPage


def _counts():
    return {
        "pages": Page.objects.count(),
        "home_pages": HomePage.objects.count(),
        "standard_pages": StandardPage.objects.count(),
        "revisions": Revision.objects.count(),
        "locales": Locale.objects.count(),
        "sites": Site.objects.count(),
        "translation_groups": Page.objects.filter(depth__gte=2)
        .values("translation_key")
        .distinct()
        .count(),
    }


class DemoSiteTests(TestCase):
    """One demo build per class (it publishes ~20 pages); each test runs in a savepoint."""

    @classmethod
    def setUpTestData(cls):
        cls.first_report = demo_site_ensure()

    def test_builds_french_tree_with_english_translation(self):
        site = Site.objects.get(is_default_site=True)
        home_fr = site.root_page.specific
        assert isinstance(home_fr, HomePage)
        assert home_fr.locale.language_code == "fr"
        home_en = home_fr.get_translation(Locale.objects.get(language_code="en"))
        assert home_en.live
        assert home_en.title.startswith("Serving the professionals")
        # Wagtail's placeholder page is gone.
        assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail").exists()
        # 3 missions + 4 legal pages in each language.
        for home in (home_fr, home_en):
            children = home.get_children().live()
            assert children.count() == 7
            assert children.in_menu().count() == 3
            assert len(home.specific.missions) == 3

    def test_wires_legal_pages_in_settings(self):
        settings = OrganisationSettings.load()
        assert settings.legal_notice_page.slug == "mentions-legales"
        assert settings.accessibility_page.slug == "accessibilite"
        assert settings.privacy_page.slug == "donnees-personnelles"
        assert settings.cookies_page.slug == "cookies"
        assert settings.publication_director == "Le président de l'Université Bourgogne Europe"
        for page in (settings.legal_notice_page, settings.privacy_page):
            assert not page.show_in_menus

    def test_second_run_changes_nothing(self):
        before = _counts()
        settings_before = OrganisationSettings.load().__dict__.copy()

        second = demo_site_ensure()

        assert self.first_report.created
        assert second.created == []
        assert _counts() == before
        settings_after = OrganisationSettings.load().__dict__
        for key in ("address", "legal_notice_page_id", "cookies_page_id", "host"):
            assert settings_after[key] == settings_before[key]

    def test_editor_changes_survive_a_second_run(self):
        page = StandardPage.objects.get(slug="mentions-legales")
        page.title = "Mentions légales (revues)"
        page.save_revision().publish()

        demo_site_ensure()

        assert (
            StandardPage.objects.get(slug="mentions-legales").title == "Mentions légales (revues)"
        )

    def test_home_pages_serve_missions_in_their_language(self):
        cases = [
            ("/fr/", "fr", ["Éditer et diffuser", "Former", "Observer"]),
            ("/en/", "en", ["Publishing", "Training", "Observation"]),
        ]
        for path, lang, missions in cases:
            with self.subTest(path=path):
                response = self.client.get(path)
                assert response.status_code == 200
                html = response.content.decode()
                assert f'<html lang="{lang}"' in html
                for title in missions:
                    assert f'<h3 class="mission__title">{title}</h3>' in html


@pytest.mark.django_db
def test_command_reports_missing_modules_and_prints_users_once(monkeypatch, capsys):
    # Loading every French commune is covered by the territory tests; here the import fails
    # on purpose so the command's "skip with a warning" path is exercised quickly.
    monkeypatch.setitem(sys.modules, "ocim.core.services", None)

    call_command("ocim_demo")
    first = capsys.readouterr()
    call_command("ocim_demo")
    second = capsys.readouterr()

    assert "territories" in first.err.lower() or "territoires" in first.err.lower()
    assert "createsuperuser" in first.out
    assert HomePage.objects.count() == 2
    try:
        from ocim.accounts.services import demo_users_ensure  # noqa: F401
    except ImportError:
        return
    # Each created account is printed with its password the first time only.
    first_user_lines = [line for line in first.out.splitlines() if "@" in line]
    second_user_lines = [line for line in second.out.splitlines() if "@" in line]
    assert first_user_lines
    assert all(" / " in line for line in first_user_lines)
    assert len(second_user_lines) == len(first_user_lines)
    assert all(" / " not in line for line in second_user_lines)


@pytest.mark.django_db
def test_demo_e_mails_are_kept_not_sent(monkeypatch, capsys, settings):
    """Demo content goes through services that e-mail people; the command keeps those messages
    (they are addressed to invented people) and says how many there were."""
    from types import SimpleNamespace

    from django.core import mail

    from ocim.core import demo

    def builder():
        mail.EmailMessage("Inscription", "Corps du message de démo", to=["a@example.org"]).send()
        return SimpleNamespace(created=["something"], skipped=[])

    monkeypatch.setitem(sys.modules, "ocim.core.services", None)
    monkeypatch.setattr(demo, "demo_builders", lambda: [("fake", builder)])
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("ocim_demo")
    out = capsys.readouterr().out
    assert "Corps du message de démo" not in out
    assert "1 " in out and ("not sent" in out or "pas été envoyé" in out)
