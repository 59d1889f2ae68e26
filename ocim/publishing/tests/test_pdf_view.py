"""The article PDF is served only to the readers allowed to read the full text."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


def _issue(magazine, *, days_ago, **kwargs):
    return builders.issue(
        magazine, publication_date=timezone.localdate() - dt.timedelta(days=days_ago), **kwargs
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_open_article_pdf_is_served(client, magazine):
    article = builders.article(_issue(magazine, days_ago=800), with_pdf=True)
    response = client.get(reverse("publishing:article_pdf", args=[article.pk]))
    assert response.status_code == 200
    assert _body(response) == builders.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


def test_embargoed_article_pdf_is_refused_without_revealing_the_file(client, magazine):
    article = builders.article(_issue(magazine, days_ago=30), with_pdf=True)
    response = client.get(reverse("publishing:article_pdf", args=[article.pk]))
    assert response.status_code == 403
    assert article.pdf.url.encode() not in response.content
    assert response.get("Location") is None


def test_subscriber_gets_the_embargoed_pdf(client, magazine):
    article = builders.article(_issue(magazine, days_ago=30), with_pdf=True)
    reader = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(reader, starts_on=today, ends_on=today)
    client.force_login(reader)
    response = client.get(reverse("publishing:article_pdf", args=[article.pk]))
    assert response.status_code == 200
    assert _body(response) == builders.PDF_BYTES


def test_expired_subscriber_is_refused(client, magazine):
    article = builders.article(_issue(magazine, days_ago=30), with_pdf=True)
    reader = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(
        reader, starts_on=today - dt.timedelta(days=400), ends_on=today - dt.timedelta(days=1)
    )
    client.force_login(reader)
    assert client.get(reverse("publishing:article_pdf", args=[article.pk])).status_code == 403


def test_institution_ip_gets_the_pdf(client, magazine):
    article = builders.article(_issue(magazine, days_ago=30), with_pdf=True)
    today = timezone.localdate()
    builders.institutional_subscription("2001:db8::/32", starts_on=today, ends_on=today)
    url = reverse("publishing:article_pdf", args=[article.pk])
    assert client.get(url, REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get(url, REMOTE_ADDR="2001:db9::5").status_code == 403


def test_article_without_pdf_or_unpublished_is_not_found(client, magazine):
    issue = _issue(magazine, days_ago=800)
    without = builders.article(issue)
    assert client.get(reverse("publishing:article_pdf", args=[without.pk])).status_code == 404
    draft = builders.article(issue, with_pdf=True)
    draft.unpublish()
    assert client.get(reverse("publishing:article_pdf", args=[draft.pk])).status_code == 404


def test_post_is_refused(client, magazine):
    article = builders.article(_issue(magazine, days_ago=800), with_pdf=True)
    assert client.post(reverse("publishing:article_pdf", args=[article.pk])).status_code == 405


def test_issue_pdf_follows_the_same_rule(client, magazine):
    walled = _issue(magazine, days_ago=30, number=300, with_pdf=True)
    opened = _issue(magazine, days_ago=800, number=250, with_pdf=True)
    assert client.get(reverse("publishing:issue_pdf", args=[walled.pk])).status_code == 403
    assert client.get(reverse("publishing:issue_pdf", args=[opened.pk])).status_code == 200


def test_pdf_url_is_under_lettre():
    assert reverse("publishing:article_pdf", args=[7]) == "/fr/lettre/articles/7/pdf/"


def test_wagtail_document_url_is_guarded_too(client, magazine):
    # What Wagtail answers for any document here (the test storage is in memory): the guard
    # must let allowed readers through to exactly that, and refuse the others.
    usual = client.get(builders.document("Programme").url).status_code
    assert usual != 403
    walled = builders.article(_issue(magazine, days_ago=30, number=301), with_pdf=True)
    opened = builders.article(_issue(magazine, days_ago=800, number=251), with_pdf=True)
    assert client.get(walled.pdf.url).status_code == 403
    assert client.get(opened.pdf.url).status_code == usual
    reader = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(reader, starts_on=today, ends_on=today)
    client.force_login(reader)
    assert client.get(walled.pdf.url).status_code == usual
