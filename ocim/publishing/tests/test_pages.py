"""The magazine, issue and article pages as a reader sees them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocim.accounts.tests.factories import UserFactory

from . import builders

pytestmark = pytest.mark.django_db


def _recent() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=30)


def _old() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=800)


@pytest.fixture
def magazine():
    return builders.site_with_magazine()


def test_magazine_lists_issues_newest_first(client, magazine):
    builders.issue(magazine, number=188, dossier_title="Les herbiers")
    builders.issue(magazine, number=190, dossier_title="Les réserves")
    builders.issue(magazine, number=189, dossier_title="La médiation")
    response = client.get(magazine.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Les réserves") < html.index("La médiation") < html.index("Les herbiers")


def test_magazine_pages_its_issues(client, magazine, django_assert_max_num_queries):
    from ocim.publishing.selectors import ISSUES_PER_PAGE

    for number in range(1, ISSUES_PER_PAGE + 3):
        builders.issue(magazine, number=number, dossier_title=f"Dossier numéro {number}")
    newest = f"Dossier numéro {ISSUES_PER_PAGE + 2}<"
    oldest = "Dossier numéro 1<"

    first = client.get(magazine.url).content.decode()
    assert newest in first and oldest not in first
    assert 'href="?page=2"' in first and 'rel="next"' in first
    second = client.get(magazine.url, {"page": 2}).content.decode()
    assert oldest in second and newest not in second
    assert 'aria-current="page"' in second
    # Any page value is accepted: nonsense gives the first page, too far the last.
    assert newest in client.get(magazine.url, {"page": "abc"}).content.decode()
    assert oldest in client.get(magazine.url, {"page": "99999999999999999999"}).content.decode()
    with django_assert_max_num_queries(40):
        assert client.get(magazine.url, {"page": 2}).status_code == 200


def test_issue_groups_the_table_of_contents_by_rubric_order(client, magazine):
    issue = builders.issue(magazine, number=190)
    reperes = builders.rubric("Repères", sort_order=30)
    dossier = builders.rubric("Dossier", sort_order=10)
    author = builders.person(last_name="Lefèvre", first_name="Anne")
    builders.article(
        issue, title="Une bibliographie", rubric_value=reperes, first_page=60, last_page=62
    )
    builders.article(
        issue,
        title="Des réserves visitables",
        rubric_value=dossier,
        authors=[author],
        first_page=10,
        last_page=18,
    )
    response = client.get(issue.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Dossier") < html.index("Des réserves visitables") < html.index("Repères")
    assert html.index("Repères") < html.index("Une bibliographie")
    assert "Anne Lefèvre" in html
    assert "10-18" in html


def test_issue_pdf_link_only_when_allowed(client, magazine):
    embargoed = builders.issue(magazine, number=190, publication_date=_recent(), with_pdf=True)
    opened = builders.issue(magazine, number=150, publication_date=_old(), with_pdf=True)
    assert 'id="issue-pdf-link"' not in client.get(embargoed.url).content.decode()
    assert 'id="issue-pdf-link"' in client.get(opened.url).content.decode()
    # The document's own URL is never shown.
    assert embargoed.pdf.url not in client.get(embargoed.url).content.decode()


def test_embargoed_article_shows_the_notice_and_not_the_text(client, magazine):
    issue = builders.issue(magazine, publication_date=_recent())
    article = builders.article(
        issue,
        body_text="Secret du texte intégral",
        with_pdf=True,
        authors=[builders.person(orcid="0000-0002-1825-0097")],
    )
    response = client.get(article.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret du texte intégral" not in html
    assert 'id="embargo-notice"' in html
    assert 'id="embargo-login-link"' in html
    assert 'id="article-pdf-link"' not in html
    assert article.pdf.url not in html
    assert "https://orcid.org/0000-0002-1825-0097" in html
    assert "Résumé de l&#x27;article." in html
    assert "private" in response["Cache-Control"]


def test_open_article_shows_the_text_and_pdf_link(client, magazine):
    issue = builders.issue(magazine, publication_date=_old())
    article = builders.article(issue, body_text="Texte intégral ouvert", with_pdf=True)
    html = client.get(article.url).content.decode()
    assert "Texte intégral ouvert" in html
    assert 'id="embargo-notice"' not in html
    assert reverse("publishing:article_pdf", args=[article.pk]) in html


def test_subscriber_reads_the_embargoed_article(client, magazine):
    issue = builders.issue(magazine, publication_date=_recent())
    article = builders.article(issue, body_text="Secret du texte intégral")
    reader = UserFactory()
    today = timezone.localdate()
    builders.individual_subscription(
        reader, starts_on=today - dt.timedelta(days=10), ends_on=today + dt.timedelta(days=10)
    )
    client.force_login(reader)
    html = client.get(article.url).content.decode()
    assert "Secret du texte intégral" in html
    assert 'id="embargo-notice"' not in html


def test_institution_reads_from_its_network(client, magazine):
    issue = builders.issue(magazine, publication_date=_recent())
    article = builders.article(issue, body_text="Secret du texte intégral")
    today = timezone.localdate()
    builders.institutional_subscription(
        "192.0.2.0/24", starts_on=today, ends_on=today + dt.timedelta(days=10)
    )
    inside = client.get(article.url, REMOTE_ADDR="192.0.2.10").content.decode()
    outside = client.get(article.url, REMOTE_ADDR="203.0.113.10").content.decode()
    assert "Secret du texte intégral" in inside
    assert "Secret du texte intégral" not in outside


def test_notice_text_names_the_opening_date(client, magazine):
    published = dt.date(timezone.localdate().year + 1, 3, 10)  # in the future: still walled
    issue = builders.issue(magazine, publication_date=published)
    article = builders.article(issue)
    html = client.get(article.url).content.decode()
    from django.utils.formats import date_format

    expected = _("The full text opens on %(date)s; subscribers read it now.") % {
        "date": date_format(dt.date(published.year + 1, 3, 10), "DATE_FORMAT")
    }
    assert expected in html
