"""The anonymous page cache never carries the full text of an embargoed article across readers:
institutional subscribers (recognised by address) and logged-in subscribers always get their
own page, and their page is never stored for anybody else."""

import datetime as dt
import ipaddress

import pytest
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import OrganisationSettings
from ocim.core.page_cache import STATUS_HEADER as STATUS
from ocim.publishing import page_cache as publishing_page_cache
from ocim.publishing.access import subscription_covers
from ocim.publishing.models import Subscription
from ocim.publishing.tests import builders

FULL_TEXT = "Un inventaire réservé aux abonnés"
SUBSCRIBER_IP = "192.0.2.41"
OUTSIDER_IP = "198.51.100.9"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.OCIM_PAGE_CACHE_SECONDS = 300
    settings.OCIM_PAGE_CACHE_BYPASS_CHECKS = ["ocim.publishing.page_cache.institutional_subscriber"]


@pytest.fixture
def embargoed(db):
    magazine = builders.site_with_magazine(moving_wall_months=12)
    issue = builders.issue(magazine, publication_date=timezone.localdate() - dt.timedelta(days=20))
    article = builders.article(issue, body_text=FULL_TEXT)
    OrganisationSettings.load()  # created on first use, which would forget the cache once
    return article


def _today():
    return timezone.localdate()


def institution(ranges="192.0.2.0/24\n2001:db8:40::/48"):
    return builders.institutional_subscription(
        ranges, starts_on=_today() - dt.timedelta(days=5), ends_on=_today() + dt.timedelta(days=60)
    )


def get(client, article, ip):
    response = client.get(article.url, REMOTE_ADDR=ip)
    assert response.status_code == 200
    return response


def shows_full_text(response) -> bool:
    return FULL_TEXT in response.content.decode()


def test_an_open_article_is_served_from_the_cache(client, db):
    magazine = builders.site_with_magazine(moving_wall_months=12)
    issue = builders.issue(magazine, publication_date=dt.date(2019, 1, 15))
    article = builders.article(issue, body_text=FULL_TEXT)
    OrganisationSettings.load()
    get(client, article, OUTSIDER_IP)
    response = get(client, article, OUTSIDER_IP)
    assert response[STATUS] == "hit"
    assert shows_full_text(response)


def test_subscriber_first_then_outsider(client, embargoed):
    institution()

    subscriber = get(client, embargoed, SUBSCRIBER_IP)
    assert shows_full_text(subscriber)
    assert STATUS not in subscriber  # neither served from nor kept in the cache

    outsider = get(client, embargoed, OUTSIDER_IP)
    assert outsider[STATUS] == "stored"
    assert not shows_full_text(outsider)
    assert not shows_full_text(get(client, embargoed, OUTSIDER_IP))


def test_outsider_first_then_subscriber(client, embargoed):
    institution()

    outsider = get(client, embargoed, OUTSIDER_IP)
    assert outsider[STATUS] == "stored"
    assert not shows_full_text(outsider)

    subscriber = get(client, embargoed, SUBSCRIBER_IP)
    assert STATUS not in subscriber
    assert shows_full_text(subscriber)

    again = get(client, embargoed, OUTSIDER_IP)
    assert again[STATUS] == "hit"
    assert not shows_full_text(again)


@pytest.mark.parametrize("ip", ["2001:db8:40::7", "::ffff:192.0.2.41"])
def test_ipv6_and_mapped_subscribers_are_recognised(client, embargoed, ip):
    institution()
    get(client, embargoed, OUTSIDER_IP)
    response = get(client, embargoed, ip)
    assert STATUS not in response
    assert shows_full_text(response)


def test_a_new_subscription_applies_at_once_to_cached_pages(client, embargoed):
    get(client, embargoed, SUBSCRIBER_IP)  # cached while the address is not subscribed
    assert get(client, embargoed, SUBSCRIBER_IP)[STATUS] == "hit"

    institution()

    response = get(client, embargoed, SUBSCRIBER_IP)
    assert STATUS not in response
    assert shows_full_text(response)


def test_an_ended_subscription_sends_the_address_back_to_the_cache(client, embargoed):
    subscription = institution()
    get(client, embargoed, OUTSIDER_IP)
    assert STATUS not in get(client, embargoed, SUBSCRIBER_IP)

    subscription.delete()

    response = get(client, embargoed, SUBSCRIBER_IP)
    assert response[STATUS] == "hit"
    assert not shows_full_text(response)


def test_a_subscription_unseen_by_the_fast_check_is_never_stored(client, embargoed):
    """A change that bypassed the signals (a bulk insert): the memory of the ranges is stale,
    but the exact check around the store keeps the subscriber's page out of the cache."""
    get(client, embargoed, OUTSIDER_IP)  # loads the (empty) ranges into memory
    Subscription.objects.bulk_create(
        [
            Subscription(
                kind="institutional",
                institution_name="Université de Bourgogne",
                ip_ranges="192.0.2.0/24",
                starts_on=_today(),
                ends_on=_today() + dt.timedelta(days=30),
            )
        ]
    )
    from django.core.cache import cache

    for key in list(cache._cache):  # forget the pages, not the version of the subscriptions
        if ":ocim:page:" in key:
            cache.delete(key.split(":", 2)[2])

    subscriber = get(client, embargoed, SUBSCRIBER_IP)
    assert shows_full_text(subscriber)
    assert STATUS not in subscriber

    outsider = get(client, embargoed, OUTSIDER_IP)
    assert outsider[STATUS] == "stored"
    assert not shows_full_text(outsider)


def test_a_logged_in_subscriber_neither_gets_nor_leaves_a_cached_page(client, embargoed):
    user = UserFactory()
    builders.individual_subscription(
        user, starts_on=_today() - dt.timedelta(days=1), ends_on=_today() + dt.timedelta(days=30)
    )
    get(client, embargoed, OUTSIDER_IP)  # cached for anonymous readers
    client.force_login(user)

    mine = get(client, embargoed, OUTSIDER_IP)
    assert STATUS not in mine
    assert shows_full_text(mine)

    client.logout()
    client.cookies.clear()
    anonymous = get(client, embargoed, OUTSIDER_IP)
    assert anonymous[STATUS] == "hit"
    assert not shows_full_text(anonymous)


def test_the_issue_page_is_never_shared_with_a_subscriber_address(client, embargoed):
    institution()
    issue = embargoed.get_parent()
    first = client.get(issue.url, REMOTE_ADDR=SUBSCRIBER_IP)
    assert first.status_code == 200
    assert STATUS not in first
    assert client.get(issue.url, REMOTE_ADDR=OUTSIDER_IP)[STATUS] == "stored"
    assert STATUS not in client.get(issue.url, REMOTE_ADDR=SUBSCRIBER_IP)


@pytest.mark.parametrize(
    "ip",
    [
        "192.0.2.41",
        "192.0.3.1",
        "2001:db8:40::1",
        "2001:db8:41::1",
        "::ffff:192.0.2.9",
        "::ffff:198.51.100.1",
        "",
        "pas-une-adresse",
    ],
)
def test_the_fast_check_agrees_with_the_access_rule(rf, db, ip):
    institution()
    builders.institutional_subscription(  # ended: covers nobody
        "192.0.3.0/24",
        starts_on=_today() - dt.timedelta(days=60),
        ends_on=_today() - dt.timedelta(days=1),
    )
    request = rf.get("/fr/", REMOTE_ADDR=ip)
    fast = publishing_page_cache.institutional_subscriber(request, exact=False)
    exact = publishing_page_cache.institutional_subscriber(request, exact=True)
    assert fast == exact == subscription_covers(user=None, ip=ip)


def test_client_address_reads_ipv4_mapped_addresses_as_ipv4(rf):
    request = rf.get("/fr/", REMOTE_ADDR="::ffff:192.0.2.1")
    assert publishing_page_cache.client_address(request) == ipaddress.ip_address("192.0.2.1")


def test_renaming_a_rubric_forgets_the_cached_articles(client, db):
    magazine = builders.site_with_magazine(moving_wall_months=12)
    issue = builders.issue(magazine, publication_date=dt.date(2019, 1, 15))
    rubric = builders.rubric("Observatoire", sort_order=30)
    article = builders.article(issue, rubric_value=rubric)
    OrganisationSettings.load()
    get(client, article, OUTSIDER_IP)
    assert get(client, article, OUTSIDER_IP)[STATUS] == "hit"

    rubric.name = "Observatoire des publics"
    rubric.save()

    response = get(client, article, OUTSIDER_IP)
    assert response[STATUS] == "stored"
    assert "Observatoire des publics" in response.content.decode()
