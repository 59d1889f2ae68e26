"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the public pages."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.browser


def _path(name, language):
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize(
    ("label", "language", "url_name"),
    [
        ("home", "fr", None),
        ("home", "en", None),
        ("sign-up", "fr", "accounts:signup"),
        ("sign-up", "en", "accounts:signup"),
        ("login", "fr", "accounts:login"),
        ("login", "en", "accounts:login"),
        ("search", "fr", "core:search"),
    ],
)
def test_page_has_no_wcag_violation(demo_site, page, axe_check, label, language, url_name):
    path = f"/{language}/" if url_name is None else _path(url_name, language)
    response = page.goto(demo_site.url + path)
    assert response.status == 200, f"{label} ({path}) answered {response.status}"

    axe_check(page)


def test_login_page_with_errors_has_no_wcag_violation(demo_site, page, axe_check):
    page.goto(demo_site.url + _path("accounts:login", "fr"))
    form = page.locator("main form").filter(has=page.locator("input[type='password']")).first
    form.locator("input[type='password']").first.fill("faux")
    form.locator("input[type='email'], input[name='username']").first.fill("x@exemple.fr")
    with page.expect_navigation():
        form.locator(
            "button[type='submit'], input[type='submit'], button:not([type])"
        ).first.click()
    assert page.locator("main [role='alert']").count(), "the login form showed no error"

    axe_check(page)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_legal_page_linked_from_the_home_page_has_no_wcag_violation(
    demo_site, page, axe_check, language
):
    page.goto(f"{demo_site.url}/{language}/")
    legal = page.locator("footer a").filter(
        has_text=re.compile(r"mentions légales|legal notice", re.IGNORECASE)
    )
    assert legal.count(), "the footer has no link to the legal notice"
    with page.expect_navigation():
        legal.first.click()

    axe_check(page)
