"""The editorial workflow of the magazine: author → editor → editor-in-chief, with real users
in their role groups, through Wagtail's workflow API and its admin views."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from wagtail import hooks
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
)

from ocim.core.models import AuditLogEntry
from ocim.publishing.models import (
    ArticlePage,
    IssueAwareApprovalTask,
    MagazinePage,
    PendingArticleRelease,
)
from ocim.publishing.workflow.services import (
    WORKFLOW_NAME,
    editorial_workflow_ensure,
    issue_publish_with_articles,
)

from . import builders
from .workflow_builders import draft_article, draft_issue, editorial_setup

pytestmark = pytest.mark.django_db


def _action(client, user, page, action, task_state, comment=""):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": comment} if action == "reject" or comment else {})


def test_workflow_is_ensured_once_and_assigned_to_the_magazine():
    magazine, _users = editorial_setup()
    editorial_workflow_ensure()
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [GroupApprovalTask, IssueAwareApprovalTask]
    assert [group.name for group in tasks[0].groups.all()] == ["Rédaction"]
    assert [group.name for group in tasks[1].groups.all()] == ["Rédaction en chef"]
    assert WorkflowPage.objects.get(page=magazine).workflow == workflow
    issue = draft_issue(magazine)
    article = draft_article(issue)
    assert article.get_workflow() == workflow
    assert issue.get_workflow() == workflow
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1


def test_author_writes_but_does_not_publish(client):
    magazine, users = editorial_setup()
    issue = draft_issue(magazine)
    article = draft_article(issue, user=users["author"])
    author_perms = article.permissions_for_user(users["author"])
    assert author_perms.can_edit() and not author_perms.can_publish()
    assert magazine.permissions_for_user(users["author"]).can_add_subpage()
    # Outside the magazine, an author may not edit.
    assert not magazine.get_parent().permissions_for_user(users["author"]).can_edit()
    assert not article.permissions_for_user(users["editor"]).can_publish()
    assert article.permissions_for_user(users["editor-in-chief"]).can_publish()
    client.force_login(users["author"])
    assert client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).status_code == 200


def test_submit_reject_resubmit_approve_then_publish_with_the_issue(client):
    magazine, users = editorial_setup()
    author, editor, chief = users["author"], users["editor"], users["editor-in-chief"]
    issue = draft_issue(magazine)
    article = draft_article(issue, user=author)

    # The author submits the article.
    state = article.get_workflow().start(article, author)
    task_state = state.current_task_state
    assert task_state.task.specific.get_actions(article, author) == []
    assert task_state.task.specific.get_actions(article, chief) == []
    assert "approve" in [a[0] for a in task_state.task.specific.get_actions(article, editor)]

    # Step 1: the editor requests changes, with a comment.
    response = _action(client, editor, article, "reject", task_state, "Préciser la source.")
    assert response.status_code == 302
    state.refresh_from_db()
    task_state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == "Préciser la source."

    # The author edits and resubmits: the review starts again at step 1.
    article.title = "Les herbiers vivants, sources comprises"
    article.save_revision(user=author)
    state.resume(user=author)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    review = state.current_task_state
    assert review.task.specific.groups.get().name == "Rédaction"

    # The author cannot approve their own article.
    client.force_login(author)
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", review.pk])
    assert client.post(url, {}).status_code in (302, 403)
    review.refresh_from_db()
    assert review.status == TaskState.STATUS_IN_PROGRESS

    # Step 1 approved by the editor, step 2 by the editor-in-chief.
    assert _action(client, editor, article, "approve", review).status_code == 302
    state.refresh_from_db()
    approval = state.current_task_state
    assert isinstance(approval.task.specific, IssueAwareApprovalTask)
    response = _action(client, chief, article, "approve", approval, "Bon pour le numéro.")
    assert response.status_code == 302

    # Approved, but its issue is not live: the article is not live either.
    state.refresh_from_db()
    article.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert not article.live
    release = PendingArticleRelease.objects.get(article=article)
    assert release.revision_id == article.latest_revision_id
    client.logout()
    assert client.get(article.get_url()).status_code == 404
    assert AuditLogEntry.objects.filter(
        action="publishing.article.approved_for_issue", actor=chief, object_id=str(article.pk)
    ).exists()

    # Publishing the issue publishes the approved article with it.
    released = issue_publish_with_articles(issue=issue, user=chief)
    article.refresh_from_db()
    assert released == [article] and article.live
    assert article.title == "Les herbiers vivants, sources comprises"
    assert not PendingArticleRelease.objects.exists()
    assert client.get(article.get_url()).status_code == 200
    entry = AuditLogEntry.objects.get(action="publishing.issue.published")
    assert entry.actor == chief and entry.data["articles_published"] == [article.pk]
    assert AuditLogEntry.objects.filter(
        action="publishing.article.published_with_issue", object_id=str(article.pk)
    ).exists()


def _approve_fully(article, *, author, editor, chief):
    state = article.get_workflow().start(article, author)
    state.current_task_state.approve(user=editor)
    state.refresh_from_db()
    state.current_task_state.task.specific.on_action(state.current_task_state, chief, "approve")
    state.refresh_from_db()
    return state


def test_article_of_a_live_issue_is_published_on_final_approval():
    magazine, users = editorial_setup()
    issue = builders.issue(magazine)
    article = draft_article(issue, user=users["author"])
    state = _approve_fully(
        article, author=users["author"], editor=users["editor"], chief=users["editor-in-chief"]
    )
    article.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert article.live and article.live_revision_id == article.latest_revision_id
    assert not PendingArticleRelease.objects.exists()


def test_issue_publication_releases_only_the_approved_latest_revisions():
    magazine, users = editorial_setup()
    author, editor, chief = users["author"], users["editor"], users["editor-in-chief"]
    issue = draft_issue(magazine)
    approved = draft_article(issue, user=author, title="Approuvé")
    in_review = draft_article(issue, user=author, title="En relecture")
    edited = draft_article(issue, user=author, title="Modifié après validation")
    never_submitted = draft_article(issue, user=author, title="Brouillon")
    _approve_fully(approved, author=author, editor=editor, chief=chief)
    _approve_fully(edited, author=author, editor=editor, chief=chief)
    in_review.get_workflow().start(in_review, author)
    edited.title = "Modifié après validation, nouvelle version"
    edited.save_revision(user=author)

    released = issue_publish_with_articles(issue=issue, user=chief)

    assert released == [approved]
    live = set(ArticlePage.objects.child_of(issue).live().values_list("pk", flat=True))
    assert live == {approved.pk}
    in_review.refresh_from_db()
    assert in_review.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    # The edited article keeps waiting for an approval of its new version.
    assert PendingArticleRelease.objects.filter(article=edited).exists()
    entry = AuditLogEntry.objects.get(action="publishing.issue.published")
    assert sorted(entry.data["articles_not_live"]) == sorted(
        [in_review.pk, edited.pk, never_submitted.pk]
    )


def test_issue_approved_through_the_workflow_goes_live_with_its_articles(client):
    magazine, users = editorial_setup()
    author, editor, chief = users["author"], users["editor"], users["editor-in-chief"]
    issue = draft_issue(magazine, user=author)
    article = draft_article(issue, user=author)
    _approve_fully(article, author=author, editor=editor, chief=chief)
    state = issue.get_workflow().start(issue, author)
    assert _action(client, editor, issue, "approve", state.current_task_state).status_code == 302
    state.refresh_from_db()
    assert _action(client, chief, issue, "approve", state.current_task_state).status_code == 302
    issue.refresh_from_db()
    article.refresh_from_db()
    assert issue.live and article.live
    entry = AuditLogEntry.objects.get(action="publishing.issue.published")
    assert entry.actor == chief and entry.data["articles_published"] == [article.pk]


def test_the_command_and_a_new_magazine_get_the_workflow():
    magazine, users = editorial_setup()
    out = StringIO()
    call_command("ocim_editorial_workflow", stdout=out)
    assert WORKFLOW_NAME in out.getvalue() and magazine.title in out.getvalue()
    # A second magazine (another locale's) created in the admin gets it from the hook.
    english = Locale.objects.get_or_create(language_code="en")[0]
    other = MagazinePage(title="Ocim's Letter", slug="letter", locale=english)
    magazine.get_parent().add_child(instance=other)
    for hook in hooks.get_hooks("after_create_page"):
        hook(RequestFactory().get("/"), other)
    assert other.get_workflow().name == WORKFLOW_NAME
    issue = draft_issue(other)
    assert issue.permissions_for_user(users["author"]).can_edit()
