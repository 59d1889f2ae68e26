"""Back office of the inventory: the actors (list with search and filters, forms saved through
``services.actor_save``, history with revert), the typology and the labels (snippets), and the
choosers of the actor form (commune, parent organisation).

Permissions are Django's model permissions (``inventory.view_actor``, ``add_actor``,
``change_actor``…), granted to the observatory analysts by ``inventory/roles.py``.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_choosers import actor_chooser_viewset, commune_chooser_viewset
from .admin_forms import ActorForm
from .admin_views import (
    URL_NAMESPACE,
    ActorCreateView,
    ActorDeleteView,
    ActorEditView,
    ActorHistoryView,
    ActorIndexView,
    ActorRevertView,
)
from .models import Actor, ActorFamily, ActorType, Label
from .services_admin import actor_type_family_sync

# --- Actors -----------------------------------------------------------------------------------


class ActorViewSet(ModelViewSet):
    model = Actor
    icon = "group"
    menu_label = _("Actors")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = ActorIndexView
    add_view_class = ActorCreateView
    edit_view_class = ActorEditView
    delete_view_class = ActorDeleteView
    create_template_name = "inventory/admin/actor_create.html"
    edit_template_name = "inventory/admin/actor_edit.html"
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name"]  # makes the list searchable (ActorIndexView.search_queryset)
    search_backend_name = None
    list_filter = ["family", "type", "region", "status"]
    list_per_page = 50
    ordering = ["name", "pk"]
    list_display = [
        "name",
        Column("type", label=_("type")),
        Column("commune", label=_("commune")),
        Column("region", label=_("region")),
        Column("status", label=_("status"), accessor="get_status_display"),
        UpdatedAtColumn(),
    ]

    def get_form_class(self, for_update=False):
        return ActorForm

    # The history is the actor's own (ActorRevision, with a revert), not Wagtail's log.
    @property
    def history_view(self):
        return ActorHistoryView.as_view()

    @property
    def history_results_view(self):
        return ActorHistoryView.as_view()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "revert/<int:pk>/<int:revision_pk>/",
                ActorRevertView.as_view(),
                name="revert",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_actor_viewset():
    return ActorViewSet(URL_NAMESPACE)


@hooks.register("register_admin_viewset")
def register_commune_chooser():
    return commune_chooser_viewset


@hooks.register("register_admin_viewset")
def register_actor_chooser():
    return actor_chooser_viewset


# --- Typology and labels ----------------------------------------------------------------------


class ActorFamilyViewSet(SnippetViewSet):
    model = ActorFamily
    icon = "folder-open-inverse"
    menu_label = _("Actor families")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["name_fr", "name_en", "slug", "sort_order"]
    search_fields = ["name_fr", "name_en", "slug"]
    search_backend_name = None
    ordering = ["sort_order", "name_fr"]


class ActorTypeEditView(SnippetEditView):
    """A type moved to another family takes its actors along (their copied family column)."""

    def save_instance(self):
        instance = super().save_instance()
        actor_type_family_sync(actor_type=instance, user=self.request.user)
        return instance


class ActorTypeViewSet(SnippetViewSet):
    model = ActorType
    icon = "folder-inverse"
    menu_label = _("Actor types")
    add_to_admin_menu = False
    copy_view_enabled = False
    edit_view_class = ActorTypeEditView
    list_display = ["name_fr", "name_en", "family", "slug", "sort_order"]
    list_filter = ["family"]
    search_fields = ["name_fr", "name_en", "slug"]
    search_backend_name = None
    ordering = ["family__sort_order", "sort_order", "name_fr"]


class LabelViewSet(SnippetViewSet):
    model = Label
    icon = "pick"
    menu_label = _("Labels")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["name", "awarded_by", "slug"]
    search_fields = ["name", "awarded_by", "slug"]
    search_backend_name = None
    ordering = ["name"]


register_snippet(ActorFamilyViewSet)
register_snippet(ActorTypeViewSet)
register_snippet(LabelViewSet)

# The import of actors (upload, mapping, preview, commit, report) has its own views and hooks.
from . import wagtail_hooks_import  # noqa: E402, F401
