"""The account page shows the reader's subscriptions and follows of the magazine, through the
account-section registry (accounts never imports publishing)."""

from __future__ import annotations

import datetime as dt
import pathlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocim.accounts import sections
from ocim.accounts.tests.factories import UserFactory
from ocim.publishing.models import MagazineFollow
from ocim.publishing.selectors import reader_status

from . import builders

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


@pytest.fixture
def reader():
    return UserFactory()


def _section(client) -> str:
    html = client.get(reverse("accounts:profile")).content.decode()
    match = re.search(
        r'<section class="account-section" id="magazine-account".*?</section>', html, re.S
    )
    assert match, "the magazine section is missing from the account page"
    return match.group(0)


def test_a_reader_without_subscription_is_told_so_and_can_follow(client, magazine, reader):
    client.force_login(reader)
    section = _section(client)
    assert _("You have no individual subscription.") in section
    assert reverse("publishing:magazine_follow", args=[magazine.pk]) in section
    assert 'value="follow"' in section
    assert 'name="csrfmiddlewaretoken"' in section


def test_the_subscriptions_show_kind_dates_and_state(client, magazine, reader):
    today = timezone.localdate()
    active = builders.individual_subscription(
        reader, starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=335)
    )
    expired = builders.individual_subscription(
        reader, starts_on=today - dt.timedelta(days=800), ends_on=today - dt.timedelta(days=435)
    )
    someone_else = builders.individual_subscription(
        UserFactory(), starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    client.force_login(reader)
    section = _section(client)
    assert section.count('class="subscription subscription--') == 2
    assert "subscription--active" in section and "subscription--expired" in section
    for subscription in (active, expired):
        assert date_format(subscription.ends_on, "DATE_FORMAT") in section
        assert date_format(subscription.starts_on, "DATE_FORMAT") in section
    assert date_format(someone_else.ends_on, "DATE_FORMAT") not in section
    assert _("Individual") in section and _("Active") in section and _("Expired") in section
    # The active one (ending last) comes first.
    assert section.index("subscription--active") < section.index("subscription--expired")


def test_states_on_a_given_day(magazine, reader):
    upcoming = builders.individual_subscription(
        reader, starts_on=TODAY + dt.timedelta(days=1), ends_on=TODAY + dt.timedelta(days=30)
    )
    last_day = builders.individual_subscription(
        reader, starts_on=TODAY - dt.timedelta(days=30), ends_on=TODAY
    )
    status = reader_status(reader, today=TODAY)
    states = {line.subscription.pk: line.state for line in status.subscriptions}
    assert states == {upcoming.pk: "upcoming", last_day.pk: "active"}
    assert status.has_active_subscription
    status = reader_status(reader, today=TODAY + dt.timedelta(days=31))
    assert {line.state for line in status.subscriptions} == {"expired"}
    assert not status.has_active_subscription


def test_the_institution_covering_the_address_is_named(client, magazine, reader):
    today = timezone.localdate()
    builders.institutional_subscription(
        "192.0.2.0/24\n2001:db8::/32", starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    client.force_login(reader)
    html = client.get(reverse("accounts:profile"), REMOTE_ADDR="192.0.2.44").content.decode()
    assert 'id="institution-subscription"' in html and "Université de Bourgogne" in html
    html = client.get(reverse("accounts:profile"), REMOTE_ADDR="::ffff:192.0.2.9").content.decode()
    assert "Université de Bourgogne" in html
    html = client.get(reverse("accounts:profile"), REMOTE_ADDR="198.51.100.1").content.decode()
    assert 'id="institution-subscription"' not in html


def test_an_expired_institution_does_not_cover(magazine, reader):
    builders.institutional_subscription(
        "192.0.2.0/24",
        starts_on=TODAY - dt.timedelta(days=60),
        ends_on=TODAY - dt.timedelta(days=1),
    )
    assert reader_status(reader, ip="192.0.2.44", today=TODAY).institution == ""


def test_the_follow_shows_and_can_be_stopped_from_the_account_page(client, magazine, reader):
    MagazineFollow.objects.create(magazine=magazine, user=reader)
    client.force_login(reader)
    section = _section(client)
    assert 'value="unfollow"' in section
    assert _("You follow %(title)s: you get an e-mail when articles open to everyone.") % {
        "title": magazine.title
    } in section.replace("&#x27;", "'")
    response = client.post(
        reverse("publishing:magazine_follow", args=[magazine.pk]),
        {"action": "unfollow", "next": "account"},
    )
    assert response["Location"] == reverse("accounts:profile")
    assert not MagazineFollow.objects.exists()


def test_the_account_page_still_needs_a_login(client, magazine):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_the_account_page_reads_in_a_constant_number_of_queries(
    client, magazine, reader, django_assert_max_num_queries
):
    today = timezone.localdate()
    for years in range(8):
        builders.individual_subscription(
            reader,
            starts_on=today - dt.timedelta(days=365 * (years + 1)),
            ends_on=today - dt.timedelta(days=365 * years + 1),
        )
    client.force_login(reader)
    client.get(reverse("accounts:profile"))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_registry_orders_sections_and_skips_empty_ones(rf):
    saved = dict(sections._providers)
    try:
        sections._providers.clear()
        sections.register_account_section(
            "b", lambda request: sections.AccountSection("b.html"), order=20
        )
        sections.register_account_section(
            "a", lambda request: sections.AccountSection("a.html"), order=10
        )
        sections.register_account_section("none", lambda request: None, order=5)
        sections.register_account_section(
            "a", lambda request: sections.AccountSection("a2.html"), order=10
        )
        names = [section.template_name for section in sections.account_sections(rf.get("/"))]
        assert names == ["a2.html", "b.html"]
    finally:
        sections._providers.clear()
        sections._providers.update(saved)


def test_accounts_does_not_import_publishing():
    accounts = pathlib.Path(sections.__file__).parent
    for path in accounts.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+ocim\.publishing", text, re.M), path
        assert "from ..publishing" not in text, path
