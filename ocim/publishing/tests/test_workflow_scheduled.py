"""Scheduled publishing runs from the core scheduler: an issue scheduled for a time goes live
with its approved articles when the periodic job runs after that time; expired pages go."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from ocim.core.models import AuditLogEntry
from ocim.core.scheduler import PeriodicRegistry, periodic_registry, run_due_jobs
from ocim.publishing.models import ArticlePage, IssuePage, PendingArticleRelease
from ocim.publishing.workflow.services import scheduled_publishing_run

from . import builders
from .test_workflow import _approve_fully
from .workflow_builders import draft_article, draft_issue, editorial_setup

pytestmark = pytest.mark.django_db

JOB = "publishing.pages.publish_scheduled"


def _only_the_publishing_job() -> PeriodicRegistry:
    job = periodic_registry.get(JOB)
    registry = PeriodicRegistry()
    registry.register(job.name, task=job.task, every=job.every, queue=job.queue)
    return registry


def test_the_job_is_registered_every_few_minutes():
    job = periodic_registry.get(JOB)
    assert job is not None
    assert job.every <= dt.timedelta(minutes=5)


def test_scheduled_issue_goes_live_with_its_approved_articles_when_the_job_runs():
    magazine, users = editorial_setup()
    author, editor, chief = users["author"], users["editor"], users["editor-in-chief"]
    start = timezone.now().replace(microsecond=0)
    go_live = start + dt.timedelta(hours=2)
    issue = draft_issue(magazine, user=author)
    approved = draft_article(issue, user=author, title="Approuvé")
    in_review = draft_article(issue, user=author, title="En relecture")
    _approve_fully(approved, author=author, editor=editor, chief=chief)
    in_review.get_workflow().start(in_review, author)

    # The editor-in-chief schedules the issue.
    issue.go_live_at = go_live
    issue.save_revision(user=chief).publish(user=chief)
    issue.refresh_from_db()
    assert not issue.live
    assert issue.get_latest_revision().approved_go_live_at == go_live
    approved.refresh_from_db()
    assert not approved.live and PendingArticleRelease.objects.filter(article=approved).exists()

    registry = _only_the_publishing_job()
    # Before the time: nothing goes live.
    with freeze_time(go_live - dt.timedelta(minutes=1)):
        runs = run_due_jobs(now=timezone.now(), registry=registry)
    assert len(runs) == 1
    assert not IssuePage.objects.get(pk=issue.pk).live

    # After it: the issue and its approved article go live; the article in review does not.
    with freeze_time(go_live + dt.timedelta(minutes=1)):
        runs = run_due_jobs(now=timezone.now(), registry=registry)
    assert len(runs) == 1
    assert IssuePage.objects.get(pk=issue.pk).live
    assert list(ArticlePage.objects.child_of(issue).live()) == [approved]
    assert not PendingArticleRelease.objects.exists()
    entry = AuditLogEntry.objects.get(action="publishing.issue.published")
    assert entry.actor is None
    assert entry.data == {"articles_published": [approved.pk], "articles_not_live": [in_review.pk]}


def test_expired_pages_are_unpublished():
    magazine, _users = editorial_setup()
    issue = builders.issue(magazine)
    IssuePage.objects.filter(pk=issue.pk).update(expire_at=timezone.now() - dt.timedelta(minutes=5))
    run = scheduled_publishing_run()
    assert run.unpublished == 1
    issue.refresh_from_db()
    assert not issue.live and issue.expired
    # Safe to run twice.
    assert scheduled_publishing_run().as_dict() == {
        "unpublished": 0,
        "published": 0,
        "issues_released": 0,
        "failed": [],
    }


def test_safety_net_releases_articles_of_an_issue_already_live():
    """An issue that went live while the release failed: the next run publishes its approved
    articles (only those still at their approved revision)."""
    magazine, users = editorial_setup()
    author, editor, chief = users["author"], users["editor"], users["editor-in-chief"]
    issue = draft_issue(magazine, user=author)
    article = draft_article(issue, user=author)
    _approve_fully(article, author=author, editor=editor, chief=chief)
    # Made live behind Wagtail's back (no page_published signal).
    IssuePage.objects.filter(pk=issue.pk).update(live=True)
    run = scheduled_publishing_run()
    assert run.issues_released == 1
    article.refresh_from_db()
    assert article.live
    assert not AuditLogEntry.objects.filter(action="publishing.issue.published").exists()
    assert AuditLogEntry.objects.filter(action="publishing.article.published_with_issue").exists()
