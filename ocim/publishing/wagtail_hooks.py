"""Back office of the publishing module: rubrics and people (snippets), subscriptions, and the
editorial workflow's admin hooks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ocim.core.audit import audit_log

from .access import article_full_text_allowed, issue_full_text_allowed
from .models import ArticlePage, IssuePage, MagazinePage, Person, Rubric, Subscription
from .views import client_ip
from .workflow import services as workflow_services

# --- Documents behind the moving wall ---------------------------------------------------------


@hooks.register("before_serve_document")
def guard_walled_documents(document, request):
    """The PDF of an article or an issue is also reachable at Wagtail's own document URL: that
    URL answers 403 to the readers who may not read the full text, like our PDF views.

    (Files served straight from the storage, WAGTAILDOCS_SERVE_METHOD="direct", bypass this.)"""
    ip = client_ip(request)
    for article in ArticlePage.objects.filter(pdf=document):
        if not article_full_text_allowed(article, user=request.user, ip=ip):
            raise PermissionDenied
    for issue in IssuePage.objects.filter(pdf=document):
        if not issue_full_text_allowed(issue, user=request.user, ip=ip):
            raise PermissionDenied
    return None


# --- Snippets -----------------------------------------------------------------------------------


class RubricViewSet(SnippetViewSet):
    model = Rubric
    icon = "list-ul"
    menu_label = _("Rubrics")
    add_to_admin_menu = False
    list_display = ["name", "sort_order"]
    ordering = ["sort_order", "name"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("Authors")
    add_to_admin_menu = False
    list_display = ["last_name", "first_name", "affiliation", "orcid"]
    search_fields = ["last_name", "first_name", "affiliation"]


register_snippet(RubricViewSet)
register_snippet(PersonViewSet)


# --- Subscriptions --------------------------------------------------------------------------------


def _subscription_data(subscription: Subscription) -> dict:
    return {
        "kind": subscription.kind,
        "user": subscription.user_id,
        "institution": subscription.institution_name,
        "starts_on": subscription.starts_on.isoformat(),
        "ends_on": subscription.ends_on.isoformat(),
    }


class SubscriptionCreateView(CreateView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            audit_log(
                action="publishing.subscription.created",
                actor=self.request.user,
                obj=instance,
                data=_subscription_data(instance),
            )
        return instance


class SubscriptionEditView(EditView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            audit_log(
                action="publishing.subscription.changed",
                actor=self.request.user,
                obj=instance,
                data=_subscription_data(instance),
            )
        return instance


class SubscriptionDeleteView(DeleteView):
    def delete_action(self):
        with transaction.atomic():
            audit_log(
                action="publishing.subscription.deleted",
                actor=self.request.user,
                obj=self.object,
                data=_subscription_data(self.object),
            )
            super().delete_action()


class SubscriptionViewSet(ModelViewSet):
    """Subscriptions are managed by staff with the publishing.*_subscription permissions."""

    model = Subscription
    icon = "key"
    menu_label = _("Subscriptions")
    add_to_admin_menu = True
    menu_order = 310
    form_fields = [
        "kind",
        "user",
        "institution_name",
        "ip_ranges",
        "starts_on",
        "ends_on",
        "note",
    ]
    list_display = ["__str__", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["institution_name", "user__email", "user__last_name"]
    add_view_class = SubscriptionCreateView
    edit_view_class = SubscriptionEditView
    delete_view_class = SubscriptionDeleteView


@hooks.register("register_admin_viewset")
def register_subscription_viewset():
    return SubscriptionViewSet("publishing_subscriptions")


# --- Editorial workflow ---------------------------------------------------------------------------


@hooks.register("after_create_page")
def magazine_created(request, page):
    """A new magazine (a translation, another title) gets the editorial workflow at once."""
    if isinstance(page.specific, MagazinePage):
        workflow_services.magazine_editorial_setup(page)


_PUBLISHER_ATTR = "_ocim_publishing_user"


@hooks.register("before_publish_page")
def publish_with_issue(request, page):
    """An article is never live before its issue: "Publish" on an article of an unpublished
    issue approves its latest revision for the issue instead. Publishing an issue tells the
    release of its approved articles who is publishing."""
    page = page.specific
    if isinstance(page, ArticlePage):
        issue = workflow_services.article_publish_held(article=page, user=request.user)
        if issue is not None:
            messages.success(
                request,
                gettext_now(
                    "“%(article)s” is approved: it will go live with its issue “%(issue)s”, "
                    "which is not published yet."
                )
                % {"article": page.get_admin_display_title(), "issue": issue.title},
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    elif isinstance(page, IssuePage):
        setattr(request, _PUBLISHER_ATTR, workflow_services.publishing_user_set(request.user))
    return None


@hooks.register("after_publish_page")
def published_with_issue(request, page):
    token = getattr(request, _PUBLISHER_ATTR, None)
    if token is not None:
        delattr(request, _PUBLISHER_ATTR)
        workflow_services.publishing_user_reset(token)
    return None


@hooks.register("before_unpublish_page")
def unpublish_with_issue(request, page):
    """Unpublishing an issue takes its articles out with it: say who did it."""
    if isinstance(page.specific, IssuePage):
        setattr(request, _PUBLISHER_ATTR, workflow_services.publishing_user_set(request.user))
    return None


@hooks.register("after_unpublish_page")
def unpublished_with_issue(request, page):
    return published_with_issue(request, page)


@hooks.register("before_bulk_action")
def bulk_publish_not_before_the_issue(request, action_type, objects, action_class_instance):
    """The bulk "Publish" of the page listing refuses an article whose issue is not live (and
    not published in the same action): it would be served before its issue."""
    if action_type != "publish":
        return None
    selected = {obj.pk for obj in objects}
    for obj in objects:
        page = getattr(obj, "specific", obj)
        issue = workflow_services.unpublished_issue_of(page)
        if issue is not None and issue.pk not in selected:
            messages.error(
                request,
                gettext_now(
                    "“%(article)s” cannot go live before its issue “%(issue)s”: publish the "
                    "issue, its approved articles go live with it."
                )
                % {"article": page.get_admin_display_title(), "issue": issue.title},
            )
            return redirect(action_class_instance.next_url)
    return None
