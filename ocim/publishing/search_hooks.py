"""Keeps the publishing search index in step with the pages (connected by PublishingConfig.ready()).

The receivers only call the indexing services (``ocim.publishing.search.indexing``): what goes in
the index, and the moving wall, are decided there and in ``access``.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index as wagtail_index
from wagtail.search.backends import get_search_backends
from wagtail.signals import page_published, page_unpublished, post_page_move

from ocim.core.models import Concept

from .models import ArticlePage, DossierPage, IssuePage, MagazinePage, Person
from .search.indexing import (
    INDEXED_TYPES,
    search_document_update,
    search_documents_update,
    search_subtree_update,
    search_wall_sync,
)


def _dossiers_follow_issue(issue: IssuePage) -> None:
    """A dossier is in the site search only while its issue is public (see
    ``DossierPage.get_indexed_instance``): add or remove the issue's dossiers."""
    for dossier in DossierPage.objects.filter(issue=issue):
        if dossier.issue_is_public:
            wagtail_index.insert_or_update_object(dossier)
        else:
            for backend in get_search_backends(with_auto_update=True):
                backend.delete(dossier)


@receiver(page_published)
def _page_published(sender, instance, **kwargs):
    if isinstance(instance, INDEXED_TYPES):
        search_document_update(page=instance)
    if isinstance(instance, IssuePage):
        # The issue's date sets its articles' year and moving wall.
        search_documents_update(
            page_ids=ArticlePage.objects.child_of(instance).values_list("pk", flat=True)
        )
        _dossiers_follow_issue(instance)
    elif isinstance(instance, MagazinePage):
        # The length of the moving wall may have changed.
        search_wall_sync(magazine=instance)


@receiver(page_unpublished)
def _page_unpublished(sender, instance, **kwargs):
    if isinstance(instance, INDEXED_TYPES):
        search_document_update(page=instance)
    if isinstance(instance, IssuePage):
        _dossiers_follow_issue(instance)


@receiver(post_page_move)
def _page_moved(sender, instance, **kwargs):
    # A move can change the issue (and so the wall) of an article, or put pages under a
    # view restriction.
    search_subtree_update(page=instance)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def _view_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()  # gone when the page is deleted
    if page is not None:
        search_subtree_update(page=page)


@receiver(post_save, sender=Person)
def _person_saved(sender, instance, created, **kwargs):
    # Author names are indexed: a renamed person is found under the new name.
    if created:
        return
    page_ids = {
        *instance.authorships.values_list("page_id", flat=True),
        *instance.news_authorships.values_list("page_id", flat=True),
    }
    for page in Page.objects.filter(pk__in=page_ids, publishing_search_document__isnull=False):
        search_document_update(page=page)


@receiver(post_save, sender=Concept)
def _concept_saved(sender, instance, created, **kwargs):
    # Thesaurus labels and synonyms are indexed with the articles they tag.
    if created:
        return
    for page in Page.objects.filter(publishing_search_document__concepts=instance):
        search_document_update(page=page)


# Deleted pages lose their document by the database cascade (SearchDocument.page).
