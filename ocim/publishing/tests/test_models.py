"""Model rules: page tree, issue numbers, page ranges, subscriptions, search fields."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import HomePage
from ocim.publishing.models import (
    ArticlePage,
    IssuePage,
    MagazinePage,
    Subscription,
)

from . import builders

pytestmark = pytest.mark.django_db


def test_page_tree_is_constrained():
    assert MagazinePage.parent_page_types == ["core.HomePage"]
    assert MagazinePage.subpage_types == ["publishing.IssuePage", "publishing.DossierPage"]
    assert IssuePage.subpage_types == ["publishing.ArticlePage"]
    assert ArticlePage.subpage_types == []
    assert MagazinePage.max_count_per_parent == 1
    home = HomePage.objects.get(pk=builders.site_with_magazine().get_parent().pk)
    assert not MagazinePage.can_create_at(home)  # only one magazine per home page


def test_issue_number_is_unique_within_the_magazine():
    magazine = builders.site_with_magazine()
    builders.issue(magazine, number=190)
    duplicate = IssuePage(
        title="Doublon", slug="doublon", number=190, publication_date=dt.date(2025, 5, 1)
    )
    with pytest.raises(ValidationError) as error:
        magazine.add_child(instance=duplicate)
    assert "number" in error.value.message_dict


def test_issue_form_refuses_a_taken_number():
    magazine = builders.site_with_magazine()
    builders.issue(magazine, number=190)
    form_class = IssuePage.get_edit_handler().get_form_class()
    form = form_class(
        data={
            "title": "Doublon",
            "slug": "doublon",
            "number": 190,
            "publication_date": "2025-05-01",
        },
        instance=IssuePage(),
        parent_page=magazine,
        for_user=UserFactory(is_superuser=True),
    )
    assert not form.is_valid()
    assert "number" in form.errors


def test_page_range_must_be_ordered():
    magazine = builders.site_with_magazine()
    issue = builders.issue(magazine)
    with pytest.raises(ValidationError) as error:
        builders.article(issue, first_page=20, last_page=12)
    assert "last_page" in error.value.message_dict
    assert not ArticlePage.objects.exists()
    article = builders.article(issue, first_page=12, last_page=20)
    assert article.page_range == "12-20"


def test_page_range_is_enforced_by_the_database():
    magazine = builders.site_with_magazine()
    article = builders.article(builders.issue(magazine), first_page=12, last_page=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticlePage.objects.filter(pk=article.pk).update(first_page=30)


def test_magazine_issn_is_validated():
    magazine = builders.site_with_magazine()
    magazine.issn_electronic = "0994-1907"
    with pytest.raises(ValidationError) as error:
        magazine.full_clean()
    assert "issn_electronic" in error.value.message_dict


def test_body_is_not_in_the_search_index():
    names = {
        field.field_name for field in ArticlePage.search_fields if hasattr(field, "field_name")
    }
    assert "body" not in names
    assert "title" in names


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"kind": "individual", "user": None}, "user"),
        (
            {"kind": "institutional", "institution_name": "", "ip_ranges": "192.0.2.0/24"},
            "institution_name",
        ),
        ({"kind": "institutional", "institution_name": "BU", "ip_ranges": ""}, "ip_ranges"),
        (
            {"kind": "institutional", "institution_name": "BU", "ip_ranges": "192.0.2.0/33"},
            "ip_ranges",
        ),
        ({"ends_on": dt.date(2024, 12, 31)}, "ends_on"),
    ],
)
def test_subscription_validation(fields, bad_field):
    values = {
        "kind": "individual",
        "user": UserFactory(),
        "starts_on": dt.date(2025, 1, 1),
        "ends_on": dt.date(2025, 12, 31),
        **fields,
    }
    subscription = Subscription(**values)
    with pytest.raises(ValidationError) as error:
        subscription.full_clean()
    assert bad_field in error.value.message_dict


def test_subscription_invariants_are_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            kind="individual", user=None, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 2, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            kind="individual",
            user=UserFactory(),
            starts_on=dt.date(2025, 2, 1),
            ends_on=dt.date(2025, 1, 1),
        )
