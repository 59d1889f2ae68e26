"""The inventory's back office in a real browser: an analyst creates an actor, choosing its
commune and its parent organisation in the choosers' search (their JavaScript runs without
error), then reverts a change from the history."""

import pytest

from ocim.inventory.models import Actor, ActorType, RevisionSource
from ocim.inventory.services import actor_save
from ocim.inventory.tests.admin_builders import actor, territories, user_with_role

from .test_accounts import _login

pytestmark = pytest.mark.browser

PASSWORD = "une phrase de passe solide"


def _choose(page, field: str, query: str, name: str):
    """Open the chooser of ``field``, search ``query``, pick ``name``."""
    page.locator(f"#id_{field}-chooser .unchosen [data-chooser-action-choose]").click()
    modal = page.locator(".modal-dialog").last
    modal.locator("input[name='q']").fill(query)
    modal.locator("[data-chooser-modal-choice]", has_text=name).first.click()
    page.locator(f"#id_{field}-chooser [data-chooser-title]", has_text=name).wait_for()


def test_an_analyst_creates_an_actor_with_the_choosers_then_reverts(demo_site, page, axe_check):
    places = territories()
    university = actor("Université de Bourgogne", type_slug="universite", commune=places["dijon"])
    analyst = user_with_role("observatory-analyst")
    _login(page, demo_site, email=analyst.email, password=PASSWORD)

    page.goto(demo_site.url + "/admin/inventory_actors/new/")
    axe_check(page)
    page.fill("input[name='name']", "Jardin des sciences de Dijon")
    garden = ActorType.objects.get(slug="jardin-botanique-arboretum")
    page.select_option("select[name='type']", value=str(garden.pk))
    _choose(page, "commune", "dijon", "Dijon (21)")
    _choose(page, "parent", "bourgogne", "Université de Bourgogne")
    page.fill("input[name='visitors-0-year']", "2023")
    page.fill("input[name='visitors-0-visitors']", "41000")
    page.locator("#w-editor-form button[type='submit']").first.click()
    page.wait_for_url("**/admin/inventory_actors/")

    record = Actor.objects.get(name="Jardin des sciences de Dijon")
    assert (record.commune_id, record.region_id, record.parent_id) == ("21231", "27", university.pk)
    first = record.revisions.get()
    assert first.source == RevisionSource.ADMIN and first.user == analyst

    record.name = "Nom erroné"
    actor_save(record)
    page.goto(demo_site.url + f"/admin/inventory_actors/history/{record.pk}/")
    assert page.locator("#actor-history").is_visible()
    axe_check(page)
    page.locator(f"#revision-{first.pk}").get_by_role("link").first.click()
    page.locator("#actor-revert-form button[type='submit']").click()
    page.wait_for_url(f"**/admin/inventory_actors/history/{record.pk}/")
    record.refresh_from_db()
    assert record.name == "Jardin des sciences de Dijon"
