"""The home pages, the language switcher and the narrow-screen layout in a real browser."""

import re

import pytest

pytestmark = pytest.mark.browser

# The three missions of Ocim, as a visitor reads them on each home page.
MISSIONS = {
    "fr": [r"[ÉE]dit(er|ion)|Publi(er|cation)", r"Form(er|ation)", r"Observ(er|ation|atoire)"],
    "en": [r"Publish(ing)?", r"Train(ing)?", r"Observ(e|ation|atory)"],
}


def _switcher_link(page, language):
    """The language switcher's link to ``language``, however the shell labels it."""
    return page.locator(f"a[hreflang='{language}'], a[lang='{language}']").first


@pytest.mark.parametrize("language", ["fr", "en"])
def test_home_page_is_in_its_language_and_shows_the_three_missions(demo_site, page, language):
    response = page.goto(f"{demo_site.url}/{language}/")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    headings = page.locator("main h2, main h3").all_inner_texts()
    for mission in MISSIONS[language]:
        assert any(re.search(mission, heading) for heading in headings), (
            f"no heading for the mission {mission!r} on /{language}/: {headings}"
        )
    assert page.title().strip(), "the home page has no <title>"


def test_language_switcher_goes_to_english_and_back(demo_site, page):
    page.goto(f"{demo_site.url}/fr/")

    _switcher_link(page, "en").click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"

    _switcher_link(page, "fr").click()
    page.wait_for_url(re.compile(r"/fr/$"))
    assert page.locator("html").get_attribute("lang") == "fr"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_home_page_has_no_horizontal_scrolling_at_320_pixels(demo_site, context, language):
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{demo_site.url}/{language}/")

    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " viewport: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["viewport"], (
        f"/{language}/ is {widths['scroll']}px wide in a {widths['viewport']}px viewport"
    )
