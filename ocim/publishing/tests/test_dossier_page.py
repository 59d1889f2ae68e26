"""The dossier page: the dossier rubric's articles of one issue, their access, related news."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.test.utils.form_data import nested_form_data, rich_text

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import HomePage
from ocim.publishing.access import add_months
from ocim.publishing.models import DossierPage, IssuePage, MagazinePage, NewsIndexPage

from . import builders, news_builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def magazine():
    return builders.site_with_magazine(moving_wall_months=12)


def _dossier(magazine, issue, rubric, **fields) -> DossierPage:
    page = DossierPage(
        title=fields.pop("title", "Dossier : les réserves"),
        slug=fields.pop("slug", f"dossier-{issue.number}"),
        intro="<p>Les réserves des musées.</p>",
        issue=issue,
        rubric=rubric,
        **fields,
    )
    magazine.add_child(instance=page)
    page.save_revision().publish()
    return DossierPage.objects.get(pk=page.pk)


def _listed_articles(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="toc-entry" data-article="(\d+)"', html)]


def test_dossier_fits_only_under_the_magazine():
    assert DossierPage.can_exist_under(MagazinePage())
    assert not DossierPage.can_exist_under(HomePage())
    assert not DossierPage.can_exist_under(IssuePage())
    assert not DossierPage.can_exist_under(NewsIndexPage())
    assert "publishing.IssuePage" in MagazinePage.subpage_types
    assert DossierPage.allowed_subpage_models() == []


def test_dossier_lists_only_the_dossier_rubric_articles_of_its_issue(client, magazine):
    issue = builders.issue(magazine, number=190, publication_date=dt.date(2020, 1, 15))
    other_issue = builders.issue(magazine, number=191, publication_date=dt.date(2020, 5, 15))
    dossier_rubric = builders.rubric("Dossier", sort_order=10)
    reperes = builders.rubric("Repères", sort_order=20)
    author = builders.person(last_name="Lefèvre", first_name="Anne")
    second = builders.article(
        issue, title="Visiter les réserves", rubric_value=dossier_rubric, first_page=20
    )
    first = builders.article(
        issue,
        title="Des réserves partagées",
        rubric_value=dossier_rubric,
        authors=[author],
        first_page=10,
    )
    builders.article(issue, title="Une bibliographie", rubric_value=reperes, first_page=60)
    builders.article(other_issue, title="Ailleurs", rubric_value=dossier_rubric)
    draft = builders.article(issue, title="Brouillon", rubric_value=dossier_rubric)
    draft.unpublish()
    dossier = _dossier(magazine, issue, dossier_rubric)

    response = client.get(dossier.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert _listed_articles(html) == [first.pk, second.pk]
    assert "Anne Lefèvre" in html
    assert "Une bibliographie" not in html and "Ailleurs" not in html


def test_embargoed_articles_show_when_they_open_and_no_full_text(client, magazine):
    published = timezone.localdate() - dt.timedelta(days=30)
    issue = builders.issue(magazine, number=192, publication_date=published)
    rubric = builders.rubric("Dossier")
    walled = builders.article(
        issue, title="Sous embargo", rubric_value=rubric, body_text="Texte réservé aux abonnés."
    )
    early = builders.article(
        issue,
        title="Ouvert tôt",
        rubric_value=rubric,
        open_early=True,
        body_text="Texte ouvert à tous.",
    )
    dossier = _dossier(magazine, issue, rubric)

    html = client.get(dossier.url).content.decode()
    assert "Texte réservé aux abonnés." not in html
    assert "Texte ouvert à tous." not in html  # the dossier lists; the article page shows
    opens_on = add_months(published, 12)
    walled_entry = html[html.index(f'data-article="{walled.pk}"') :]
    walled_entry = walled_entry[: walled_entry.index("</li>")]
    assert 'data-open="false"' in walled_entry
    assert f'<time datetime="{opens_on.isoformat()}">' in walled_entry
    assert date_format(opens_on, "DATE_FORMAT") in walled_entry
    early_entry = html[html.index(f'data-article="{early.pk}"') :]
    early_entry = early_entry[: early_entry.index("</li>")]
    assert 'data-open="true"' in early_entry


def test_old_issue_articles_are_open(client, magazine):
    issue = builders.issue(magazine, number=150, publication_date=dt.date(2015, 1, 15))
    rubric = builders.rubric("Dossier")
    article = builders.article(issue, rubric_value=rubric)
    html = client.get(_dossier(magazine, issue, rubric).url).content.decode()
    entry = html[html.index(f'data-article="{article.pk}"') :]
    assert 'data-open="true"' in entry[: entry.index("</li>")]


def test_dossier_lists_the_news_of_its_issue(client, magazine):
    issue = builders.issue(magazine, number=193)
    other_issue = builders.issue(magazine, number=194)
    rubric = builders.rubric("Dossier")
    index = news_builders.news_index(magazine)
    related = news_builders.news(index, title="Journée d'étude réserves", related_issue=issue)
    news_builders.news(index, title="Autre numéro", related_issue=other_issue)
    news_builders.news(index, title="Sans numéro")
    news_builders.news(index, title="Brouillon lié", related_issue=issue, publish=False)
    html = client.get(_dossier(magazine, issue, rubric).url).content.decode()
    assert re.findall(r'class="news-card" data-news="(\d+)"', html) == [str(related.pk)]
    assert related.url in html


def test_admin_refuses_an_issue_of_another_magazine(client, magazine):
    """The dossier's issue must be one of its magazine's issues."""
    rubric = builders.rubric("Dossier")
    own_issue = builders.issue(magazine, number=195)
    # A second site with its own magazine and issue.
    other_magazine = builders.site_with_magazine()
    foreign_issue = builders.issue(other_magazine, number=195)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = f"/admin/pages/add/publishing/dossierpage/{magazine.pk}/"

    def post(issue):
        return client.post(
            url,
            nested_form_data(
                {
                    "title": "Dossier",
                    "slug": f"dossier-admin-{issue.pk}",
                    "intro": rich_text("<p>Intro</p>"),
                    "issue": issue.pk,
                    "rubric": rubric.pk,
                }
            ),
        )

    response = post(foreign_issue)
    assert response.status_code == 200
    assert "issue" in response.context["form"].errors
    assert not DossierPage.objects.exists()
    response = post(own_issue)
    assert response.status_code == 302
    assert DossierPage.objects.get().issue == own_issue
