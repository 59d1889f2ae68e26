"""Signal receivers of the editorial workflow (connected when ``ocim.publishing.jobs`` is
imported by ``PublishingConfig.ready()``, so that every process — web, worker, scheduler —
publishes an issue's approved articles with it)."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from ..models import ArticlePage, IssuePage
from . import services


@receiver(page_published, sender=IssuePage, dispatch_uid="ocim_publishing_issue_published")
def issue_published(sender, instance, **kwargs):
    services.on_issue_published(issue=instance)


@receiver(page_published, sender=ArticlePage, dispatch_uid="ocim_publishing_article_published")
def article_published(sender, instance, **kwargs):
    services.on_article_published(article=instance)


@receiver(page_unpublished, sender=IssuePage, dispatch_uid="ocim_publishing_issue_unpublished")
def issue_unpublished(sender, instance, **kwargs):
    services.on_issue_unpublished(issue=instance)
