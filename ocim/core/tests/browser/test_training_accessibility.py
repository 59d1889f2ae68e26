"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the training catalogue pages.

Kept with the other browser tests: one Chromium per test session, shared fixtures."""

import pytest
from wagtail.models import Site

from ocim.training.models import CourseIndexPage
from ocim.training.tests.catalogue_fixtures import course, session, territory

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(demo_site):
    home = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(title="Formations", slug="formations-a11y", intro="<p>Stages.</p>")
    home.add_child(instance=index)
    index.save_revision().publish()
    lighting = course(index, title="Éclairer une exposition")
    session(lighting, days_ahead=20, capacity=12, commune=territory())
    session(lighting, days_ahead=60, capacity=1, remote=True)
    return index.url, lighting.url


def test_catalogue_and_course_page_have_no_wcag_violation(demo_site, catalogue, page, axe_check):
    index_url, course_url = catalogue
    for path in (index_url, f"{index_url}?format=course", course_url):
        response = page.goto(demo_site.url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.locator("main h1").count() == 1
        axe_check(page)
