"""The public course pages and the catalogue with its filters."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return fx.site_with_catalogue()


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_course_page_publishes_every_required_item(client, index):
    course = fx.course(index)
    session = fx.session(course, capacity=5, commune=fx.territory())
    fx.fill(session, 2, UserFactory.create_batch(2))

    response = client.get(course.url)

    assert response.status_code == 200
    text = _text(response)
    for expected in (
        "Montage ostéologique",
        "Objectifs",
        "Monter un squelette.",
        "Public visé",
        "Préparateurs et régisseurs.",
        "Prérequis",
        "Programme",
        "Jour 1 – Préparer",
        "Méthodes pédagogiques",
        "Modalités d’évaluation",
        "21 heures sur 3 jour(s)",
        "Marc Vasseur",
        "Vingt ans.",
        "Accessibilité aux personnes handicapées",
        "Claire Morel",
        "handicap@ocim.fr",
        "Inscription jusqu&#x27;à 15 jours avant",
        "Avec déjeuners",
        "700 €",
        "960 €",
        "Exonéré de TVA (article 261-4-4° du CGI)",
        "Dernière mise à jour le 1 septembre 2026",
        "3 places restantes",
        "Commune 21231",
    ):
        assert expected in text, expected
    assert f'href="/fr/formation/sessions/{session.pk}/inscription/"' in text
    assert f'href="/fr/formation/sessions/{session.pk}.ics"' in text


def test_full_session_offers_the_waiting_list(client, index):
    course = fx.course(index)
    session = fx.session(course, capacity=1)
    fx.fill(session, 1, [UserFactory()])

    text = _text(client.get(course.url))

    assert "Complet – liste d’attente" in text
    assert "Rejoindre la liste d’attente" in text


def test_seats_left_are_never_replayed_from_the_page_cache(client, index, settings):
    settings.OCIM_PAGE_CACHE_SECONDS = 300
    course = fx.course(index)
    session = fx.session(course, capacity=2)
    assert "2 places restantes" in _text(client.get(course.url))
    assert "2 places restantes" in _text(client.get(index.url))

    fx.fill(session, 2, UserFactory.create_batch(2))
    course_page = client.get(course.url)
    catalogue = client.get(index.url)

    assert "Complet – liste d’attente" in _text(course_page)
    assert "2 places restantes" not in _text(catalogue)
    for response in (course_page, catalogue):
        assert "no-cache" in response["Cache-Control"]
        assert response.get("X-Ocim-Page-Cache") != "hit"


def test_remote_session_says_so(client, index):
    course = fx.course(index)
    fx.session(course, remote=True)
    assert "À distance" in _text(client.get(course.url))


def test_catalogue_lists_sessions_and_advertises_the_calendar(client, index):
    course = fx.course(index)
    fx.session(course)
    response = client.get(index.url)
    text = _text(response)
    assert response.status_code == 200
    assert '<link rel="alternate" type="text/calendar" href="/fr/formation/sessions.ics"' in text
    assert "Montage ostéologique" in text
    assert "1 session" in text


def test_catalogue_filters_come_from_a_shareable_query_string(client, index):
    lyon = fx.territory("84", "Auvergne-Rhône-Alpes", "69123")
    bones = fx.course(index, title="Os et squelettes")
    light = fx.course(index, title="Lumière", fmt="workshop")
    fx.session(bones)
    fx.session(light, commune=lyon)

    text = _text(client.get(index.url, {"format": "workshop", "region": "84"}))

    assert "Lumière" in text
    assert "Os et squelettes" not in text
    assert '<option value="84" selected>' in text


@pytest.mark.parametrize(
    "query",
    [
        {"format": "cirque"},
        {"month": "2020-13"},
        {"region": "<script>"},
        {"domain": "inconnu"},
        {"mode": "teleportation"},
        {"page": "zzz"},
        {"page": "999"},
    ],
)
def test_bad_filters_give_the_unfiltered_list_with_a_message_never_a_500(client, index, query):
    course = fx.course(index)
    fx.session(course)

    response = client.get(index.url, query)

    assert response.status_code == 200
    text = _text(response)
    assert "Montage ostéologique" in text
    if "page" not in query:
        assert "Certains filtres n’ont pas été compris" in text
    assert "<script>" not in text.split("<body")[1].replace('<script src="', "")


def test_catalogue_paginates_and_keeps_filters_in_the_links(client, index):
    course = fx.course(index)
    for days in range(1, 23):
        fx.session(course, days_ahead=days, days=1)

    first = _text(client.get(index.url, {"format": "course"}))
    second = _text(client.get(index.url, {"format": "course", "page": 2}))

    assert first.count('class="session-card"') == 20
    assert "?format=course&amp;page=2" in first
    assert second.count('class="session-card"') == 2


def test_catalogue_query_count_does_not_grow_with_sessions(client, index):
    course = fx.course(index, domains=[fx.concept()])
    commune = fx.territory()

    def count_queries():
        client.get(index.url)  # warm the site shell cache (filled over two requests)
        client.get(index.url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(index.url)
        assert response.status_code == 200
        return len(queries)

    fx.session(course, commune=commune)
    few = count_queries()
    for days in range(5, 20):
        fx.session(course, days_ahead=days, commune=commune)
    many = count_queries()

    assert many == few
    assert few <= 25


def test_past_sessions_are_not_listed(client, index):
    course = fx.course(index)
    fx.session(course, days_ahead=-3, days=1)
    text = _text(client.get(index.url))
    assert "0 session" in text
    assert "Aucune session à venir ne correspond" in text


def test_month_filter_offers_the_coming_months(client, index):
    text = _text(client.get(index.url))
    month = timezone.localdate().replace(day=1)
    assert f'<option value="{month:%Y-%m}">' in text
    later = (month + dt.timedelta(days=32 * 20)).replace(day=1)
    assert f'<option value="{later:%Y-%m}">' not in text


def test_admin_preview_renders_both_page_types(rf, index):
    """Wagtail's preview calls ``page.serve`` directly (no serving hook): it must not fail."""
    course = fx.course(index)
    fx.session(course)
    for page in (index, course):
        request = rf.get("/")
        request.user = UserFactory()
        response = page.serve(request)
        response.render()
        assert response.status_code == 200


def test_course_page_query_count_does_not_grow_with_sessions(client, index):
    course = fx.course(index, domains=[fx.concept()])
    commune = fx.territory()

    def count_queries():
        client.get(course.url)
        client.get(course.url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(course.url)
        assert response.status_code == 200
        return len(queries)

    fx.session(course, commune=commune)
    few = count_queries()
    for days in range(5, 15):
        fx.session(course, days_ahead=days, commune=commune)
    assert count_queries() == few


def test_domain_filter_uses_concept_identifiers_sorted_without_accents(client, index):
    light = fx.concept("museum-lighting", "Éclairage muséographique")
    bones = fx.concept("osteology", "Ostéologie")
    texts = fx.concept("exhibition-text", "Textes d'exposition")
    fx.session(fx.course(index, title="Lumière", domains=[light]))
    fx.session(fx.course(index, title="Squelettes", domains=[bones, texts]))

    text = _text(client.get(index.url, {"domain": "museum-lighting"}))

    assert "Lumière" in text and "Squelettes" not in text
    order = [
        text.index(f'value="{slug}"')
        for slug in ("museum-lighting", "osteology", "exhibition-text")
    ]
    assert order == sorted(order)


def test_register_link_only_while_registration_is_open(client, index):
    course = fx.course(index)
    session = fx.session(course, capacity=5)
    register_url = reverse("training:register", args=[session.pk])
    assert register_url in _text(client.get(course.url))

    session.registration_closes_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    text = _text(client.get(course.url))
    assert register_url not in text
    assert "Les inscriptions ne sont pas ouvertes." in text
