"""A watch item taken up by the site: a curator who may also add news pages drafts one from
the item (title, date, summary as the lead, the source credited with a link), opens it in the
page editor, and the item is kept past retention and points to it. Nothing is published;
one draft per item; without the permission or a news index, nothing is created and the page
says why."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocim.accounts.roles import role_group
from ocim.core.models import AuditLogEntry
from ocim.publishing.models import NewsPage
from ocim.publishing.tests import builders, news_builders
from ocim.watch.models import Item
from ocim.watch.pipeline.retention import items_purge_expired

from .admin_builders import SourceFactory, item, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return news_builders.news_index(builders.site_with_magazine())


@pytest.fixture
def curator_editor():
    user = user_with_role("watch-curator", first_name="Claire", last_name="Veille")
    user.groups.add(role_group("editor"))
    return user


@pytest.fixture
def old_item():
    source = SourceFactory(title="Muséum de Dijon")
    return item(
        source=source,
        title="Le jardin des sciences  rouvre   ses serres",
        summary="Les serres tropicales rouvrent après deux ans de travaux.",
        url="https://museum.dijon.exemple/actualites/serres?x=1&y=2",
        published_at=timezone.now() - dt.timedelta(days=400),
    )


def test_a_curator_editor_drafts_a_news_page_from_an_item(client, index, curator_editor, old_item):
    client.force_login(curator_editor)
    page_url = reverse("watch:item", args=[old_item.pk])
    assert 'id="watch-item-news-form"' in client.get(page_url).content.decode()
    response = client.post(reverse("watch:news", args=[old_item.pk]))
    page = NewsPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live and page.get_parent().pk == index.pk
    assert page.title == "Le jardin des sciences rouvre ses serres"
    assert page.date == timezone.localdate(old_item.published_at)
    assert page.lead == "Les serres tropicales rouvrent après deux ans de travaux."
    credit = str(page.body[0].value)
    assert 'href="https://museum.dijon.exemple/actualites/serres?x=1&amp;y=2"' in credit
    assert "Muséum de Dijon" in credit
    assert page.get_latest_revision() is not None  # opens in the editor like any draft
    stored = Item.objects.get(pk=old_item.pk)
    assert stored.published and stored.news_page_id == page.pk
    assert AuditLogEntry.objects.filter(action="watch.item.news_drafted").count() == 1
    # The item's page now links to the draft instead of offering another.
    html = client.get(page_url).content.decode()
    assert 'id="watch-item-news-form"' not in html
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in html
    # Taken up by the site, it outlives the retention age.
    assert items_purge_expired() == 0


def test_one_draft_per_item_and_slugs_never_collide(client, index, curator_editor, old_item):
    client.force_login(curator_editor)
    client.post(reverse("watch:news", args=[old_item.pk]))
    response = client.post(reverse("watch:news", args=[old_item.pk]), follow=True)
    assert _("A news page was already drafted from this item.") in unescape(
        response.content.decode()
    )
    twin = item(title=old_item.title)
    client.post(reverse("watch:news", args=[twin.pk]))
    slugs = sorted(NewsPage.objects.values_list("slug", flat=True))
    assert slugs == [
        "le-jardin-des-sciences-rouvre-ses-serres",
        "le-jardin-des-sciences-rouvre-ses-serres-2",
    ]


def test_curators_who_may_not_add_news_get_no_button_and_no_page(client, index, old_item):
    client.force_login(user_with_role("watch-curator"))
    assert 'id="watch-item-news-form"' not in (
        client.get(reverse("watch:item", args=[old_item.pk])).content.decode()
    )
    response = client.post(reverse("watch:news", args=[old_item.pk]), follow=True)
    assert _("You may not add news pages: ask an editor to draft this one.") in unescape(
        response.content.decode()
    )
    assert not NewsPage.objects.exists()
    assert not Item.objects.get(pk=old_item.pk).published


def test_without_a_news_index_nothing_is_created(client, curator_editor, old_item):
    builders.site_with_magazine()
    client.force_login(curator_editor)
    response = client.post(reverse("watch:news", args=[old_item.pk]), follow=True)
    assert response.status_code == 200
    assert _("The site has no news page index to put the draft in.") in unescape(
        response.content.decode()
    )
    assert not Item.objects.get(pk=old_item.pk).published


def test_bad_requests(client, index, curator_editor, old_item):
    client.force_login(curator_editor)
    assert client.get(reverse("watch:news", args=[old_item.pk])).status_code == 405
    response = client.post(reverse("watch:news", args=[999999]), follow=True)
    assert response.status_code == 404
    client.force_login(user_with_role("editor"))  # news, but not the watch
    assert client.post(reverse("watch:news", args=[old_item.pk])).status_code == 403
    assert not NewsPage.objects.exists()
