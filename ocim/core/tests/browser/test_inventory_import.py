"""The actor import in a real browser: a staff member uploads the demo file (Latin-1,
semicolons, deliberate problems), keeps the guessed mapping, sees the row errors, chooses to
skip them and gets the report; the import pages pass axe-core's WCAG 2.1 A/AA rules."""

import pytest
from django.urls import reverse

from ocim.inventory.models import Actor
from ocim.inventory.tests.import_support import DEMO_FILE, importer, load_communes

pytestmark = pytest.mark.browser


def _submit(page, form):
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def job_id(page) -> int:
    from ocim.inventory.models_import import ImportJob

    return ImportJob.objects.latest("pk").pk


def test_staff_import_the_demo_file_and_read_the_report(
    demo_site, page, axe_check, tmp_path, settings
):
    load_communes(tmp_path / "geo-fr")
    user = importer(password="une phrase de passe solide")
    page.goto(demo_site.url + reverse("accounts:login"))
    form = page.locator("main form").filter(has=page.locator("input[type='password']")).first
    form.locator("input[type='email'], input[name='username'], input[name='email']").first.fill(
        user.email
    )
    form.locator("input[type='password']").first.fill("une phrase de passe solide")
    _submit(page, form)

    page.goto(demo_site.url + reverse("inventory_import:index"))
    axe_check(page)
    form = page.locator("#import-upload-form")
    form.locator("input[type='file']").set_input_files(str(DEMO_FILE))
    form.locator("input[name='source']").fill("demo")
    _submit(page, form)

    assert "/mapping/" in page.url
    axe_check(page)
    _submit(page, page.locator("#import-mapping-form"))

    # The rows are checked in the background (at once under the test settings): the job's
    # page says so and leads to the preview.
    assert page.url.endswith(reverse("inventory_import:detail", args=[job_id(page)]))
    axe_check(page)
    with page.expect_navigation():
        page.locator("main a[href$='/preview/']").click()
    assert "/preview/" in page.url
    assert page.locator("#row-errors").is_visible()
    assert page.get_by_text("Villeneuve-sur-Nulle-Part").is_visible()
    axe_check(page)
    form = page.locator("#import-preview-form")
    form.locator("input[name='skip_invalid_rows']").check()
    _submit(page, form)

    # The test settings run tasks at once: the report is there after the redirect.
    assert page.locator("#import-outcome").is_visible()
    axe_check(page)
    assert Actor.objects.filter(source="demo").count() == 18
