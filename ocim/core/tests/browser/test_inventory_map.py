"""The inventory map in a real browser: Leaflet loads from our static files under the strict
Content-Security-Policy, the server's clusters are drawn, the choropleth has a text legend,
the tables are there for those who cannot use the map, and axe-core finds no violation."""

import pytest
from django.urls import reverse

from ocim.core.models import Department, Region
from ocim.inventory import map_grid
from ocim.inventory.models import Actor, ActorType

pytestmark = pytest.mark.browser


@pytest.fixture
def actors(demo_site):
    idf = Region.objects.create(code="11", name="Île-de-France", population=12_174_880)
    Department.objects.create(code="75", name="Paris", region=idf, population=2_113_705)
    kind = ActorType.objects.get(slug="planetarium")
    points = [(43.0 + row * 0.4, -1.0 + column * 0.4) for row in range(20) for column in range(20)]
    Actor.objects.bulk_create(
        Actor(
            name=f"Acteur {index}",
            slug=f"acteur-{index}",
            type=kind,
            family_id=kind.family_id,
            department_id="75",
            region_id="11",
            latitude=latitude,
            longitude=longitude,
            map_cell=map_grid.map_cell(latitude, longitude),
        )
        for index, (latitude, longitude) in enumerate(points)
    )
    return demo_site


def test_the_map_page_draws_clusters_and_offers_the_tables(actors, page, axe_check):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(actors.url + reverse("inventory:map"))
    assert response.status == 200
    page.wait_for_function("() => typeof window.L !== 'undefined'")
    assert any(url.endswith("/static/vendor/leaflet/leaflet.js") for url in requested)
    page.locator(".inventory-cluster").first.wait_for()
    assert page.locator("#inventory-map-status").inner_text().startswith("400")
    assert page.locator("table caption").count() == 2
    assert page.locator("table").first.locator("tbody tr").count() == 1
    axe_check(page)

    # Choropleth per 100,000 inhabitants: a legend in words.
    page.locator("label[for=map-mode-ratio]").click()
    page.locator("#inventory-map-legend li").first.wait_for()
    assert page.locator("#inventory-map-legend").is_visible()
    # Île-de-France holds every actor: the darkest class; the regions without data are grey.
    page.locator('path.leaflet-interactive[fill="#045a8d"]').wait_for(state="attached")
    assert page.locator('path.leaflet-interactive[fill="#045a8d"]').count() == 1
    assert page.locator("#inventory-map-legend li").count() == 6  # 0, four classes, no data
    axe_check(page)

    # Back to the actors; a click on a cluster zooms in.
    page.locator("label[for=map-mode-points]").click()
    page.locator(".inventory-cluster").first.wait_for()
    before = page.locator("#inventory-map-status").inner_text()
    page.locator(".inventory-cluster").first.click()
    page.wait_for_function(
        "(before) => document.querySelector('#inventory-map-status').textContent !== before",
        arg=before,
    )


def test_a_small_map_shows_its_point(actors, page):
    # The actor page belongs to the directory; any page with the assets and the markup will do:
    # the map page's own script initialises every .inventory-minimap it finds.
    page.goto(actors.url + reverse("inventory:map"))
    page.wait_for_function("() => typeof window.L !== 'undefined'")
    page.evaluate(
        """() => {
            const box = document.createElement('div');
            box.className = 'inventory-minimap';
            box.dataset.lat = '48.85';
            box.dataset.lon = '2.35';
            document.querySelector('main').appendChild(box);
        }"""
    )
    # The script ran already: load it again on the page, as an actor page would.
    page.add_script_tag(url="/static/inventory/map.js")
    page.locator(".inventory-minimap .inventory-point--here").wait_for()
    assert page.locator(".inventory-minimap").get_attribute("role") == "region"
