"""The map page: Leaflet from our own static files, no inline script, and the same filtered
data as tables (regions and departments with their counts, linking to the directory)."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from .map_fixtures import bulk, map_territories  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("map_territories")]


def _page(client, **params):
    url = reverse("inventory:map")
    return client.get(f"{url}?{urlencode(params)}" if params else url)


def test_the_page_loads_leaflet_from_our_static_files_and_no_inline_script(client):
    response = _page(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in html
    assert '<script src="/static/inventory/map.js" defer></script>' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'id="inventory-map-config"' in html
    assert 'data-features-url="/api/v1/inventory/map/"' in html


def test_the_tables_give_the_same_numbers_as_the_map(client):
    bulk([(48.85, 2.35)] * 3)
    bulk([(47.32, 5.04)] * 2, department="21", region="27", prefix="d")
    html = _page(client).content.decode()
    assert _("Number of actors by region, and per 100,000 inhabitants") in html
    assert _("Number of actors by department, and per 100,000 inhabitants") in html
    row = re.search(
        r"<th scope=\"row\">(<a href=\"[^\"]*\">)?Île-de-France(</a>)?</th>\s*<td>11</td>"
        r"\s*<td>3</td>",
        html,
    )
    assert row, "Île-de-France: 3 actors"
    unknown = re.escape(_("unknown population"))
    assert re.search(r"Mayotte</th>\s*<td>06</td>\s*<td>0</td>\s*<td>" + unknown, html)
    # A territory with actors links to the directory filtered by it.
    assert f'<a href="{reverse("inventory:directory")}?region=11">Île-de-France</a>' in html


@pytest.mark.urls("ocim.inventory.tests.map_urls")
def test_filters_apply_and_each_territory_links_to_the_filtered_directory(client):
    bulk([(48.85, 2.35)] * 3)  # planetariums in Paris
    bulk([(47.32, 5.04)] * 2, department="21", region="27", prefix="d", type_slug="musee-sante")
    html = _page(client, family="musees", region="27").content.decode()
    # The region's own filter is replaced by the territory's; the others are kept.
    assert '<a href="/fr/annuaire/?family=musees&amp;region=27">Bourgogne-Franche-Comté</a>' in html
    link = '<a href="/fr/annuaire/?family=musees&amp;region=27&amp;department=21">'
    assert link + "Côte-d&#x27;Or</a>" in html
    # Paris has actors, but none passing the filters: a count of 0 and no link.
    assert re.search(
        r"<th scope=\"row\">Paris</th>\s*<td>75</td>\s*<td>[^<]*</td>\s*<td>0</td>", html
    )
    assert re.search(r"<th scope=\"row\">Île-de-France</th>\s*<td>11</td>\s*<td>0</td>", html)
    assert '<a href="/fr/annuaire/?family=musees&amp;region=27">' in html  # all of them
    assert 'data-query="family=musees&amp;region=27"' in html
    assert '<option value="musees" selected>' in html


def test_bad_filters_are_reported_not_a_500(client):
    response = _page(client, status="ajar", region="xx")
    assert response.status_code == 200
    assert (
        _("The filter “%(name)s” does not accept the value “%(value)s”.")
        % {"name": "status", "value": "ajar"}
    ) in response.content.decode().replace("&#x27;", "'")


def test_the_page_costs_the_same_queries_whatever_the_data(client, django_assert_max_num_queries):
    _page(client)
    with django_assert_max_num_queries(12) as before:
        _page(client)
    bulk([(48.85 + index * 1e-3, 2.35) for index in range(300)])
    with django_assert_max_num_queries(len(before.captured_queries)):
        _page(client)
