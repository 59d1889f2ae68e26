"""Sources and their categories in the back office: curators create and edit sources (saved by
``source_save``: the address checked by the fetcher's rules, web pages with their extraction
rules), link them to an actor with the chooser, pause them, delete them (never losing kept
items); other staff are refused."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.core.models import AuditLogEntry
from ocim.inventory.tests.admin_builders import actor
from ocim.inventory.tests.admin_builders import territories as inventory_territories
from ocim.watch.models import Item, Source, SourceCategory, SourceKind, SourceState

from .admin_builders import SourceCategoryFactory, SourceFactory, concept, item, user_with_role

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"watch_sources:{name}", args=args)


@pytest.fixture
def curator():
    return user_with_role("watch-curator")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role("editor"))
    return client


def form_data(**overrides) -> dict:
    data = {
        "title": "Muséum de Lyon",
        "url": "https://museum.exemple.fr/flux.xml",
        "site_url": "https://museum.exemple.fr/",
        "kind": "feed",
        "language": "fr",
        "description": "Les actualités du muséum",
        "rules_engine": "css",
        "rules_item": "",
        "rules_title": "",
        "rules_link": "",
        "rules_date": "",
        "rules_summary": "",
        "categories": [],
        "concepts": [],
        "region": "",
        "department": "",
        "actor": "",
        "state": "active",
        "state_reason": "",
    }
    data.update(overrides)
    return data


def test_creating_a_source_goes_through_the_service(curator_client, curator):
    category = SourceCategoryFactory(name="Musées")
    botany = concept()
    places = inventory_territories()
    museum = actor(
        "Muséum de Dijon", type_slug="museum-histoire-naturelle", commune=places["dijon"]
    )
    response = curator_client.post(
        url("add"),
        form_data(
            url="https://MUSEUM.exemple.fr:443/flux.xml#haut",
            categories=[str(category.pk)],
            concepts=[str(botany.pk)],
            department="21",
            actor=str(museum.pk),
            fetch_full_text="on",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    source = Source.objects.get()
    assert source.url == "https://museum.exemple.fr/flux.xml"
    assert source.region_id == "27" and source.actor == museum and source.fetch_full_text
    assert list(source.categories.all()) == [category]
    assert list(source.concepts.all()) == [botany]
    assert source.next_fetch_at is not None
    assert AuditLogEntry.objects.get(action="watch.source.created").actor == curator


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"url": "pas une adresse"}, "url", "This web address is not valid."),
        (
            {"url": "https://192.168.0.1/rss"},
            "url",
            "This address points to a private, local or reserved network: the watch cannot "
            "read it.",
        ),
        ({"url": "javascript:alert(1)"}, "url", "Only http and https addresses can be fetched."),
        ({"title": ""}, "title", "This field is required."),
        ({"language": "français"}, "language", None),
        ({"kind": "page", "rules_link": "a"}, "rules_item", "The item selector is required."),
        (
            {"kind": "page", "rules_item": "article[", "rules_link": "a"},
            "rules_item",
            "This is not a valid CSS selector.",
        ),
        (
            {"kind": "page", "rules_engine": "xpath", "rules_item": "//div[", "rules_link": "a"},
            "rules_item",
            "This is not a valid XPath expression.",
        ),
        (
            {"kind": "page", "rules_item": "article"},
            "rules_link",
            "Give a selector for the link or for the title of each item.",
        ),
        ({"state": "suspended"}, "state", None),
        (
            {"full_text_selector": "div.article["},
            "full_text_selector",
            "This is not a valid CSS selector.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    curator_client, settings, overrides, field, message
):
    settings.OCIM_FETCH_ALLOW_ADDRESSES = []
    response = curator_client.post(url("add"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert _(message) in errors[field]
    assert not Source.objects.exists()


def test_a_department_outside_the_region_is_refused(curator_client):
    inventory_territories()
    response = curator_client.post(url("add"), form_data(region="84", department="21"))
    assert "department" in response.context["form"].errors
    assert not Source.objects.exists()


def test_an_address_already_watched_is_named(curator_client):
    SourceFactory(url="https://museum.exemple.fr/flux.xml", title="Le muséum déjà suivi")
    response = curator_client.post(url("add"), form_data())
    assert "Le muséum déjà suivi" in str(response.context["form"].errors["url"])
    assert Source.objects.count() == 1


def test_a_web_page_is_saved_with_its_extraction_rules(curator_client):
    response = curator_client.post(
        url("add"),
        form_data(
            kind="page",
            url="https://museum.exemple.fr/actualites/",
            rules_engine="css",
            rules_item="article.news",
            rules_title="h2",
            rules_link="a",
            rules_date="time",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    source = Source.objects.get()
    assert source.kind == SourceKind.PAGE
    assert source.extraction_rules == {
        "engine": "css",
        "item": "article.news",
        "title": "h2",
        "link": "a",
        "date": "time",
    }
    # The edit form shows them again, field by field.
    html = curator_client.get(url("edit", source.pk)).content.decode()
    assert 'value="article.news"' in html


def test_the_main_text_selector_is_kept_for_the_full_text(curator_client):
    response = curator_client.post(
        url("add"), form_data(fetch_full_text="on", full_text_selector="  article .contenu  ")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Source.objects.get().full_text_selector == "article .contenu"


def test_pausing_from_the_form_is_recorded_with_its_reason(curator_client):
    source = SourceFactory()
    response = curator_client.post(
        url("edit", source.pk),
        form_data(
            title=source.title, url=source.url, state="paused", state_reason="Site en travaux"
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    source.refresh_from_db()
    assert (source.state, source.state_reason) == (SourceState.PAUSED, "Site en travaux")
    assert AuditLogEntry.objects.filter(action="watch.source.paused").exists()


def test_a_suspended_source_is_resumed_by_the_fetchers_reset(curator_client):
    source = SourceFactory(state=SourceState.SUSPENDED, state_reason="Trop d'erreurs")
    Source.objects.filter(pk=source.pk).update(consecutive_errors=12, last_error_code="gone")
    html = curator_client.get(url("edit", source.pk)).content.decode()
    assert str(SourceState.SUSPENDED.label) in html
    response = curator_client.post(
        url("edit", source.pk), form_data(title=source.title, url=source.url, state="active")
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.state == SourceState.ACTIVE and source.state_reason == ""
    assert (source.consecutive_errors, source.last_error_code) == (0, "")
    assert AuditLogEntry.objects.filter(action="watch.source.reset").exists()


def test_the_list_searches_titles_and_addresses_and_filters_by_state(curator_client):
    SourceFactory(title="Muséum de Lyon", url="https://museum.exemple.fr/rss")
    SourceFactory(title="La presse", url="https://presse.exemple.fr/rss", state="paused")
    html = curator_client.get(url("index"), {"q": "presse.exemple"}).content.decode()
    assert "La presse" in html and "Muséum de Lyon" not in html
    html = curator_client.get(url("index"), {"state": "paused"}).content.decode()
    assert "La presse" in html and "Muséum de Lyon" not in html


def test_deleting_keeps_items_of_other_sources_and_refuses_to_lose_kept_ones(curator_client):
    source = SourceFactory(title="À supprimer")
    kept = item(source=source, starred=True)
    html = curator_client.get(url("delete", source.pk)).content.decode()
    assert "cannot be deleted" in html or "ne peut pas être supprimée" in html
    response = curator_client.post(url("delete", source.pk))
    assert response.status_code == 302
    assert Source.objects.filter(pk=source.pk).exists()

    Item.objects.filter(pk=kept.pk).update(starred=False)
    response = curator_client.post(url("delete", source.pk))
    assert response.status_code == 302
    assert not Source.objects.filter(pk=source.pk).exists()
    assert not Item.objects.exists()
    assert AuditLogEntry.objects.filter(action="watch.source.deleted").exists()


def test_the_actor_chooser_searches_the_inventory_for_curators(curator_client):
    places = inventory_territories()
    actor("Muséum de Dijon", type_slug="museum-histoire-naturelle", commune=places["dijon"])
    actor("Jardin des sciences", commune=places["dijon"])
    response = curator_client.get("/admin/watch/actor-chooser/results/", {"q": "muséum"})
    html = response.content.decode()
    assert "Muséum de Dijon" in html and "Jardin des sciences" not in html
    curator_client.force_login(user_with_role("editor"))
    response = curator_client.get("/admin/watch/actor-chooser/results/", {"q": "muséum"})
    assert response.status_code in (302, 403)


def test_categories_get_an_identifier_from_their_name(curator_client):
    response = curator_client.post(
        reverse("watch_categories:add"), {"name": "Sciences & Société", "slug": ""}
    )
    assert response.status_code == 302
    assert SourceCategory.objects.get().slug == "sciences-societe"
    response = curator_client.post(
        reverse("watch_categories:add"), {"name": "Sciences Société", "slug": ""}
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors


def test_staff_without_the_role_are_refused_everywhere(editor_client):
    source = SourceFactory()
    for address in (
        url("index"),
        url("add"),
        url("edit", source.pk),
        url("delete", source.pk),
        reverse("watch_categories:index"),
        reverse("watch_rules:index"),
    ):
        response = editor_client.get(address)
        assert response.status_code in (302, 403), address
        if response.status_code == 302:
            assert "watch" not in response["Location"]
    response = editor_client.post(url("add"), form_data(url="https://intrus.exemple.fr/rss"))
    assert response.status_code in (302, 403)
    assert Source.objects.count() == 1
    response = editor_client.post(url("delete", source.pk))
    assert Source.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(url("index"))
    assert response.status_code == 302 and "login" in response["Location"]
