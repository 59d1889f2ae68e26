"""Sign-up, e-mail verification and login through the real forms, as a visitor does it."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from ocim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "une phrase de passe solide"


def _url(live_server, name, language="fr"):
    with translation.override(language):
        return live_server.url + reverse(name)


def _fill_signup_form(form, *, email, password):
    """Fill every field a visitor must fill, whatever the form's exact layout."""
    form.locator("input[type='email']").first.fill(email)
    for field in form.locator("input[type='password']").all():
        field.fill(password)
    text_fields = form.locator("input[type='text'][required], input:not([type])[required]")
    for index, field in enumerate(text_fields.all()):
        if not field.input_value():
            field.fill(["Camille", "Durand", "Médiatrice", "Muséum de Nantes"][index % 4])
    for box in form.locator("input[type='checkbox'][required]").all():
        box.check()
    for select in form.locator("select[required]").all():
        values = [
            v
            for v in select.locator("option").evaluate_all("options => options.map(o => o.value)")
            if v
        ]
        if values:
            select.select_option(values[0])


def _submit(page, form):
    """Click the form's submit button and wait for the answer page to load."""
    with page.expect_navigation():
        form.locator(
            "button[type='submit'], input[type='submit'], button:not([type])"
        ).first.click()


def _login(page, live_server, *, email, password):
    page.goto(_url(live_server, "accounts:login"))
    form = page.locator("main form").filter(has=page.locator("input[type='password']")).first
    form.locator("input[type='email'], input[name='username'], input[name='email']").first.fill(
        email
    )
    form.locator("input[type='password']").first.fill(password)
    _submit(page, form)


def test_signup_then_verify_email_then_login_shows_the_profile(demo_site, page, mailoutbox):
    email = "camille.durand@exemple.fr"
    page.goto(_url(demo_site, "accounts:signup"))
    form = page.locator("main form").filter(has=page.locator("input[type='password']")).first
    _fill_signup_form(form, email=email, password=PASSWORD)
    _submit(page, form)

    assert not page.locator("[aria-invalid='true']").count(), (
        "the sign-up form was refused: " + page.locator("main").inner_text()
    )
    sent = [message for message in mailoutbox if email in message.to]
    assert len(sent) == 1, f"expected one verification e-mail, got {len(sent)}"
    body = sent[0].body + "".join(
        content for content, _mime in getattr(sent[0], "alternatives", [])
    )
    # The link is absolute, on the configured public address (SITE_URL); follow its path on
    # the live server.
    paths = [urlsplit(url).path for url in re.findall(r"https?://[^\s\"'<>]+", body)]
    paths = [path for path in paths if path.startswith("/fr/")]
    assert paths, f"no link to the site in the verification e-mail:\n{sent[0].body}"

    response = page.goto(demo_site.url + paths[0])
    assert response.status == 200

    _login(page, demo_site, email=email, password=PASSWORD)
    assert page.url.split("?")[0] == _url(demo_site, "accounts:profile")
    assert email in page.locator("main").inner_text()


def test_login_with_a_wrong_password_shows_an_error_and_keeps_the_visitor_out(demo_site, page):
    user = UserFactory(email="dominique.martin@exemple.fr")

    _login(page, demo_site, email=user.email, password="ce n'est pas le bon mot de passe")

    assert page.url.split("?")[0] == _url(demo_site, "accounts:login")
    # The page also holds an empty live region for flash messages: look for the one with text.
    error = page.locator("main [role='alert']").filter(has_text=re.compile(r"\S")).first
    assert error.is_visible(), "no visible error message after a wrong password"
    assert error.inner_text().strip()

    page.goto(_url(demo_site, "accounts:profile"))
    assert page.url.split("?")[0] == _url(demo_site, "accounts:login")
