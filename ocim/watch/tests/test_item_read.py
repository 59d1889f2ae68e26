"""Read marks of the reading view, as in a feed reader: opening an item marks it read for its
reader alone; readers mark an item read or unread, or every item of their filters at once
(up to the newest item they were shown); the stream shows and filters what each has read.
Bad input marks nothing and says so; the marks go with their item."""

import datetime as dt
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ocim.watch.models import Item, ItemRead
from ocim.watch.pipeline.retention import items_purge_expired
from ocim.watch.selectors import ItemFilters, ReadState, items_filtered
from ocim.watch.services import item_read_set, items_read_all

from .admin_builders import SourceFactory, item, user_with_role

pytestmark = pytest.mark.django_db

STREAM = "/admin/watch/items/"
READ_ALL = "/admin/watch/items/read/"


@pytest.fixture
def claire():
    return user_with_role("watch-curator", first_name="Claire")


@pytest.fixture
def paul():
    return user_with_role("watch-curator", first_name="Paul")


@pytest.fixture
def client_claire(client, claire):
    client.force_login(claire)
    return client


@pytest.fixture
def items():
    lyon = SourceFactory(title="Actualités de Lyon")
    press = SourceFactory(title="La presse régionale")
    return {
        "museum": item(source=lyon, title="Le musée rouvre ses réserves"),
        "garden": item(source=lyon, title="Le jardin botanique fête ses cent ans"),
        "science": item(source=press, title="Science centres open new galleries", language="en"),
    }


def _titles(user, read: str) -> set[str]:
    return set(items_filtered(ItemFilters(read=read), reader=user).values_list("title", flat=True))


def test_marks_are_each_readers_own(claire, paul, items):
    museum = items["museum"]
    assert item_read_set(museum, user=claire, read=True)
    assert not item_read_set(museum, user=claire, read=True)  # already read: nothing written
    assert _titles(claire, ReadState.READ) == {museum.title}
    assert museum.title in _titles(claire, "") and museum.title not in _titles(
        claire, ReadState.UNREAD
    )
    assert _titles(paul, ReadState.READ) == set()
    assert _titles(paul, ReadState.UNREAD) == {record.title for record in items.values()}
    assert item_read_set(museum, user=claire, read=False)
    assert not item_read_set(museum, user=claire, read=False)
    assert _titles(claire, ReadState.READ) == set()


def test_opening_an_item_marks_it_read_and_the_stream_says_which_are_unread(
    client_claire, claire, paul, items
):
    museum = items["museum"]
    html = client_claire.get(STREAM).content.decode()
    assert html.count(_("Unread")) >= 3
    assert client_claire.get(reverse("watch:item", args=[museum.pk])).status_code == 200
    assert ItemRead.objects.filter(user=claire, item=museum).exists()
    assert not ItemRead.objects.filter(user=paul).exists()
    # The stream's quick link to the unread items keeps the other filters.
    html = client_claire.get(STREAM, {"language": "fr"}).content.decode()
    assert 'id="watch-read-toggle"' in html and "?language=fr&amp;read=unread" in html
    response = client_claire.get(STREAM, {"read": "unread"})
    html = response.content.decode()
    assert museum.title not in html
    assert items["garden"].title in html and items["science"].title in html
    response = client_claire.get(STREAM, {"read": "read"})
    html = response.content.decode()
    assert museum.title in html and items["garden"].title not in html


def test_readers_mark_an_item_unread_then_read_and_go_back(client_claire, claire, items):
    museum = items["museum"]
    client_claire.get(reverse("watch:item", args=[museum.pk]))
    url = reverse("watch:read", args=[museum.pk])
    response = client_claire.post(url, {"value": "0", "next": STREAM + "?p=1"})
    assert response.status_code == 302 and response["Location"] == STREAM + "?p=1"
    assert not ItemRead.objects.filter(user=claire, item=museum).exists()
    # Another site as "next" is not followed.
    response = client_claire.post(url, {"value": "1", "next": "https://ailleurs.exemple.com/"})
    assert response["Location"] == STREAM
    assert ItemRead.objects.filter(user=claire, item=museum).exists()
    messages = [str(m).strip() for m in response.wsgi_request._messages]
    assert _("“%(title)s” marked as read.") % {"title": museum.title} in messages


def test_bad_read_requests_mark_nothing(client_claire, claire, items):
    url = reverse("watch:read", args=[items["museum"].pk])
    assert client_claire.get(url).status_code == 405
    response = client_claire.post(url, {"value": "yes"}, follow=True)
    assert response.status_code == 200
    assert _("This action is not known.") in unescape(response.content.decode())
    # An unknown item (LocaleMiddleware tries the address under /fr/ first: a 404 there too).
    response = client_claire.post(reverse("watch:read", args=[999999]), {"value": "1"}, follow=True)
    assert response.status_code == 404
    assert client_claire.get(READ_ALL).status_code == 405
    for data, query in (
        ({"up_to": "many"}, ""),
        ({}, ""),
        ({"up_to": "5"}, "?date_from=2026-13-45"),
    ):
        response = client_claire.post(READ_ALL + query, data, follow=True)
        assert response.status_code == 200
        assert _("These items could not be marked as read: show them again and retry.") in (
            unescape(response.content.decode())
        )
    assert not ItemRead.objects.exists()


def test_people_without_the_reading_view_cannot_mark(client, items):
    client.force_login(user_with_role("editor"))
    assert client.post(
        reverse("watch:read", args=[items["museum"].pk]), {"value": "1"}
    ).status_code == (403)
    assert client.post(READ_ALL, {"up_to": "999999"}).status_code == 403
    assert not ItemRead.objects.exists()


def test_mark_all_as_read_takes_the_filters_and_stops_at_the_newest_item_shown(
    client_claire, claire, paul, items
):
    html = client_claire.get(STREAM, {"language": "fr"}).content.decode()
    label = ngettext("Mark this item as read", "Mark these %(count)s items as read", 2)
    assert label % {"count": 2} in html
    shown_newest = Item.objects.order_by("-pk").first().pk
    # An item found after the page was shown, matching the filters: it stays unread.
    later = item(title="Une nouvelle exposition", language="fr")
    response = client_claire.post(
        READ_ALL + "?language=fr&p=2", {"up_to": str(shown_newest)}, follow=False
    )
    assert response.status_code == 302 and response["Location"] == STREAM + "?language=fr"
    read = set(ItemRead.objects.filter(user=claire).values_list("item_id", flat=True))
    assert read == {items["museum"].pk, items["garden"].pk}
    assert later.pk not in read and items["science"].pk not in read  # newer; English
    assert not ItemRead.objects.filter(user=paul).exists()
    # Again: nothing new to mark, said so; the read rows are not duplicated.
    response = client_claire.post(READ_ALL + "?language=fr", {"up_to": str(later.pk)}, follow=True)
    marked = ngettext("%(count)s item marked as read.", "%(count)s items marked as read.", 1)
    assert marked % {"count": 1} in unescape(response.content.decode())
    response = client_claire.post(READ_ALL + "?language=fr", {"up_to": str(later.pk)}, follow=True)
    assert _("These items were already read.") in unescape(response.content.decode())
    assert ItemRead.objects.filter(user=claire).count() == 3


def test_mark_all_as_read_is_one_statement_whatever_the_number_of_items(claire):
    source = SourceFactory()
    for number in range(40):
        item(source=source, title=f"Article {number}", index=False)
    newest = Item.objects.order_by("-pk").first().pk
    with CaptureQueriesContext(connection) as queries:
        assert (
            items_read_all(items_filtered(ItemFilters(), reader=claire), user=claire, up_to=newest)
            == 40
        )
    writes = [query for query in queries.captured_queries if "INSERT" in query["sql"].upper()]
    assert len(writes) == 1
    assert ItemRead.objects.filter(user=claire).count() == 40


def test_read_marks_go_with_their_items_at_retention(claire, settings):
    settings.OCIM_WATCH_RETENTION_DAYS = 30
    old = item(published_at=timezone.now() - dt.timedelta(days=400))
    recent = item()
    item_read_set(old, user=claire, read=True)
    item_read_set(recent, user=claire, read=True)
    assert items_purge_expired() == 1
    assert list(ItemRead.objects.values_list("item_id", flat=True)) == [recent.pk]


def test_a_page_of_the_stream_reads_the_marks_of_its_own_items_only(client_claire, claire, items):
    # Asked in the page's query (an EXISTS per row), PostgreSQL hashed every item the reader
    # ever read, whatever the page: 50 ms at 120,000 read items. One look-up of the page's ids.
    item_read_set(items["museum"], user=claire, read=True)
    with CaptureQueriesContext(connection) as queries:
        html = client_claire.get(STREAM).content.decode()
    reads = [query["sql"] for query in queries.captured_queries if "watch_itemread" in query["sql"]]
    assert len(reads) == 1 and " IN (" in reads[0]
    assert html.count('class="watch-item watch-item--unread"') == 2  # garden, science
