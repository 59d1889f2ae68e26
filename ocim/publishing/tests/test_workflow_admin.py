"""The editorial workflow in the admin: publishing an issue (its approved articles go live with
it), "Publish" on an article of an unpublished issue, revisions (compare, revert) and preview."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.publishing.models import ArticlePage, PendingArticleRelease

from . import builders
from .test_workflow import _approve_fully
from .workflow_builders import draft_article, draft_issue, edit_form_data, editorial_setup

pytestmark = pytest.mark.django_db


def _edit_post(client, page, **extra):
    """POST the page's edit form as rendered (the stream field, built by the browser's script,
    is given as the admin's own tests do)."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = edit_form_data(response.content.decode())
    if isinstance(page, ArticlePage):
        body = nested_form_data(
            {"body": streamfield([("paragraph", rich_text("<p>Texte intégral révisé.</p>"))])}
        )
        data.update({key: [str(value)] for key, value in body.items()})
    data.update({key: [value] for key, value in extra.items()})
    return client.post(url, data)


def test_publishing_an_issue_in_the_admin_publishes_its_approved_articles(client):
    magazine, users = editorial_setup()
    author, editor, chief = users["author"], users["editor"], users["editor-in-chief"]
    issue = draft_issue(magazine, user=author)
    approved = draft_article(issue, user=author, title="Approuvé")
    in_review = draft_article(issue, user=author, title="En relecture")
    _approve_fully(approved, author=author, editor=editor, chief=chief)
    in_review.get_workflow().start(in_review, author)

    client.force_login(chief)
    response = _edit_post(client, issue, **{"action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:3000]

    issue.refresh_from_db()
    assert issue.live
    assert list(ArticlePage.objects.child_of(issue).live()) == [approved]
    entry = AuditLogEntry.objects.get(action="publishing.issue.published")
    assert entry.actor == chief
    assert entry.data == {"articles_published": [approved.pk], "articles_not_live": [in_review.pk]}
    client.logout()
    assert client.get(approved.get_url()).status_code == 200
    assert client.get(in_review.get_url()).status_code == 404


def test_publish_on_an_article_of_an_unpublished_issue_waits_for_the_issue(client):
    magazine, users = editorial_setup()
    chief = users["editor-in-chief"]
    issue = draft_issue(magazine)
    article = draft_article(issue, user=users["author"])
    client.force_login(chief)
    response = _edit_post(client, article, **{"action-publish": "action-publish"})
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[article.pk])
    article.refresh_from_db()
    assert not article.live
    assert PendingArticleRelease.objects.get(article=article).revision_id == (
        article.latest_revision_id
    )
    page = client.get(response.url).content.decode()
    expected = _(
        "“%(article)s” is approved: it will go live with its issue “%(issue)s”, "
        "which is not published yet."
    ) % {"article": article.title, "issue": issue.title}
    assert escape(expected) in page

    # Publishing the issue later (here by code, as the scheduler does) releases it.
    issue.save_revision(user=chief).publish(user=chief)
    article.refresh_from_db()
    assert article.live


def test_publish_on_an_article_of_a_live_issue_publishes_it(client):
    magazine, users = editorial_setup()
    issue = builders.issue(magazine)
    article = draft_article(issue, user=users["author"])
    client.force_login(users["editor-in-chief"])
    assert _edit_post(client, article, **{"action-publish": "action-publish"}).status_code == 302
    article.refresh_from_db()
    assert article.live and not PendingArticleRelease.objects.exists()


# --- Revisions and preview ---------------------------------------------------------------------


def _two_revisions(page, user, new_title):
    first = page.get_latest_revision()
    page.title = new_title
    second = page.save_revision(user=user)
    return first, second


@pytest.mark.parametrize("kind", ["article", "issue"])
def test_editor_compares_reverts_and_previews_revisions(client, kind):
    magazine, users = editorial_setup()
    editor = users["editor"]
    issue = builders.issue(magazine, publication_date=timezone.localdate())
    page = builders.article(issue, body_text="Corps embargo unique") if kind == "article" else issue
    first, second = _two_revisions(page, editor, "Titre révisé remarquable")
    client.force_login(editor)

    compare = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, first.pk, second.pk])
    )
    assert compare.status_code == 200
    assert "Titre révisé remarquable" in compare.content.decode()

    view = client.get(reverse("wagtailadmin_pages:revisions_view", args=[page.pk, first.pk]))
    assert view.status_code == 200
    content = view.content.decode()
    if kind == "article":
        # The embargoed full text shows in the preview (for the back office only).
        assert "Corps embargo unique" in content
    else:
        assert "Éditorial" in content or "Un numéro consacré aux réserves." in content

    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, first.pk]))
    assert revert.status_code == 200

    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert history.status_code == 200


def test_preview_of_embargoed_text_is_for_the_back_office_only(client):
    magazine, _users = editorial_setup()
    issue = builders.issue(magazine, publication_date=timezone.localdate())
    article = builders.article(issue, body_text="Corps embargo unique")
    revision = article.get_latest_revision()
    preview_url = reverse("wagtailadmin_pages:revisions_view", args=[article.pk, revision.pk])
    # The public page hides the embargoed text…
    assert "Corps embargo unique" not in client.get(article.get_url()).content.decode()
    # …and the preview is not for the public nor for members.
    response = client.get(preview_url)
    assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(UserFactory())
    response = client.get(preview_url)
    assert response.status_code in (302, 403)
    assert "Corps embargo unique" not in response.content.decode()


def test_author_submits_and_resubmits_in_the_admin(client):
    magazine, users = editorial_setup()
    author, editor = users["author"], users["editor"]
    issue = draft_issue(magazine)
    article = draft_article(issue, user=author)
    client.force_login(author)
    assert _edit_post(client, article, **{"action-submit": "action-submit"}).status_code == 302
    article.refresh_from_db()
    state = article.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == author
    # While it is reviewed, the author cannot edit it (the reviewers can).
    assert state.current_task_state.task.specific.locked_for_user(article, author)
    assert not state.current_task_state.task.specific.locked_for_user(article, editor)

    state.current_task_state.reject(user=editor, comment="Ajouter les sources.")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert "Ajouter les sources." in edit_page.content.decode()

    # Resubmitted with changes: the same workflow resumes at the editors' review.
    assert _edit_post(client, article, **{"action-submit": "action-submit"}).status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.specific.groups.get().name == "Rédaction"
    article.refresh_from_db()
    assert state.current_task_state.revision_id == article.latest_revision_id
    assert not article.live


def test_bulk_publish_refuses_an_article_of_an_unpublished_issue(client):
    magazine, users = editorial_setup()
    issue = draft_issue(magazine)
    article = draft_article(issue, user=users["author"])
    client.force_login(users["editor-in-chief"])
    next_url = reverse("wagtailadmin_explore", args=[issue.pk])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = client.post(f"{url}?id={article.pk}&next={next_url}", {}, follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    assert not article.live
    expected = _(
        "“%(article)s” cannot go live before its issue “%(issue)s”: publish the "
        "issue, its approved articles go live with it."
    ) % {"article": article.title, "issue": issue.title}
    assert escape(expected) in response.content.decode()

    # Published together with its issue, it goes live.
    client.post(f"{url}?id={article.pk}&id={issue.pk}&next={next_url}", {})
    article.refresh_from_db()
    issue.refresh_from_db()
    assert issue.live and article.live


def test_editor_previews_unsaved_changes_of_an_article(client):
    magazine, users = editorial_setup()
    issue = builders.issue(magazine, publication_date=timezone.localdate())
    article = builders.article(issue)
    client.force_login(users["editor"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    data = edit_form_data(client.get(edit_url).content.decode())
    body = nested_form_data(
        {"body": streamfield([("paragraph", rich_text("<p>Paragraphe en cours d'écriture.</p>"))])}
    )
    data.update({key: [str(value)] for key, value in body.items()})
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    assert client.post(preview_url, data).json()["is_valid"] is True
    response = client.get(preview_url)
    assert response.status_code == 200
    assert "Paragraphe en cours d&#x27;écriture." in response.content.decode() or (
        "Paragraphe en cours d'écriture." in response.content.decode()
    )
    article.refresh_from_db()
    assert "en cours" not in str(article.body)  # a preview saves nothing
