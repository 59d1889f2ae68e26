"""Back office of the publishing module: rubrics and people (snippets), subscriptions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ocim.core.audit import audit_log

from .access import article_full_text_allowed, issue_full_text_allowed
from .models import ArticlePage, IssuePage, Person, Rubric, Subscription
from .views import client_ip

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
