"""The watch's back office in a real browser, checked by axe-core (WCAG 2.1 A/AA) on every
page: a curator searches the stream and saves the search, opens an item, stars it, marks
items read or unread; reads the sources' health and asks for a new read; imports an OPML
file (a bad one first); creates a source, choosing its actor in the chooser; finds a museum's
feed from its website's address and adds it."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.core.models import AuditLogEntry
from ocim.core.tests.browser.test_accounts import _login
from ocim.core.tests.servers import Reply
from ocim.inventory.tests.admin_builders import actor, territories
from ocim.watch.demo import watch_demo_ensure
from ocim.watch.models import (
    ClassificationRule,
    Item,
    ItemRead,
    SavedFilter,
    Source,
    SourceState,
)
from ocim.watch.tests.admin_builders import user_with_role
from ocim.watch.tests.fetching.builders import feed_reply

pytestmark = pytest.mark.browser

PASSWORD = "une phrase de passe solide"


def messages_shown(page):
    """Wait until the admin's messages have faded in (axe would measure a half-transparent
    message's contrast)."""
    page.locator(".messages").wait_for()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.messages > ul')).opacity === '1'"
    )


@pytest.fixture
def curator(demo_site, page):
    user = user_with_role("watch-curator")
    _login(page, demo_site, email=user.email, password=PASSWORD)
    return user


def test_a_curator_searches_the_stream_opens_an_item_and_stars_it(
    demo_site, page, axe_check, curator
):
    watch_demo_ensure()
    page.goto(demo_site.url + "/admin/watch/items/")
    assert page.locator("#watch-stream > li").count() >= 25
    axe_check(page)

    page.fill("#watch-filters input[name='q']", "herbiers numérisés")
    page.locator("#watch-filters button[type='submit']").click()
    page.wait_for_url("**/admin/watch/items/?*q=*")
    titles = page.locator("#watch-stream h3").all_inner_texts()
    assert titles and all("erbier" in title or "erbaria" in title for title in titles)
    axe_check(page)

    # The search kept under a name, shared, and found again in one click.
    page.fill("#watch-saved-form input[name='name']", "Herbiers")
    page.check("#watch-saved-form input[name='shared']")
    page.locator("#watch-saved-form button[type='submit']").click()
    messages_shown(page)
    assert SavedFilter.objects.get(user=curator).query == "q=herbiers+num%C3%A9ris%C3%A9s"
    page.goto(demo_site.url + "/admin/watch/items/")
    page.locator("#watch-saved a", has_text="Herbiers").click()
    page.wait_for_url("**/admin/watch/items/?q=*")
    assert page.locator("#watch-stream h3").all_inner_texts() == titles
    axe_check(page)

    page.locator("#watch-stream h3 a", has_text="L'herbier du Muséum").click()
    page.locator("#watch-item").wait_for()
    assert page.locator("#watch-sightings tbody tr").count() == 3
    axe_check(page)

    item = Item.objects.get(
        canonical_url="https://museum-garnier.example/actualites/herbier-numerise"
    )
    assert item.starred  # the demo's curator starred it
    page.locator("#watch-item-marks button[data-mark='starred']").click()
    messages_shown(page)
    item.refresh_from_db()
    assert not item.starred
    axe_check(page)

    # Opening the item marked it read for this curator; marked unread again, it is back in
    # the stream among the unread; "mark all as read" then marks every one of them.
    assert ItemRead.objects.filter(user=curator, item=item).exists()
    page.locator("#watch-item-marks button[data-read='1']").click()
    page.locator("#watch-stream").wait_for()
    messages_shown(page)
    assert not ItemRead.objects.filter(user=curator, item=item).exists()
    assert page.locator("#watch-stream .watch-item--unread").count() >= 25
    axe_check(page)
    page.locator("#watch-read-all button").click()
    messages_shown(page)
    assert page.locator("#watch-stream .watch-item--unread").count() == 0
    assert ItemRead.objects.filter(user=curator).count() == Item.objects.count()
    axe_check(page)


def test_a_curator_reads_the_health_view_and_asks_for_a_new_read(
    demo_site, page, axe_check, curator
):
    now = timezone.now()
    source = Source.objects.create(
        title="Flux en panne", url="https://panne.exemple.fr/rss", state=SourceState.SUSPENDED
    )
    Source.objects.filter(pk=source.pk).update(
        state_reason="Suspendue après 10 erreurs consécutives",
        last_fetch_at=now - dt.timedelta(minutes=3),
        last_status=500,
        last_error_code="server_error",
        consecutive_errors=10,
        fetch_count=12,
        not_modified_count=2,
    )
    Source.objects.create(title="Flux en forme", url="https://forme.exemple.fr/rss")
    page.goto(demo_site.url + "/admin/watch/health/")
    assert page.locator("#watch-health tbody tr").count() == 2
    axe_check(page)

    page.locator("#watch-health th a", has_text="Source").first.click()
    page.wait_for_url("**sort=*")
    axe_check(page)

    page.locator(f"#source-{source.pk} form[action$='/retry/'] button").click()
    messages_shown(page)
    # Read at once by the test's task backend: the invented address fails again, and the
    # fetcher logs it (and suspends the source again, as it should).
    assert AuditLogEntry.objects.filter(action="watch.source.retried").exists()
    axe_check(page)
    page.goto(demo_site.url + f"/admin/watch/health/{source.pk}/")
    assert page.locator("#watch-fetch-log tbody tr").count() >= 1
    axe_check(page)


def test_a_curator_imports_an_opml_file_after_a_bad_one(
    demo_site, page, axe_check, curator, tmp_path
):
    page.goto(demo_site.url + "/admin/watch/opml/import/")
    axe_check(page)

    bad = tmp_path / "export.opml"
    bad.write_text("<html><body>Pas un OPML</body></html>", encoding="utf-8")
    page.set_input_files("#opml-import-form input[type='file']", str(bad))
    page.locator("#opml-import-form button[type='submit']").click()
    page.locator("#opml-rejected").wait_for()
    axe_check(page)

    good = tmp_path / "abonnements.opml"
    good.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>t</title>'
        '</head><body><outline text="Musées"><outline type="rss" text="Muséum de Lyon" '
        'xmlUrl="https://museum.exemple.fr/rss"/></outline></body></opml>',
        encoding="utf-8",
    )
    page.set_input_files("#opml-import-form input[type='file']", str(good))
    page.locator("#opml-import-form button[type='submit']").click()
    page.locator("#opml-report").wait_for()
    axe_check(page)
    assert Source.objects.get().categories.get().name == "Musées"


def test_a_curator_creates_a_source_with_its_actor(demo_site, page, axe_check, curator):
    places = territories()
    actor("Muséum de Dijon", type_slug="museum-histoire-naturelle", commune=places["dijon"])
    page.goto(demo_site.url + "/admin/watch/sources/new/")
    axe_check(page)
    page.fill("input[name='title']", "Muséum de Dijon — actualités")
    page.fill("input[name='url']", "https://museum-dijon.exemple.fr/rss")
    page.locator("#id_actor-chooser .unchosen [data-chooser-action-choose]").click()
    modal = page.locator(".modal-dialog").last
    modal.locator("input[name='q']").fill("dijon")
    modal.locator("[data-chooser-modal-choice]", has_text="Muséum de Dijon").first.click()
    page.locator("#id_actor-chooser [data-chooser-title]", has_text="Muséum de Dijon").wait_for()
    page.locator("#w-editor-form button[type='submit']").first.click()
    page.wait_for_url("**/admin/watch/sources/")
    messages_shown(page)
    source = Source.objects.get()
    assert source.actor.name == "Muséum de Dijon"
    axe_check(page)


def test_a_curator_finds_a_museums_feed_from_its_website_and_adds_it(
    demo_site, page, axe_check, curator, loopback_server
):
    loopback_server.reply(
        "/",
        Reply(
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            (
                "<html lang='fr'><head><title>Muséum de Dijon</title>"
                "<link rel='alternate' type='application/rss+xml' href='/rss.xml'></head>"
                "<body></body></html>"
            ).encode(),
        ),
    )
    loopback_server.reply("/rss.xml", feed_reply([("a", "https://museum.example.org/a")]))
    page.goto(demo_site.url + "/admin/watch/sources/")
    page.locator("a", has_text="Find a website's feeds").click()
    page.wait_for_url("**/admin/watch/sources/discover/")
    axe_check(page)

    page.fill("#discover-form input[name='address']", "http://192.168.0.1/")
    page.locator("#discover-form button[type='submit']").click()
    page.locator("#discover-form .error-message, #discover-form [id$='-errors']").first.wait_for()
    axe_check(page)

    page.fill("#discover-form input[name='address']", loopback_server.url("/"))
    page.locator("#discover-form button[type='submit']").click()
    page.locator("#discover-feeds").wait_for()
    assert "Actualités du muséum" in page.locator("#discover-feeds").inner_text()
    axe_check(page)

    page.locator("#discover-feeds a", has_text="Add this source").click()
    page.wait_for_url("**/admin/watch/sources/new/?*")
    assert page.input_value("input[name='url']") == loopback_server.url("/rss.xml")
    assert page.input_value("input[name='title']") == "Actualités du muséum"
    page.locator("#w-editor-form button[type='submit']").first.click()
    page.wait_for_url("**/admin/watch/sources/")
    source = Source.objects.get()
    assert (source.url, source.site_url) == (
        loopback_server.url("/rss.xml"),
        loopback_server.url("/"),
    )


def test_a_curator_previews_a_web_pages_entries_before_saving_its_rules(
    demo_site, page, axe_check, curator, loopback_server
):
    loopback_server.reply(
        "/agenda/",
        Reply(
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            (
                "<html><body>"
                "<article class='actu'><h2><a href='/agenda/nuit'>Nuit des musées</a></h2>"
                "</article><article class='actu'><h2><a href='/agenda/os'>"
                "Montage ostéologique</a></h2></article>"
                "</body></html>"
            ).encode(),
        ),
    )
    page.goto(demo_site.url + "/admin/watch/sources/new/")
    page.fill("input[name='title']", "Agenda du muséum")
    page.fill("input[name='url']", loopback_server.url("/agenda/"))
    page.select_option("select[name='kind']", "page")
    page.fill("input[name='rules_item']", "article.li")  # a first try that matches nothing
    page.fill("input[name='rules_link']", "h2 a")
    button = page.get_by_role("button", name="Preview the entries")
    button.click()
    page.locator("#source-preview-error").wait_for()
    assert "matched nothing" in page.locator("#source-preview [role='status']").inner_text()
    axe_check(page)

    page.fill("input[name='rules_item']", "article.actu")
    button.click()
    page.locator("#source-preview-entries").wait_for()
    assert (
        page.locator("#source-preview-entries tbody tr")
        .all_inner_texts()[1]
        .startswith("Montage ostéologique")
    )
    assert (
        "2 entries in the document" in page.locator("#source-preview [role='status']").inner_text()
    )
    axe_check(page)
    # Nothing was saved by the preview; the form, untouched, saves the source.
    assert not Source.objects.exists()
    page.locator("#w-editor-form button[type='submit']").first.click()
    page.wait_for_url("**/admin/watch/sources/")
    assert Source.objects.get().extraction_rules["item"] == "article.actu"


def test_a_curator_writes_a_rule_that_leaves_job_offers_out(demo_site, page, axe_check, curator):
    watch_demo_ensure()
    page.goto(demo_site.url + "/admin/watch/rules/new/")
    page.fill("input[name='name']", "Offres d'emploi")
    page.check("input[name='action'][value='exclude']")
    page.select_option("select[name='conditions-0-field']", "title")
    page.select_option("select[name='conditions-0-operator']", "contains")
    page.fill("input[name='conditions-0-value']", "herbier")
    # Tried on the latest items before saving: the demo's herbarium items match.
    page.get_by_role("button", name="Try on the latest items").click()
    page.locator("#rule-trial-items").wait_for()
    assert "herbier" in page.locator("#rule-trial-items").inner_text().lower()
    assert "would have been left out" in page.locator("#rule-trial [role='status']").inner_text()
    axe_check(page)
    page.fill("input[name='conditions-0-value']", "offre d'emploi")
    page.locator("#w-editor-form button[type='submit']").first.click()
    page.wait_for_url("**/admin/watch/rules/")
    messages_shown(page)
    assert ClassificationRule.objects.get().action == "exclude"
    assert "Leave the entry out" in page.locator("table.listing").inner_text()
    axe_check(page)


def test_a_curator_reads_the_stream_with_the_keyboard(demo_site, page, axe_check, curator):
    watch_demo_ensure()
    page.goto(demo_site.url + "/admin/watch/items/")
    page.locator("#watch-keys").wait_for()  # shown by the script only: the keys work
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.locator("#watch-stream .watch-item").nth(1).locator(".watch-item__title a")
    assert second.evaluate("link => link === document.activeElement")
    pk = int(second.get_attribute("href").rstrip("/").rsplit("/", 1)[1])
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("m")  # the current item marked read; back to the stream
    messages_shown(page)
    assert ItemRead.objects.filter(user=curator, item_id=pk).exists()
    # The focus is back on that item (once the admin's scripts have loaded): the keyboard goes
    # on from there.
    page.wait_for_function("document.activeElement.matches('#watch-stream .watch-item__title a')")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.rstrip("/").endswith(f"/{pk}")
    page.keyboard.press("j")
    third = page.locator("#watch-stream .watch-item").nth(2).locator(".watch-item__title a")
    assert third.evaluate("link => link === document.activeElement")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    assert page.locator("#watch-keys").evaluate("details => details.open")
    axe_check(page)

    # Turned off (WCAG 2.1.4), they stay off in this browser, "?" included.
    page.uncheck("#watch-keys-enabled")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement === document.body")
    page.reload()
    page.locator("#watch-keys").wait_for()
    assert not page.locator("#watch-keys-enabled").is_checked()
    page.keyboard.press("?")
    assert not page.locator("#watch-keys").evaluate("details => details.open")
