"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the directory of actors (with a
search, facets and a message about a filter not understood) nor on an actor's page."""

import pytest
from django.urls import reverse

from ocim.inventory.tests.directory_fixtures import actor, concept, places

pytestmark = pytest.mark.browser


@pytest.fixture
def directory_data(demo_site):
    where = places()
    botany = concept("botanique", "Botanique", "Botany")
    museum = actor(
        "Muséum de Dijon",
        commune=where.dijon,
        labels=["musee-de-france"],
        concepts=[botany],
        latitude=47.3263,
        longitude=5.0297,
        coordinates_source="entered",
        street="1 avenue Albert-Premier",
        postal_code="21000",
        wikidata="Q3329534",
        website="https://museum.example.org/",
        description="<p>Collections de <em>géologie</em> et de botanique.</p>",
        visitor_counts={2023: 41000, 2024: 45500},
    )
    actor("Jardin des sciences", "jardin-botanique-arboretum", commune=where.dijon, parent=museum)
    actor("Musée Gadagne", "ecomusee-musee-societe", commune=where.lyon, status="closed")
    return museum


def test_directory_and_actor_page_have_no_wcag_violation(
    demo_site, directory_data, page, axe_check
):
    directory = reverse("inventory:directory")
    for path in (
        directory,
        f"{directory}?q=mus%C3%A9um&region=27",
        f"{directory}?region=xx&label=inconnu",
        reverse("inventory:actor", kwargs={"slug": directory_data.slug}),
    ):
        response = page.goto(demo_site.url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("main h1").count() == 1
        axe_check(page)
    # The facets can be used with the keyboard and the form alone (no script needed).
    page.goto(demo_site.url + directory)
    page.get_by_label("Jardins, zoos et aquariums", exact=False).check()
    page.locator("#directory-form button[type=submit]").last.click()
    page.wait_for_url("**family=collections-vivantes**")
    assert page.locator(".directory__actor").count() == 1
