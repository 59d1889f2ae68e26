"""Training in a real browser: the tailor-made request form (errors, then success) and the
participant's registrations page, each checked with axe-core (WCAG 2.1 A and AA)."""

import pytest
from django.urls import reverse

from ocim.accounts.tests.factories import UserFactory
from ocim.training import services
from ocim.training.models import TailorMadeRequest
from ocim.training.tests.core_builders import make_session, registration_data

from .test_accounts import _login, _submit

pytestmark = pytest.mark.browser

PASSWORD = "une phrase de passe solide"


def test_tailor_made_request_shows_errors_then_records_the_request(
    demo_site, page, axe_check, mailoutbox
):
    response = page.goto(demo_site.url + reverse("training:tailormade_request"))
    assert response.status == 200
    axe_check(page)
    # Nothing filled in, the browser's own checks switched off: the server answers.
    page.evaluate("document.querySelector('main form').noValidate = true")
    form = page.locator("main form").first
    _submit(page, form)
    assert TailorMadeRequest.objects.count() == 0
    assert page.locator("main [aria-invalid='true']").count() >= 3
    axe_check(page)  # the page with its error messages is accessible too

    form = page.locator("main form").first
    form.locator("[name='structure_name']").fill("Muséum de démonstration")
    form.locator("[name='contact_name']").fill("Claire Martin")
    form.locator("[name='contact_email']").fill("claire.martin@exemple.fr")
    form.locator("[name='topic']").fill("Éclairer une exposition de minéraux")
    form.locator("[name='description']").fill("Une équipe de douze personnes à former.")
    form.locator("[name='audience_size']").fill("12")
    form.locator("[name='consent']").check()
    _submit(page, form)
    errors = page.locator("main [aria-invalid='true']").all_inner_texts()
    assert not errors, page.locator("main").inner_text()
    assert TailorMadeRequest.objects.filter(contact_email="claire.martin@exemple.fr").count() == 1
    assert page.locator("main h1").count() == 1
    axe_check(page)


def test_my_registrations_page_is_accessible_and_cancels(demo_site, page, axe_check):
    user = UserFactory(email="stagiaire@exemple.fr", password=PASSWORD)
    session = make_session(capacity=5, days_ahead=40)
    registration = services.registration_create(
        session=session, user=user, data=registration_data()
    )
    _login(page, demo_site, email=user.email, password=PASSWORD)
    page.goto(demo_site.url + reverse("training:my_registrations"))
    assert page.locator("main table").count() == 1
    axe_check(page)
    form = page.locator("main form").filter(has=page.locator("button[type='submit']")).first
    _submit(page, form)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    axe_check(page)
