"""Bad input on the magazine's URLs: unknown, huge, negative or non-numeric issue numbers and
article ids give a 404 page, and a PDF without the right gives a 403 page that explains and
offers a way in, never the file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import OrganisationSettings

from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


@pytest.fixture
def walled_issue(magazine):
    return builders.issue(
        magazine,
        number=212,
        publication_date=timezone.localdate() - dt.timedelta(days=20),
        with_pdf=True,
    )


@pytest.fixture
def walled_article(walled_issue):
    return builders.article(walled_issue, title="Des réserves visitables", with_pdf=True)


# --- Issues by number ------------------------------------------------------------------------


def test_an_issue_number_redirects_to_the_issue_page(client, walled_issue):
    url = reverse("publishing:issue_by_number", args=[212])
    assert url == "/fr/lettre/numero/212/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == walled_issue.url
    assert client.get(response["Location"]).status_code == 200


def test_an_untranslated_issue_is_found_from_the_english_site_too(client, walled_issue):
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code="en")
    response = client.get("/en/lettre/numero/212/")
    assert response.status_code == 302
    assert response["Location"] == walled_issue.url


def test_a_draft_issue_is_not_found_by_number(client, magazine):
    draft = builders.issue(magazine, number=213)
    draft.unpublish()
    assert client.get("/fr/lettre/numero/213/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/fr/lettre/numero/999/",  # unknown
        "/fr/lettre/numero/0/",  # below the first number
        "/fr/lettre/numero/-3/",  # negative
        "/fr/lettre/numero/99999999999999999999999999/",  # would overflow the column
        "/fr/lettre/numero/douze/",  # not a number
        "/fr/lettre/numero/12.5/",
    ],
)
def test_bad_issue_numbers_give_the_404_page(client, walled_issue, path):
    response = client.get(path)
    assert response.status_code == 404
    assert _("Page not found") in response.content.decode()


def test_the_issue_number_only_accepts_reads(client, walled_issue):
    assert client.post("/fr/lettre/numero/212/").status_code == 405


# --- PDFs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["publishing:article_pdf", "publishing:issue_pdf"])
@pytest.mark.parametrize(
    "bad_id", ["999999", "99999999999999999999999999", "abc", "-1", "0", "1.5", "%00"]
)
def test_unknown_or_malformed_pdf_ids_give_the_404_page(client, walled_article, name, bad_id):
    # The real (translated) path of the view, with the bad id in place of a good one.
    path = reverse(name, args=[123456789]).replace("123456789", bad_id)
    response = client.get(path)
    assert response.status_code == 404
    assert _("Page not found") in response.content.decode()


def test_an_issue_id_is_not_an_article_id(client, walled_article, walled_issue):
    # The article PDF view only serves articles, whatever page the id designates.
    url = reverse("publishing:article_pdf", args=[walled_issue.pk])
    assert client.get(url).status_code == 404


def test_an_article_pdf_without_the_right_gives_a_403_page_that_offers_a_way_in(
    client, walled_article
):
    settings = OrganisationSettings.load()
    settings.contact_email = "abonnements@ocim.example"
    settings.save()
    url = reverse("publishing:article_pdf", args=[walled_article.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert builders.PDF_BYTES.decode() not in html
    assert walled_article.pdf.file.name not in html
    assert _("This PDF is reserved for subscribers") in html
    assert 'id="pdf-login-link"' in html
    assert f"?next={walled_article.url}" in html.replace("%2F", "/")
    assert "mailto:abonnements@ocim.example" in html
    assert f'href="{walled_article.url}"' in html
    opens_on = builders.IssuePage.objects.get(pk=walled_article.get_parent().pk).publication_date
    assert str(opens_on.year + 1) in html  # the opening date is given


def test_a_member_without_subscription_gets_the_403_page_without_login_link(client, walled_article):
    client.force_login(UserFactory())
    response = client.get(reverse("publishing:article_pdf", args=[walled_article.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="pdf-login-link"' not in html
    assert _("Your account has no active subscription.") in html


def test_an_issue_pdf_without_the_right_gives_the_403_page(client, walled_issue):
    response = client.get(reverse("publishing:issue_pdf", args=[walled_issue.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert _("This PDF is reserved for subscribers") in html
    assert builders.PDF_BYTES.decode() not in html
    assert f'href="{walled_issue.url}"' in html


def test_a_subscriber_gets_the_file(client, walled_article):
    user = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(user, starts_on=today, ends_on=today)
    client.force_login(user)
    response = client.get(reverse("publishing:article_pdf", args=[walled_article.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == builders.PDF_BYTES
