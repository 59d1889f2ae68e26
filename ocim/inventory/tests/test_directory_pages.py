"""The public directory and the actor pages: facets counted without their own filter, shareable
filtered URLs, pagination, bad input answered with a message (never a 500), a constant number
of queries, and no contact person ever shown."""

import json
import re
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.inventory.directory import ACTORS_PER_PAGE, directory_search
from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import ActorContact
from ocim.inventory.related import (
    RelatedLink,
    RelatedSection,
    related_provider_register,
    related_provider_unregister,
)
from ocim.inventory.selectors import actors_filtered

from .directory_fixtures import actor, concept, places

pytestmark = pytest.mark.django_db


@pytest.fixture
def where():
    return places()


@pytest.fixture
def network(where):
    geology = concept("geologie", "Géologie", "Geology")
    botany = concept("botanique", "Botanique", "Botany")
    museum = actor(
        "Muséum de Dijon",
        "museum-histoire-naturelle",
        commune=where.dijon,
        labels=["musee-de-france"],
        concepts=[geology, botany],
        latitude=47.3263,
        longitude=5.0297,
        coordinates_source="entered",
        street="1 avenue Albert-Premier",
        postal_code="21000",
        siret="21210231500018",
        wikidata="Q3329534",
        museofile="M0123",
        ror="03yrm5c26",
        osm="way/123456",
        rna="W212001234",
        website="https://museum.example.org/",
        email="accueil@museum.example.org",
        phone="03 80 48 82 00",
        social_links=[
            {"network": "Mastodon", "url": "https://mastodon.example/@museum"},
            {"network": "Bad", "url": "javascript:alert(1)"},
        ],
        year_founded=1836,
        staff_band="20-49",
        legal_status="local_authority",
        other_names="Muséum d'histoire naturelle de Dijon",
        description='<p>Collections de <em>géologie</em>.<script>alert("x")</script></p>',
        visitor_counts={2023: 41000, 2024: 45500},
    )
    garden = actor(
        "Jardin des sciences",
        "jardin-botanique-arboretum",
        commune=where.dijon,
        labels=["jardin-remarquable"],
        concepts=[botany],
        parent=museum,
    )
    actor("Jardin de Beaune", "jardin-botanique-arboretum", commune=where.beaune, concepts=[botany])
    actor(
        "Musée Gadagne",
        "ecomusee-musee-societe",
        commune=where.lyon,
        labels=["musee-de-france"],
        status="closed",
        closed_year=2020,
    )
    actor("Planétarium de Vaulx-en-Velin", "planetarium", commune=where.lyon)
    actor("Fédération sans adresse", "reseau-federation")
    ActorContact.objects.create(
        actor=museum, name="Camille Secrète", email="camille.secrete@example.org", role="Régie"
    )
    return {"museum": museum, "garden": garden}


def _facet_counts(results) -> dict[str, dict[str, int]]:
    return {facet.name: {v.value: v.count for v in facet.values} for facet in results.facets}


FIELD_OF = {
    "family": "families",
    "type": "types",
    "region": "regions",
    "department": "departments",
    "label": "labels",
    "concept": "concepts",
    "status": "statuses",
}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": ["jardin"]},
        {"region": ["27"]},
        {"region": ["27"], "family": ["collections-vivantes"]},
        {"label": ["musee-de-france"], "status": ["open"]},
        {"concept": ["botanique"], "department": ["21", "69"]},
        {"q": ["musée"], "label": ["musee-de-france"], "region": ["84", "27"]},
        {"q": ["jardin"], "concept": ["botanique"], "department": ["21"]},
        {"q": ["musée"], "concept": ["geologie"], "status": ["open"], "family": ["musees"]},
        {"q": ["de"], "type": ["planetarium", "jardin-botanique-arboretum"]},
        {"q": ["jardin"], "label": ["label-inconnu"]},
    ],
)
def test_each_facet_counts_the_actors_of_the_other_filters(network, query):
    filters, problems = ActorFilters.from_query(query)
    assert problems == []
    results = directory_search(filters)
    assert results.total == actors_filtered(filters).count()
    for name, values in _facet_counts(results).items():
        for value, count in values.items():
            # The count of a value is what choosing that value alone in its facet would give.
            alone = replace(filters, **{FIELD_OF[name]: (value,)})
            assert count == actors_filtered(alone).count(), (name, value)


def test_the_counts_of_a_search_follow_a_saved_actor_labels_and_concepts(network):
    # PostgreSQL counts from the copy of the filter columns kept in the search index.
    from ocim.core.models import Concept
    from ocim.inventory.models import Label
    from ocim.inventory.services import actor_save

    garden = network["garden"]
    garden.status = "closed"
    garden.closed_year = 2021
    actor_save(
        garden,
        labels=[Label.objects.get(slug="musee-de-france")],
        concepts=[Concept.objects.get(slug="geologie")],
    )
    filters = ActorFilters(q="jardin", labels=("musee-de-france",))
    counts = _facet_counts(directory_search(filters))
    # The garden's labels were replaced: "jardin-remarquable" is no longer counted.
    assert counts["label"] == {"musee-de-france": 1}
    assert counts["concept"] == {"geologie": 1}
    assert counts["status"] == {"open": 0, "closed": 1}


@pytest.mark.parametrize("query", [{"q": "jardin"}, {"q": "jardin", "region": "84"}])
def test_pages_of_many_matches_are_by_name_and_the_same_as_the_filtered_actors(
    where, monkeypatch, query
):
    from ocim.inventory import directory

    monkeypatch.setattr(directory, "RANKED_MATCHES", 3)  # listed by name beyond 3 matches
    for number in range(ACTORS_PER_PAGE + 5):
        actor(
            f"Jardin {(number * 7) % 25:02d}",
            "jardin-botanique-arboretum",
            commune=where.lyon if number % 2 else where.dijon,
        )
    actor("Musée sans jardin dans le nom", commune=where.lyon)
    filters, _problems = ActorFilters.from_query(query)
    expected = list(actors_filtered(filters).order_by("name", "pk").values_list("pk", flat=True))
    assert len(expected) > 3
    listed, pages = [], -(-len(expected) // ACTORS_PER_PAGE)
    for number in range(1, pages + 1):
        results = directory_search(filters, page=number)
        assert results.total == len(expected)
        listed += [item.pk for item in results.page.object_list]
    assert listed == expected


@pytest.mark.parametrize(
    "query",
    [{"label": "musee-de-france"}, {"concept": "botanique", "status": "open"}],
)
def test_pages_of_a_label_or_concept_are_by_name_and_the_same_as_the_filtered_actors(where, query):
    botany = concept("botanique", "Botanique")
    for number in range(ACTORS_PER_PAGE + 20):
        actor(
            f"Muséum {(number * 11) % 29:02d}",
            commune=where.lyon if number % 2 else where.dijon,
            labels=["musee-de-france"] if number % 3 else [],
            concepts=[botany] if number % 4 else [],
            status="closed" if number % 5 == 0 else "open",
            closed_year=2020 if number % 5 == 0 else None,
        )
    filters, _problems = ActorFilters.from_query(query)
    expected = list(actors_filtered(filters).order_by("name", "pk").values_list("pk", flat=True))
    assert len(expected) > ACTORS_PER_PAGE
    listed = []
    for number in (1, 2):
        results = directory_search(filters, page=number)
        assert results.total == len(expected)
        listed += [item.pk for item in results.page.object_list]
    assert listed == expected


def test_a_search_with_few_matches_lists_the_best_first_on_every_page(where):
    from ocim.inventory.search import actor_search_rank

    for number in range(ACTORS_PER_PAGE + 5):
        actor(
            f"Lieu {number:02d}" if number % 3 else f"Jardin {number:02d}",
            "jardin-botanique-arboretum",
            commune=where.lyon if number % 2 else where.dijon,
            description="<p>Un jardin, des serres.</p>" if number % 3 else "",
        )
    filters = ActorFilters(q="jardin", regions=("84", "27"))
    ranked = actors_filtered(filters).annotate(rank=actor_search_rank(filters.q))
    expected = list(ranked.order_by("-rank", "name", "pk").values_list("pk", flat=True))
    listed = []
    for number in (1, 2):
        results = directory_search(filters, page=number)
        listed += [item.pk for item in results.page.object_list]
    assert listed == expected
    # Names first: every actor with the word in its name comes before the others.
    first = [item.name for item in directory_search(filters).page.object_list[:9]]
    assert all(name.startswith("Jardin") for name in first)


def test_facet_counts_with_combined_filters(network):
    filters, _problems = ActorFilters.from_query({"region": ["27"], "label": ["musee-de-france"]})
    counts = _facet_counts(directory_search(filters))
    assert counts["region"] == {"27": 1, "84": 1}  # Musée de France in each region
    assert counts["label"] == {"musee-de-france": 1, "jardin-remarquable": 1}
    assert counts["family"] == {"musees": 1}
    assert counts["status"] == {"open": 1, "closed": 0}


def test_the_directory_page_lists_searches_and_keeps_filters_in_links(client, network):
    url = reverse("inventory:directory")
    response = client.get(url, {"q": "jardins", "region": "27"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jardin des sciences" in html and "Jardin de Beaune" in html
    assert "Muséum de Dijon" not in html
    assert response.context["filter_query"] == urlencode([("q", "jardins"), ("region", "27")])
    assert 'name="region" value="27" id="facet-region-1" checked' in html or re.search(
        r'name="region" value="27"[^>]*checked', html
    )
    assert 'role="status"' in html and 'role="search"' in html
    # A link removes one filter and keeps the others.
    assert f'href="?{urlencode([("q", "jardins")])}"' in html
    # Every facet is a fieldset with a legend.
    assert html.count("<fieldset") == html.count("<legend>")


def test_pagination_is_twenty_per_page_and_clamped(client, where):
    for number in range(ACTORS_PER_PAGE + 5):
        actor(f"Jardin numéro {number:02d}", "jardin-botanique-arboretum", commune=where.dijon)
    url = reverse("inventory:directory")
    first = client.get(url, {"q": "jardin"})
    assert len(first.context["actors"]) == ACTORS_PER_PAGE
    second = client.get(url, {"q": "jardin", "page": "2"})
    assert [a.name for a in second.context["actors"]] == [
        f"Jardin numéro {n:02d}" for n in range(ACTORS_PER_PAGE, ACTORS_PER_PAGE + 5)
    ]
    assert "q=jardin&amp;page=1" in second.content.decode()
    for page, expected in (("999", 2), ("-3", 1), ("abc", 1), ("9" * 50, 1), ("0", 1)):
        response = client.get(url, {"q": "jardin", "page": page})
        assert response.status_code == 200
        assert response.context["page_obj"].number == expected, page


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"musée'},
        {"q": "'; DROP TABLE inventory_actor; --"},
        {"q": "m" * 2000},
        {"q": "🦕🙂 jardin"},
        {"q": "jardin\x00beaune"},
        {"region": "99", "department": "2A"},
        {"region": "xx", "department": "<script>", "family": "Pas un slug!"},
        {"label": "inconnu", "concept": "nulle-part", "type": "nope", "status": "maybe"},
        {"page": "\x00", "q": "%"},
        {"family": ["musees"] * 60},
    ],
)
def test_any_input_is_answered_with_a_page_and_messages_never_a_500(client, network, params):
    response = client.get(reverse("inventory:directory"), params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_values_not_understood_are_reported_in_words(client, network):
    response = client.get(
        reverse("inventory:directory"), {"region": ["xx", "99"], "q": "le la", "label": "inconnu"}
    )
    html = response.content.decode()
    assert (
        _("The filter “%(name)s” does not accept the value “%(value)s”.")
        % {"name": "region", "value": "XX"}
        in response.context["problems"]
    )
    assert (
        _("The filter “%(name)s” has no value “%(value)s”: no actor can match it.")
        % {"name": "region", "value": "99"}
        in response.context["problems"]
    )
    assert (
        _("The filter “%(name)s” has no value “%(value)s”: no actor can match it.")
        % {"name": "label", "value": "inconnu"}
        in response.context["problems"]
    )
    assert (
        _(
            "Your search has no word that can be searched: type words of at least two "
            "letters (punctuation and very common words are ignored)."
        )
        in response.context["problems"]
    )
    assert 'role="alert"' in html
    assert response.context["results"].total == 0


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("inventory:directory"), params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "jardin"},
        {"q": "musée", "label": "musee-de-france", "concept": "botanique", "region": "27"},
        {"q": "introuvable"},
    ],
)
def test_the_directory_runs_a_constant_number_of_queries(client, where, params, settings):
    settings.OCIM_DIRECTORY_CACHE_SECONDS = 0  # every count computed
    actor("Jardin témoin", "jardin-botanique-arboretum", commune=where.dijon)
    _queries(client, params)  # the site's shell caches its settings on the first request
    small = _queries(client, params)
    botany = concept("botanique", "Botanique")

    def add(start, count):
        for number in range(start, start + count):
            actor(
                f"Musée jardin {number}",
                "museum-histoire-naturelle" if number % 2 else "jardin-botanique-arboretum",
                commune=where.lyon if number % 3 else where.beaune,
                labels=["musee-de-france"] if number % 4 else [],
                concepts=[botany, concept(f"c{number}", f"Concept {number}")],
            )

    add(0, 30)
    large = _queries(client, params)
    add(30, 30)
    larger = _queries(client, params)
    # The shell of the site (3) and the directory's 9: lookups (types, departments, labels,
    # selected concepts), grouped counts, label counts, concept counts, the ids of the page
    # and its actors (these two not run when nothing matches, hence "small <= large").
    assert small <= large == larger <= 12


def test_counts_are_cached_until_an_actor_is_saved(client, network, where, settings):
    settings.OCIM_DIRECTORY_CACHE_SECONDS = 300
    params = {"q": "jardin", "region": "27"}
    _queries(client, params)  # the site's shell caches its settings on the first request
    computed = _queries(client, {"q": "jardins", "region": "27"})
    cached = _queries(client, {"q": "jardins", "region": "27"})
    # The grouped, label and concept counts come from the cache.
    assert cached <= computed - 3
    response = client.get(reverse("inventory:directory"), {"q": "jardins", "region": "27"})
    assert response.context["results"].total == 2
    actor("Jardin nouveau", "jardin-botanique-arboretum", commune=where.beaune)
    response = client.get(reverse("inventory:directory"), {"q": "jardins", "region": "27"})
    assert response.context["results"].total == 3
    counts = _facet_counts(response.context["results"])
    assert counts["department"] == {"21": 3}


def test_distinct_searches_never_push_pages_out_of_the_cache(where, settings):
    """Each distinct search files its counts: kept in a cache of their own, they cannot evict
    the pages (a locmem cache culls a third of its entries when it is full)."""
    from django.core.cache import caches

    settings.OCIM_DIRECTORY_CACHE_SECONDS = 300
    # The embedded set-up's caches (each process's memory), made small: Redis evicts by its
    # own memory policy instead.
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{name}",
            "OPTIONS": {"MAX_ENTRIES": 10},
        }
        for name in settings.CACHES
    }
    actor("Jardin témoin", "jardin-botanique-arboretum", commune=where.dijon)
    caches["default"].set("a-page", "still there", 300)
    for number in range(30):
        filters, _problems = ActorFilters.from_query({"q": f"jardin{number}"})
        directory_search(filters)
    assert caches["default"].get("a-page") == "still there"


def test_the_actor_page_shows_every_public_field(client, network):
    museum = network["museum"]
    response = client.get(reverse("inventory:actor", kwargs={"slug": museum.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Muséum de Dijon",
        "Muséum d&#x27;histoire naturelle de Dijon",
        "1 avenue Albert-Premier",
        "21000",
        "Côte-d&#x27;Or",
        "Bourgogne-Franche-Comté",
        "Musée de France",
        "Géologie",
        "Botanique",
        "1836",
        "Jardin des sciences",  # a child
        "https://annuaire-entreprises.data.gouv.fr/etablissement/21210231500018",
        "https://www.wikidata.org/wiki/Q3329534",
        "https://www.pop.culture.gouv.fr/notice/museo/M0123",
        "https://ror.org/03yrm5c26",
        "https://www.openstreetmap.org/way/123456",
        "W212001234",
        "https://museum.example.org/",
        "accueil@museum.example.org",
        "https://mastodon.example/@museum",
        "<em>géologie</em>",
        'data-lat="47.3263"',
        'data-lon="5.0297"',
        "<caption>",
    ):
        assert text in html, text
    assert "javascript:alert" not in html
    assert 'alert("x")' not in html
    # Visitors, most recent year first.
    assert html.index("2024") < html.index("2023")
    garden = client.get(reverse("inventory:actor", kwargs={"slug": network["garden"].slug}))
    assert reverse("inventory:actor", kwargs={"slug": museum.slug}) in garden.content.decode()


def test_contact_persons_are_never_shown(client, network):
    pages = [
        client.get(reverse("inventory:actor", kwargs={"slug": network["museum"].slug})),
        client.get(reverse("inventory:directory"), {"q": "muséum"}),
        client.get(reverse("inventory:directory"), {"q": "camille secrete"}),
    ]
    for response in pages:
        html = response.content.decode()
        assert "Camille" not in html and "camille.secrete" not in html
    assert pages[2].context["results"].total == 0


def test_the_actor_page_describes_the_actor_for_search_engines(client, network):
    response = client.get(reverse("inventory:actor", kwargs={"slug": network["museum"].slug}))
    html = response.content.decode()
    found = re.search(
        r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>', html, re.S
    )
    data = json.loads(found.group(1))
    assert data["@type"] == "Museum"
    assert data["name"] == "Muséum de Dijon"
    assert data["address"]["addressLocality"] == "Dijon"
    assert data["address"]["postalCode"] == "21000"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 47.3263, "longitude": 5.0297}
    assert "https://www.wikidata.org/wiki/Q3329534" in data["sameAs"]
    assert "<script" not in data.get("description", "")
    garden = client.get(reverse("inventory:actor", kwargs={"slug": network["garden"].slug}))
    found = re.search(
        r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>',
        garden.content.decode(),
        re.S,
    )
    assert json.loads(found.group(1))["@type"] == "Organization"


def test_related_content_comes_from_registered_providers(client, network):
    url = reverse("inventory:actor", kwargs={"slug": network["museum"].slug})
    assert "actor-related-1" not in client.get(url).content.decode()

    def courses(actor, *, request=None):
        if actor.slug != network["museum"].slug:
            return None
        return RelatedSection(
            title="Formations accueillies",
            links=[
                RelatedLink(title="Éclairer une vitrine", url="/fr/formations/x/", detail="2026")
            ],
        )

    def broken(actor, *, request=None):
        raise RuntimeError("provider down")

    related_provider_register("test.courses", courses)
    related_provider_register("test.broken", broken)
    try:
        html = client.get(url).content.decode()
        assert "Formations accueillies" in html and "Éclairer une vitrine" in html
        other = reverse("inventory:actor", kwargs={"slug": network["garden"].slug})
        assert "Formations accueillies" not in client.get(other).content.decode()
    finally:
        related_provider_unregister("test.courses")
        related_provider_unregister("test.broken")


def test_the_actor_page_runs_a_constant_number_of_queries(client, network):
    url = reverse("inventory:actor", kwargs={"slug": network["museum"].slug})
    client.get(url)  # the site's shell caches its settings on the first request
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) <= 9


def test_an_unknown_actor_is_a_404(client, network):
    assert client.get(reverse("inventory:actor", kwargs={"slug": "personne"})).status_code == 404


def test_the_pages_answer_in_english(client, network):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("inventory:directory")
        actor_url = reverse("inventory:actor", kwargs={"slug": network["museum"].slug})
    assert url.startswith("/en/")
    response = client.get(url, {"family": "musees"})
    assert response.status_code == 200
    assert "Museums" in response.content.decode()
    assert client.get(actor_url).status_code == 200


def test_the_actor_image_is_shown_and_a_missing_file_does_not_break_the_page(client, network):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    museum = network["museum"]
    museum.image = Image.objects.create(title="Façade du muséum", file=get_test_image_file())
    museum.save(update_fields=["image"])
    url = reverse("inventory:actor", kwargs={"slug": museum.slug})
    response = client.get(url)
    assert 'class="actor-page__image"' in response.content.decode()
    assert "image" in json.loads(
        re.search(
            r'<script type="application/ld\+json" nonce="[^"]*">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    museum.image.renditions.all().delete()
    museum.image.file.storage.delete(museum.image.file.name)
    response = client.get(url)
    assert response.status_code == 200
    assert 'class="actor-page__image"' not in response.content.decode()


def test_facet_values_are_the_platforms_shared_shape(network):
    from ocim.core.facets import FacetValue

    results = directory_search(ActorFilters(q="jardin"))
    values = [value for facet in results.facets for value in facet.values]
    assert values and all(type(value) is FacetValue for value in values)


def test_a_new_label_or_type_shows_at_once_though_each_process_keeps_them(client, network, where):
    from ocim.inventory.models import ActorType, Label

    url = reverse("inventory:directory")
    assert "label-nouveau" not in client.get(url).content.decode()  # the lookups are now kept
    Label.objects.create(slug="label-nouveau", name="Label nouveau")
    actor("Jardin labellisé", "jardin-botanique-arboretum", commune=where.beaune,
          labels=["label-nouveau"])  # fmt: skip
    html = client.get(url).content.decode()
    assert 'value="label-nouveau"' in html
    garden_type = ActorType.objects.get(slug="jardin-botanique-arboretum")
    garden_type.name_fr = "Jardin remarquable ou botanique"
    garden_type.save()
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Jardin remarquable ou botanique" in html
