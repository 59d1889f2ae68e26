"""A reader's subscriptions and follows are in their data export and go with their account."""

import datetime as dt

import pytest

from ocim.accounts.services import user_data_export, user_delete
from ocim.accounts.tests.factories import UserFactory
from ocim.publishing.models import MagazineFollow, Subscription

from . import builders

pytestmark = pytest.mark.django_db


def test_subscriptions_and_follows_are_exported_and_erased():
    magazine = builders.site_with_magazine()
    reader, other = UserFactory(), UserFactory()
    builders.individual_subscription(
        reader, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    builders.individual_subscription(
        other, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    MagazineFollow.objects.create(magazine=magazine, user=reader)

    records = user_data_export(user=reader)["records"]
    assert records["publishing.Subscription.user"][0]["ends_on"] == "2025-12-31"
    assert len(records["publishing.MagazineFollow.user"]) == 1

    user_delete(user=reader)
    assert list(Subscription.objects.values_list("user", flat=True)) == [other.pk]
    assert not MagazineFollow.objects.exists()
