"""The moving wall: one selector decides who reads the full text."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from ocim.accounts.tests.factories import UserFactory
from ocim.publishing.access import (
    add_months,
    article_full_text_allowed,
    article_is_open,
    article_opens_on,
)

from . import builders

pytestmark = pytest.mark.django_db

PUBLISHED = dt.date(2025, 1, 15)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@pytest.fixture
def embargoed():
    magazine = builders.site_with_magazine(moving_wall_months=12)
    issue = builders.issue(magazine, number=190, publication_date=PUBLISHED)
    return builders.article(issue)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.date(2025, 1, 15), 12) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


def test_the_article_opens_on_publication_plus_the_magazine_delay(embargoed):
    assert article_opens_on(embargoed) == dt.date(2026, 1, 15)


def test_the_delay_is_the_magazines():
    magazine = builders.site_with_magazine(moving_wall_months=6)
    issue = builders.issue(magazine, publication_date=PUBLISHED)
    value = builders.article(issue)
    assert article_opens_on(value) == dt.date(2025, 7, 15)
    assert article_is_open(value, now=_at(dt.date(2025, 7, 15)))
    assert not article_is_open(value, now=_at(dt.date(2025, 7, 14)))


def test_closed_before_the_wall_open_on_and_after_it(embargoed):
    assert not article_is_open(embargoed, now=_at(dt.date(2026, 1, 14)))
    assert article_is_open(embargoed, now=_at(dt.date(2026, 1, 15)))
    assert article_is_open(embargoed, now=_at(dt.date(2027, 3, 1)))


def test_open_early_is_open_at_once():
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine, publication_date=PUBLISHED)
    value = builders.article(issue, open_early=True)
    assert article_is_open(value, now=_at(PUBLISHED))
    assert article_full_text_allowed(value, user=AnonymousUser(), ip=None, now=_at(PUBLISHED))


def test_anonymous_reader_is_refused_before_the_wall_and_allowed_after(embargoed):
    before, after = _at(dt.date(2025, 6, 1)), _at(dt.date(2026, 2, 1))
    assert not article_full_text_allowed(
        embargoed, user=AnonymousUser(), ip="203.0.113.5", now=before
    )
    assert article_full_text_allowed(embargoed, user=AnonymousUser(), ip="203.0.113.5", now=after)


def test_member_without_subscription_is_refused(embargoed):
    assert not article_full_text_allowed(
        embargoed, user=UserFactory(), ip=None, now=_at(dt.date(2025, 6, 1))
    )


def test_active_individual_subscriber_reads_at_once(embargoed):
    reader = UserFactory()
    builders.individual_subscription(
        reader, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    assert article_full_text_allowed(embargoed, user=reader, ip=None, now=_at(dt.date(2025, 6, 1)))
    # The last day is included, the next one is not.
    assert article_full_text_allowed(
        embargoed, user=reader, ip=None, now=_at(dt.date(2025, 12, 31))
    )


def test_expired_or_future_subscription_does_not_open(embargoed):
    reader = UserFactory()
    builders.individual_subscription(
        reader, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31)
    )
    builders.individual_subscription(
        reader, starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    assert not article_full_text_allowed(
        embargoed, user=reader, ip=None, now=_at(dt.date(2025, 6, 1))
    )


def test_someone_elses_subscription_does_not_open(embargoed):
    builders.individual_subscription(
        UserFactory(), starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    assert not article_full_text_allowed(
        embargoed, user=UserFactory(), ip=None, now=_at(dt.date(2025, 6, 1))
    )


@pytest.mark.parametrize(
    ("ip", "allowed"),
    [
        ("192.0.2.17", True),
        ("192.0.2.255", True),
        ("192.0.3.1", False),
        ("198.51.100.7", True),
        ("198.51.100.8", False),
        ("2001:db8:42::1", True),
        ("2001:db9::1", False),
        ("::ffff:192.0.2.17", True),
        ("not-an-ip", False),
        ("", False),
        (None, False),
    ],
)
def test_institution_ip_inside_or_outside_its_ranges(embargoed, ip, allowed):
    builders.institutional_subscription(
        "192.0.2.0/24\n198.51.100.7\n2001:db8::/32",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    assert (
        article_full_text_allowed(
            embargoed, user=AnonymousUser(), ip=ip, now=_at(dt.date(2025, 6, 1))
        )
        is allowed
    )


def test_expired_institution_does_not_open(embargoed):
    builders.institutional_subscription(
        "192.0.2.0/24", starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31)
    )
    assert not article_full_text_allowed(
        embargoed, user=AnonymousUser(), ip="192.0.2.17", now=_at(dt.date(2025, 6, 1))
    )


def test_staff_who_may_edit_the_page_read_it(embargoed):
    editor = UserFactory()
    group = editor.groups.create(name="Rédaction test")
    GroupPagePermission.objects.create(
        group=group,
        page=embargoed.get_parent().get_parent(),
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    assert article_full_text_allowed(embargoed, user=editor, ip=None, now=_at(dt.date(2025, 6, 1)))


def test_staff_without_the_page_permission_do_not(embargoed):
    staff = UserFactory(is_staff=True)
    assert not article_full_text_allowed(
        embargoed, user=staff, ip=None, now=_at(dt.date(2025, 6, 1))
    )
