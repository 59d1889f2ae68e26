"""The staff reading view: curators read the stream (filters, search, pages of a constant
number of queries), open an item with all its sources and its story, star and curate it;
other staff are refused, anonymous people sent to the login; any input gets a page, never a 500."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.accounts.roles import role_group, roles_ensure
from ocim.core.models import AuditLogEntry
from ocim.watch.models import ConceptOrigin, Item, ItemConcept

from .admin_builders import (
    SourceFactory,
    concept,
    item,
    sighting,
    story,
    territories,
    user_with_role,
)

pytestmark = pytest.mark.django_db

STREAM = "/admin/watch/items/"


@pytest.fixture
def curator():
    return user_with_role("watch-curator", first_name="Claire", last_name="Veille")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role("editor"))
    return client


@pytest.fixture
def items():
    territories()
    lyon = SourceFactory(title="Actualités de Lyon")
    press = SourceFactory(title="La presse régionale")
    museum = item(
        source=lyon,
        title="Le musée des Confluences rouvre ses réserves",
        summary="<b>Visites</b> guidées des collections.",
        content="<script>alert(1)</script>Des visites <em>guidées</em>.",
    )
    Item.objects.filter(pk=museum.pk).update(
        content_html="<p>Des visites <em>guidées</em>.</p><script>alert(1)</script>"
        '<img src="https://pistage.exemple.com/pixel.gif" alt="">'
    )
    sighting(museum, press)
    relayed = item(source=press, title="Réserves ouvertes à Lyon")
    story("Les réserves de Lyon", museum, relayed)
    english = item(source=press, title="Science centres open new galleries", language="en")
    ItemConcept.objects.create(item=museum, concept=concept(), origin=ConceptOrigin.THESAURUS)
    return {"museum": museum, "relayed": relayed, "english": english, "lyon": lyon}


def test_curators_are_granted_the_reading_view():
    roles_ensure()
    permissions = set(role_group("watch-curator").permissions.values_list("codename", flat=True))
    assert {"view_item", "change_item", "view_source", "add_source", "change_source"} <= (
        permissions
    )


def test_the_stream_lists_items_newest_first_with_their_sources(curator_client, items):
    response = curator_client.get(STREAM)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(items["museum"].title) < html.index(items["relayed"].title)
    assert "Actualités de Lyon" in html and "2 sources" in html
    assert 'lang="en"' in html
    assert "Botanique" in html  # its concept


def test_search_and_filters_narrow_the_stream(curator_client, items):
    html = curator_client.get(STREAM, {"q": "musées réserve"}).content.decode()
    assert items["museum"].title in html and items["relayed"].title not in html
    html = curator_client.get(STREAM, {"language": "en"}).content.decode()
    assert items["english"].title in html and items["museum"].title not in html
    html = curator_client.get(STREAM, {"story": items["museum"].story_id}).content.decode()
    assert "Les réserves de Lyon" in html and items["english"].title not in html
    html = curator_client.get(STREAM, {"source": items["lyon"].pk}).content.decode()
    assert items["museum"].title in html and items["relayed"].title not in html


@pytest.mark.parametrize(
    "params",
    [
        {"p": "abc"},
        {"p": "99999"},
        {"p": "-1"},
        {"date_from": "2026-13-45"},
        {"date_from": "2026-12-10", "date_to": "2026-12-01"},
        {"source": "999999"},
        {"source": "abc"},
        {"concept": "x"},
        {"family": "999999"},
        {"territory": "region:<script>"},
        {"language": "klingon"},
        {"story": "0"},
        {"story": "abc"},
        {"kept": "everything"},
        {"read": "maybe"},
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"q": '\' OR 1=1 -- "musée" NEAR('},
    ],
)
def test_any_input_gets_a_page_never_a_500(curator_client, items, params):
    response = curator_client.get(STREAM, params)
    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_a_bad_date_is_explained_and_the_other_filters_kept(curator_client, items):
    response = curator_client.get(STREAM, {"date_from": "2026-13-45", "language": "en"})
    html = response.content.decode()
    assert _("Enter a valid date.") in html
    assert items["english"].title in html and items["museum"].title not in html


def test_a_page_of_the_stream_runs_a_constant_number_of_queries(
    curator_client, items, django_assert_max_num_queries
):
    curator_client.get(STREAM)  # the admin's shell caches what it can on the first request
    with django_assert_max_num_queries(60) as first:
        assert curator_client.get(STREAM).status_code == 200
    source = SourceFactory()
    for number in range(45):
        record = item(source=source, title=f"Article {number}", index=False)
        ItemConcept.objects.create(item=record, concept=concept(), origin=ConceptOrigin.STAFF)
        sighting(record, items["lyon"])
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert curator_client.get(STREAM).status_code == 200
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert curator_client.get(STREAM, {"p": "2"}).status_code == 200


def test_the_item_shows_all_its_sources_its_story_and_clean_content(curator_client, items):
    museum = items["museum"]
    response = curator_client.get(reverse("watch:item", args=[museum.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Actualités de Lyon" in html and "La presse régionale" in html
    assert items["relayed"].title in html  # the same story elsewhere
    assert "<em>guidées</em>" in html
    assert "<script>alert" not in html
    assert "pistage.exemple.com" not in html
    assert "Botanique" in html and _("Thesaurus label") in html


def test_an_unknown_item_is_a_404(curator_client, items):
    # (LocaleMiddleware first tries the address under /fr/; it is a 404 there too.)
    response = curator_client.get(reverse("watch:item", args=[999999]), follow=True)
    assert response.status_code == 404


def test_curators_star_and_curate_and_go_back_where_they_were(curator_client, curator, items):
    museum = items["museum"]
    mark = reverse("watch:mark", args=[museum.pk])
    response = curator_client.post(mark, {"mark": "starred", "value": "1", "next": STREAM + "?p=1"})
    assert response.status_code == 302 and response["Location"] == STREAM + "?p=1"
    response = curator_client.post(mark, {"mark": "curated", "value": "1"})
    assert response["Location"] == reverse("watch:item", args=[museum.pk])
    museum.refresh_from_db()
    assert museum.starred and museum.curated
    entry = AuditLogEntry.objects.get(action="watch.item.starred")
    assert entry.actor == curator
    html = curator_client.get(STREAM, {"kept": "starred"}).content.decode()
    assert museum.title in html and items["relayed"].title not in html


def test_marking_refuses_other_sites_unknown_marks_and_get(curator_client, items):
    museum = items["museum"]
    mark = reverse("watch:mark", args=[museum.pk])
    response = curator_client.post(
        mark, {"mark": "starred", "value": "1", "next": "https://evil.exemple.com/"}
    )
    assert response["Location"] == reverse("watch:item", args=[museum.pk])
    curator_client.post(mark, {"mark": "published", "value": "1"})
    curator_client.post(mark, {"mark": "starred", "value": "yes"})
    museum.refresh_from_db()
    assert not museum.published
    assert curator_client.get(mark).status_code == 405
    response = curator_client.post(reverse("watch:mark", args=[999999]), {}, follow=True)
    assert response.status_code in (404, 405)


def test_staff_without_the_role_are_refused(editor_client, items):
    museum = items["museum"]
    assert editor_client.get(STREAM).status_code == 403
    assert editor_client.get(reverse("watch:item", args=[museum.pk])).status_code == 403
    response = editor_client.post(
        reverse("watch:mark", args=[museum.pk]), {"mark": "starred", "value": "1"}
    )
    assert response.status_code == 403
    museum.refresh_from_db()
    assert not museum.starred


def test_anonymous_visitors_are_sent_to_the_login(client, items):
    for address in (STREAM, reverse("watch:item", args=[items["museum"].pk])):
        response = client.get(address)
        assert response.status_code == 302 and "login" in response["Location"]


def test_superusers_read_the_stream(client, items, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="admin@exemple.fr", password="une phrase de passe solide"
    )
    client.force_login(admin)
    assert client.get(STREAM).status_code == 200
