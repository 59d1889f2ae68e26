"""Saved filters of the reading view (the "user queries" of FreshRSS): a curator keeps the
stream's filters under a name, for themselves or shared with the other curators, finds them
again in one click and deletes their own. Bad names, filters in error or none at all save
nothing and say why; nobody deletes another's filter."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.core.models import AuditLogEntry
from ocim.watch.models import MAX_SAVED_FILTERS, SavedFilter

from .admin_builders import SourceFactory, item, user_with_role

pytestmark = pytest.mark.django_db

STREAM = "/admin/watch/items/"
SAVE = "/admin/watch/items/saved/"


@pytest.fixture
def claire():
    return user_with_role("watch-curator", first_name="Claire", last_name="Veille")


@pytest.fixture
def paul():
    return user_with_role("watch-curator", first_name="Paul", last_name="Musée")


@pytest.fixture
def client_claire(client, claire):
    client.force_login(claire)
    return client


@pytest.fixture
def items():
    lyon = SourceFactory(title="Actualités de Lyon")
    return {
        "museum": item(source=lyon, title="Le musée rouvre ses réserves"),
        "science": item(title="Science centres open new galleries", language="en"),
        "lyon": lyon,
    }


def _messages(response) -> str:
    return unescape(response.content.decode())


def test_a_curator_saves_the_filters_and_finds_them_again(client_claire, claire, items):
    query = f"?source={items['lyon'].pk}&language=fr&p=2"
    html = client_claire.get(STREAM + query).content.decode()
    assert 'id="watch-saved-form"' in html
    response = client_claire.post(
        SAVE + query, {"name": "  Lyon   en français ", "shared": "on"}, follow=True
    )
    assert _("Filters saved as “%(name)s”.") % {"name": "Lyon en français"} in _messages(response)
    saved = SavedFilter.objects.get()
    # The filters only, in the form's order, without the page.
    assert (saved.user, saved.name, saved.query, saved.shared) == (
        claire,
        "Lyon en français",
        f"source={items['lyon'].pk}&language=fr",
        True,
    )
    assert AuditLogEntry.objects.filter(action="watch.saved_filter.created").count() == 1
    html = client_claire.get(STREAM).content.decode()
    link = f'href="{STREAM}?source={items["lyon"].pk}&amp;language=fr"'
    assert link in html and "Lyon en français" in html
    response = client_claire.get(f"{STREAM}?{saved.query}")
    assert items["museum"].title in response.content.decode()
    assert items["science"].title not in response.content.decode()
    assert 'aria-current="true">Lyon en français' in response.content.decode()


def test_shared_filters_are_seen_by_the_others_private_ones_are_not(client, claire, paul):
    SavedFilter.objects.create(user=paul, name="Muséums", query="language=fr", shared=True)
    SavedFilter.objects.create(user=paul, name="Brouillon de Paul", query="language=en")
    client.force_login(claire)
    html = unescape(client.get(STREAM).content.decode())
    assert "Muséums" in html and "Brouillon de Paul" not in html
    assert _("shared by %(name)s") % {"name": "Paul Musée"} in html
    # Claire sees Paul's shared filter but cannot delete it.
    shared = SavedFilter.objects.get(name="Muséums")
    response = client.post(reverse("watch:saved_delete", args=[shared.pk]), follow=True)
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=shared.pk).exists()


def test_a_curator_deletes_their_own_filter(client_claire, claire):
    saved = SavedFilter.objects.create(user=claire, name="Jardins", query="language=fr")
    url = reverse("watch:saved_delete", args=[saved.pk])
    assert client_claire.get(url).status_code == 405
    response = client_claire.post(url, {"next": STREAM + "?language=fr"})
    assert response.status_code == 302 and response["Location"] == STREAM + "?language=fr"
    assert not SavedFilter.objects.exists()
    assert AuditLogEntry.objects.filter(action="watch.saved_filter.deleted").count() == 1


CHOOSE = "Choose filters without errors first, then save them under a name."


@pytest.mark.parametrize(
    ("query", "data", "reason"),
    [
        ("", {"name": "Rien"}, None),
        ("?date_from=2026-13-45", {"name": "Mauvaise date"}, None),
        ("?source=999999", {"name": "Source inconnue"}, None),
        ("?language=fr", {"name": "   "}, "This field is required."),
        # Django's own message (in its catalogue, with plural forms): "at most 100 characters".
        ("?language=fr", {"name": "x" * 101}, ""),
    ],
)
def test_bad_requests_save_nothing_and_say_why(client_claire, items, query, data, reason):
    response = client_claire.post(SAVE + query, data, follow=True)
    assert response.status_code == 200
    html = _messages(response)
    if reason is None:
        assert _(CHOOSE) in html
    else:
        assert _("These filters were not saved: %(reason)s").split("%")[0] in html
        assert not reason or _(reason) in html
    assert not SavedFilter.objects.exists()


def test_names_are_unique_per_curator_whatever_their_case_and_bounded(client_claire, claire, paul):
    SavedFilter.objects.create(user=paul, name="Muséums", query="language=fr")
    response = client_claire.post(SAVE + "?language=fr", {"name": "Muséums"})
    assert SavedFilter.objects.filter(user=claire, name="Muséums").exists()  # Paul's is his
    response = client_claire.post(SAVE + "?language=en", {"name": "MUSÉUMS"}, follow=True)
    expected = _("You already have a saved filter named “%(name)s”: choose another name.")
    assert expected % {"name": "MUSÉUMS"} in _messages(response)
    assert SavedFilter.objects.filter(user=claire).count() == 1
    SavedFilter.objects.bulk_create(
        SavedFilter(user=claire, name=f"Filtre {number}", query="language=fr")
        for number in range(MAX_SAVED_FILTERS - 1)
    )
    response = client_claire.post(SAVE + "?language=fr", {"name": "Un de trop"}, follow=True)
    expected = _("You keep %(count)s saved filters already: delete one first.")
    assert expected % {"count": MAX_SAVED_FILTERS} in _messages(response)
    assert SavedFilter.objects.filter(user=claire).count() == MAX_SAVED_FILTERS


def test_a_saved_filter_whose_source_was_deleted_still_opens(client_claire, claire, items):
    source = SourceFactory(title="Source supprimée")
    saved = SavedFilter.objects.create(user=claire, name="Ancienne", query=f"source={source.pk}")
    source.delete()
    response = client_claire.get(f"{STREAM}?{saved.query}")
    assert response.status_code == 200
    assert "Ancienne" in response.content.decode()


def test_people_without_the_reading_view_cannot_save(client):
    client.force_login(user_with_role("editor"))
    assert client.post(SAVE + "?language=fr", {"name": "Non"}).status_code == 403
    assert not SavedFilter.objects.exists()


def test_a_curators_filters_and_read_marks_leave_with_their_account(claire, paul, items):
    from ocim.core.personal_data import erase_user, export_user
    from ocim.watch.models import ItemRead
    from ocim.watch.services import item_read_set

    SavedFilter.objects.create(user=claire, name="Lyon", query="language=fr", shared=True)
    SavedFilter.objects.create(user=paul, name="Paul", query="language=en")
    item_read_set(items["museum"], user=claire, read=True)
    item_read_set(items["museum"], user=paul, read=True)
    exported = export_user(claire)
    assert [row["name"] for row in exported["watch.SavedFilter.user"]] == ["Lyon"]
    assert [row["item"]["id"] for row in exported["watch.ItemRead.user"]] == [items["museum"].pk]
    erase_user(claire)
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Paul"]
    assert list(ItemRead.objects.values_list("user_id", flat=True)) == [paul.pk]
