"""The editorial workflow of La Lettre de l'Ocim.

Who does what:
- authors (role ``author``) add and edit the magazine's pages and submit them for review;
- editors (role ``editor``) review them: approve, or request changes with a comment;
- the editor-in-chief (role ``editor-in-chief``) gives the final approval, which publishes.

An article is part of an issue and must not be public before it: the final approval of an
article whose issue is not live keeps the approved revision (``PendingArticleRelease``) and
leaves the article not live (Wagtail would serve a live article under an unpublished issue).
Publishing the issue, by any path (admin, workflow, scheduled publishing), publishes those
articles in the same database transaction, provided the approved revision is still their latest
one; articles still in review, or edited since their approval, stay unpublished. Unpublishing an
issue, by any path, takes its live articles out with it; they are kept for the issue and come
back when it is published again (``issue_articles_withdraw``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import (
    DraftStateMixin,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Revision,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.signals import workflow_approved

from ocim.accounts.roles import role_group
from ocim.core.audit import audit_entry, audit_log, audit_log_many

from ..models import ArticlePage, IssuePage, MagazinePage
from .models import IssueAwareApprovalTask, PendingArticleRelease

logger = logging.getLogger(__name__)

# Names of the workflow and its tasks: data shown in the French back office (like group names).
WORKFLOW_NAME = "Lettre de l'Ocim – relecture"
REVIEW_TASK_NAME = "Relecture par la rédaction"
APPROVAL_TASK_NAME = "Validation par la rédaction en chef"
# What authors may do under a magazine (and nowhere else): write pages, not publish them.
AUTHOR_PAGE_PERMISSIONS = ("add_page", "change_page")


# --- Setting the workflow up --------------------------------------------------------------------


@transaction.atomic
def editorial_workflow_ensure() -> Workflow:
    """Create the magazine workflow (editor review, then editor-in-chief approval) if missing
    and assign it to every magazine page, with the authors' page permissions. Idempotent.

    It only adds: a workflow that already exists keeps its tasks (the back office may change
    them), and a magazine already assigned to another workflow keeps it.
    """
    review, _created = GroupApprovalTask.objects.get_or_create(name=REVIEW_TASK_NAME)
    review.groups.add(role_group("editor"))
    approval, _created = IssueAwareApprovalTask.objects.get_or_create(name=APPROVAL_TASK_NAME)
    approval.groups.add(role_group("editor-in-chief"))
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.workflow_tasks.exists():
        WorkflowTask.objects.create(workflow=workflow, task=review, sort_order=0)
        WorkflowTask.objects.create(workflow=workflow, task=approval, sort_order=1)
    for magazine in MagazinePage.objects.all():
        magazine_editorial_setup(magazine, workflow=workflow)
    return workflow


def magazine_editorial_setup(magazine: Page, *, workflow: Workflow | None = None) -> None:
    """Put ``magazine`` (and so its issues, articles and dossiers) under the editorial
    workflow, and let the authors add and edit pages there. Idempotent."""
    if workflow is None:
        workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=magazine, defaults={"workflow": workflow})
    authors = role_group("author")
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=AUTHOR_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(
            group=authors, page=magazine, permission=permission
        )


# --- Who is publishing ----------------------------------------------------------------------------

# Wagtail's page_published signal does not say who published: the paths that know it (the
# workflow, the admin hooks) say it here for the duration of the publication.
_publishing_user: ContextVar[Any] = ContextVar("ocim_publishing_user", default=None)


@contextmanager
def publishing_user(user) -> Iterator[None]:
    token = _publishing_user.set(user)
    try:
        yield
    finally:
        _publishing_user.reset(token)


def publishing_user_set(user):
    """Set the publishing user until ``publishing_user_reset(token)`` (for the admin's
    before/after publish hooks, which cannot share a ``with`` block)."""
    return _publishing_user.set(user)


def publishing_user_reset(token) -> None:
    try:
        _publishing_user.reset(token)
    except ValueError:  # set in another context (another thread): forget it here
        _publishing_user.set(None)


# --- Approval -------------------------------------------------------------------------------------


def unpublished_issue_of(page: Page) -> IssuePage | None:
    """The issue of ``page`` if ``page`` is an article and its issue is not live."""
    if not isinstance(page, ArticlePage):
        return None
    parent = page.get_parent()
    issue = IssuePage.objects.filter(pk=parent.pk).first() if parent else None
    return issue if issue is not None and not issue.live else None


@transaction.atomic
def approval_task_action(task, task_state, user, action_name: str, **kwargs):
    """The action of the final approval task (``IssueAwareApprovalTask.on_action``).

    Rejecting, or approving anything but an article of an unpublished issue, is Wagtail's
    behaviour: approving the last task publishes the latest revision. Approving an article
    whose issue is not live finishes the workflow (approved) without publishing: the latest
    revision waits for the issue (see ``article_hold``).
    """
    if action_name != "approve":
        return super(IssueAwareApprovalTask, task).on_action(
            task_state, user, action_name, **kwargs
        )
    task_state.approve(user=user, update=False, **kwargs)
    workflow_state = task_state.workflow_state
    obj = workflow_state.content_object
    page = getattr(obj, "specific", obj)  # a snippet has no specific instance
    issue = unpublished_issue_of(page)
    if issue is None or workflow_state.get_next_task() is not None:
        with publishing_user(user):
            workflow_state.update(user=user)
        return None
    # Wagtail's WorkflowState.finish() without its on_finish action (the publication).
    workflow_state.status = WorkflowState.STATUS_APPROVED
    workflow_state.save()
    article_hold(article=page, issue=issue, user=user)
    workflow_approved.send(sender=WorkflowState, instance=workflow_state, user=user)
    return None


def article_hold(*, article: ArticlePage, issue: IssuePage, user, revision=None):
    """Record that ``revision`` (default: the latest) of ``article`` is approved and goes live
    with ``issue``. The article stays as it is (not live). Audited
    ``publishing.article.approved_for_issue``."""
    revision = revision or article.get_latest_revision()
    release, _created = PendingArticleRelease.objects.update_or_create(
        article=article,
        defaults={"revision": revision, "approved_at": timezone.now()},
    )
    audit_log(
        action="publishing.article.approved_for_issue",
        actor=user,
        obj=article,
        data={"issue": issue.pk, "revision": revision.pk},
    )
    return release


@transaction.atomic
def article_publish_held(*, article: ArticlePage, user) -> IssuePage | None:
    """A direct "publish" of ``article`` by someone allowed to publish: when its issue is not
    live, the latest revision is approved for the issue instead (a workflow in progress is
    cancelled, as a publication would) and the issue is returned; otherwise None (publish)."""
    issue = unpublished_issue_of(article)
    if issue is None:
        return None
    workflow_state = article.current_workflow_state
    if workflow_state is not None:
        workflow_state.cancel(user=user)
    article_hold(article=article, issue=issue, user=user)
    return issue


# --- Publishing an issue --------------------------------------------------------------------------


def issue_articles_release(
    *, issue: IssuePage, user=None, issue_published: bool = True
) -> list[ArticlePage]:
    """Publish the articles of the live ``issue`` approved while it was not live, whose
    approved revision is still their latest one; in the caller's transaction (one is opened
    when there is none). Called whenever an issue is published (``page_published``).

    Audit: ``publishing.article.published_with_issue`` per article and
    ``publishing.issue.published`` (with the articles published and those left not live)
    unless ``issue_published`` is False (a later release, by the scheduled safety net).
    """
    with transaction.atomic():
        children = ArticlePage.objects.child_of(issue)
        pending = (
            PendingArticleRelease.objects.select_for_update()
            .filter(article__in=children.values("pk"))
            .select_related("revision")
            .order_by("article_id")
        )
        latest = dict(children.values_list("pk", "latest_revision_id"))
        released: list[ArticlePage] = []
        for item in pending:
            if item.revision_id != latest.get(item.article_id):
                continue  # edited since its approval: the new version needs approval
            item.delete()
            item.revision.publish(user=user, skip_permission_checks=True)
            released.append(ArticlePage.objects.get(pk=item.article_id))
        left = list(children.not_live().values_list("pk", flat=True))
        entries = [
            audit_entry(
                action="publishing.article.published_with_issue",
                actor=user,
                obj=article,
                data={"issue": issue.pk},
            )
            for article in released
        ]
        if issue_published:
            entries.append(
                audit_entry(
                    action="publishing.issue.published",
                    actor=user,
                    obj=issue,
                    data={
                        "articles_published": [article.pk for article in released],
                        "articles_not_live": left,
                    },
                )
            )
        if entries:
            audit_log_many(entries)
    return released


@transaction.atomic
def issue_publish_with_articles(*, issue: IssuePage, user=None) -> list[ArticlePage]:
    """Publish the latest revision of ``issue`` and, in the same transaction, its approved
    articles (``issue_articles_release``, run by the publication). Returns the articles that
    went live with it.

    Errors: Wagtail's PermissionDenied when ``user`` may not publish the issue.
    """
    revision = issue.get_latest_revision() or issue.save_revision(user=user)
    waiting = list(
        PendingArticleRelease.objects.filter(
            article__in=ArticlePage.objects.child_of(issue).values("pk")
        ).values_list("article_id", flat=True)
    )
    with publishing_user(user):
        revision.publish(user=user)
    return list(ArticlePage.objects.live().filter(pk__in=waiting).order_by("path"))


# --- Withdrawing an issue -------------------------------------------------------------------------


def issue_articles_withdraw(*, issue: IssuePage, user=None) -> list[ArticlePage]:
    """Take the live articles of ``issue``, which has just stopped being live, out of the site
    with it; in the caller's transaction (one is opened when there is none). Called whenever an
    issue is unpublished, by any path: the admin (with or without its subpages), its expiry
    date (scheduled unpublishing), the bulk action, code.

    Rule: an article is part of its issue and is public only while the issue is. Each live
    article is unpublished, and the revision that was live is kept for the issue
    (``PendingArticleRelease``), so publishing the issue again brings it back as it was
    (``issue_articles_release``), unless it is edited meanwhile: the new version then waits
    for the editors, as any change does. An article without any revision (written in bulk)
    gets one from its live state first.

    Audit: ``publishing.article.withdrawn_with_issue`` per article. Returns the articles."""
    withdrawn: list[ArticlePage] = []
    with transaction.atomic():
        for article in ArticlePage.objects.child_of(issue).live():
            revision = article.live_revision or article.save_revision(
                user=user, log_action=False, clean=False
            )
            PendingArticleRelease.objects.update_or_create(
                article=article, defaults={"revision": revision, "approved_at": timezone.now()}
            )
            article.unpublish(user=user)
            withdrawn.append(article)
        if withdrawn:
            audit_log_many(
                [
                    audit_entry(
                        action="publishing.article.withdrawn_with_issue",
                        actor=user,
                        obj=article,
                        data={"issue": issue.pk},
                    )
                    for article in withdrawn
                ]
            )
    return withdrawn


def on_issue_unpublished(*, issue: IssuePage) -> None:
    """Receiver of Wagtail's ``page_unpublished`` for issues."""
    if not IssuePage.objects.filter(pk=issue.pk, live=True).exists():
        issue_articles_withdraw(issue=issue, user=_publishing_user.get())


def on_issue_published(*, issue: IssuePage) -> None:
    """Receiver of Wagtail's ``page_published`` for issues: Wagtail sends it also when the
    publication is only scheduled (the issue stays not live), then nothing is released."""
    if issue.live:
        issue_articles_release(issue=issue, user=_publishing_user.get())


def on_article_published(*, article: ArticlePage) -> None:
    """Receiver of ``page_published`` for articles: a live article waits for nothing."""
    if article.live:
        PendingArticleRelease.objects.filter(article=article).delete()


# --- Scheduled publishing -----------------------------------------------------------------------


@dataclass
class ScheduledRun:
    unpublished: int = 0
    published: int = 0
    issues_released: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "unpublished": self.unpublished,
            "published": self.published,
            "issues_released": self.issues_released,
            "failed": self.failed,
        }


def scheduled_publishing_run(*, now: datetime | None = None) -> ScheduledRun:
    """Wagtail's scheduled publishing (the logic of ``manage.py publish_scheduled``): unpublish
    what expired, publish the revisions whose go-live time has passed. Each object is handled
    in its own transaction, so an issue goes live with its approved articles, and one failure
    does not block the others (it is logged and retried at the next run).

    Then, as a safety net, releases the approved articles of issues that are live (an issue
    published while the release failed). Idempotent.
    """
    now = now or timezone.now()
    run = ScheduledRun()
    models = [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    for model in models:
        for obj in list(model.objects.filter(live=True, expire_at__lt=now).order_by("expire_at")):
            try:
                with transaction.atomic():
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
                run.unpublished += 1
            except Exception:
                logger.exception("Scheduled unpublishing of %r failed.", obj)
                run.failed.append(f"unpublish {model._meta.label} {obj.pk}")
    due = Revision.objects.filter(approved_go_live_at__lt=now).order_by("approved_go_live_at")
    for revision in list(due):
        try:
            with transaction.atomic():
                revision.publish(log_action="wagtail.publish.scheduled")
            run.published += 1
        except Exception:
            logger.exception("Scheduled publishing of revision %s failed.", revision.pk)
            run.failed.append(f"publish revision {revision.pk}")
    for issue in _live_issues_with_pending_articles():
        try:
            if issue_articles_release(issue=issue, issue_published=False):
                run.issues_released += 1
        except Exception:
            logger.exception("Releasing the approved articles of issue %s failed.", issue.pk)
            run.failed.append(f"release issue {issue.pk}")
    return run


def _live_issues_with_pending_articles() -> list[IssuePage]:
    """Live issues with an article approved for them (at its latest revision) and not live."""
    paths = {
        path[: -ArticlePage.steplen]
        for path in PendingArticleRelease.objects.filter(
            revision_id=F("article__latest_revision_id")
        ).values_list("article__path", flat=True)
    }
    return list(IssuePage.objects.live().filter(path__in=paths)) if paths else []
