"""Back office of the watch, under one "Watch" menu: the reading view, the sources (list with
filters, forms saved through ``services.source_save``), the sources' health, the categories,
the classification rules (conditions inline) and the OPML import and export.

Permissions are Django's model permissions (``watch.view_item``, ``change_item``,
``view_source``, ``add_source``…), granted to the watch curators by ``watch/roles.py``.
"""

from __future__ import annotations

from django import forms
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column, DateColumn, RelatedObjectsColumn, StatusTagColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_choosers import actor_chooser_viewset
from .admin_forms import RuleConditionForm, RuleForm, SourceCategoryForm, SourceForm
from .admin_views import (
    ItemDetailView,
    ItemExportView,
    ItemMarkView,
    ItemNewsDraftView,
    ItemReadAllView,
    ItemReadView,
    ItemStreamView,
    OpmlExportView,
    OpmlImportView,
    RuleTrialView,
    SavedFilterCreateView,
    SavedFilterDeleteView,
    SourceCreateView,
    SourceDeleteView,
    SourceDiscoverView,
    SourceEditView,
    SourceHealthDetailView,
    SourceHealthView,
    SourceIndexView,
    SourcePreviewView,
    SourceResetView,
    SourceRetryView,
)
from .models import ClassificationRule, Source, SourceCategory, SourceState


class _PermissionViewSet(ViewSet):
    """A viewset of plain views whose menu item shows to people with ``permission``."""

    permission = ""

    @property
    def menu_item_class(self):
        permission = self.permission

        class _Item(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm(permission)

        return _Item


class ReadingViewSet(_PermissionViewSet):
    name = "watch"
    url_prefix = "watch/items"
    icon = "doc-full"
    menu_label = _("Reading")
    permission = "watch.view_item"

    def get_urlpatterns(self):
        return [
            path("", ItemStreamView.as_view(), name="stream"),
            path("<int:pk>/", ItemDetailView.as_view(), name="item"),
            path("<int:pk>/mark/", ItemMarkView.as_view(), name="mark"),
            path("<int:pk>/read/", ItemReadView.as_view(), name="read"),
            path("<int:pk>/news/", ItemNewsDraftView.as_view(), name="news"),
            path("read/", ItemReadAllView.as_view(), name="read_all"),
            path("export/", ItemExportView.as_view(), name="export"),
            path("saved/", SavedFilterCreateView.as_view(), name="saved_create"),
            path("saved/<int:pk>/delete/", SavedFilterDeleteView.as_view(), name="saved_delete"),
        ]


class HealthViewSet(_PermissionViewSet):
    name = "watch_health"
    url_prefix = "watch/health"
    icon = "clipboard-list"
    menu_label = _("Source health")
    permission = "watch.view_source"

    def get_urlpatterns(self):
        return [
            path("", SourceHealthView.as_view(), name="index"),
            path("<int:pk>/", SourceHealthDetailView.as_view(), name="source"),
            path("<int:pk>/reset/", SourceResetView.as_view(), name="reset"),
            path("<int:pk>/retry/", SourceRetryView.as_view(), name="retry"),
        ]


class OpmlViewSet(_PermissionViewSet):
    name = "watch_opml"
    url_prefix = "watch/opml"
    icon = "upload"
    menu_label = _("OPML import and export")
    permission = "watch.add_source"

    def get_urlpatterns(self):
        return [
            path("import/", OpmlImportView.as_view(), name="import"),
            path("export/", OpmlExportView.as_view(), name="export"),
        ]


# --- Sources ----------------------------------------------------------------------------------


def _state_label(source: Source) -> str:
    return source.get_state_display()


class SourceViewSet(ModelViewSet):
    model = Source
    name = "watch_sources"
    url_prefix = "watch/sources"
    icon = "link"
    menu_label = _("Sources")
    index_view_class = SourceIndexView
    add_view_class = SourceCreateView
    edit_view_class = SourceEditView
    delete_view_class = SourceDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["title"]  # makes the list searchable (SourceIndexView.search_queryset)
    search_backend_name = None
    list_filter = ["state", "kind", "categories", "region"]
    list_per_page = 50
    ordering = ["title", "pk"]
    list_display = [
        "title",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        RelatedObjectsColumn("categories", label=_("Categories")),
        StatusTagColumn(
            "state",
            label=_("State"),
            accessor=_state_label,
            primary=lambda source: source.state == SourceState.ACTIVE,
        ),
        DateColumn("last_fetch_at", label=_("Last fetch")),
        Column("consecutive_errors", label=_("Consecutive errors")),
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("url"),
                    FieldPanel("site_url"),
                    FieldPanel("kind"),
                    FieldPanel("language"),
                    FieldPanel("description"),
                ],
                heading=_("Source"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("rules_engine"),
                    FieldPanel("rules_item"),
                    FieldPanel("rules_title"),
                    FieldPanel("rules_link"),
                    FieldPanel("rules_date"),
                    FieldPanel("rules_summary"),
                ],
                heading=_("Extraction rules (web pages without a feed)"),
                help_text=_(
                    "Only for a web page: how to find its items, then, inside each item, its "
                    "title, link, date and summary."
                ),
            ),
            HelpPanel(template="watch/admin/_source_preview_panel.html", heading=_("Preview")),
            MultiFieldPanel(
                [
                    FieldPanel("categories"),
                    FieldPanel("concepts"),
                    FieldRowPanel([FieldPanel("region"), FieldPanel("department")]),
                    FieldPanel("actor", widget=actor_chooser_viewset.widget_class),
                ],
                heading=_("Classification"),
                help_text=_(
                    "Given to every item of the source, besides what the classification finds."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("state"),
                    FieldPanel("state_reason"),
                    FieldPanel("fetch_full_text"),
                    FieldPanel("full_text_selector"),
                ],
                heading=_("Reading"),
            ),
        ],
        base_form_class=SourceForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("discover/", SourceDiscoverView.as_view(), name="discover"),
            path("preview/", SourcePreviewView.as_view(), name="preview"),
        ]


# --- Categories and rules ---------------------------------------------------------------------


class SourceCategoryViewSet(ModelViewSet):
    model = SourceCategory
    name = "watch_categories"
    url_prefix = "watch/categories"
    icon = "folder-open-inverse"
    menu_label = _("Source categories")
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None
    ordering = ["name"]
    form_fields = ["name", "slug"]

    def get_form_class(self, for_update=False):
        return SourceCategoryForm


class ConditionPanel(InlinePanel):
    """The rule's conditions, each checked by ``RuleConditionForm`` (regular expressions)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = RuleConditionForm
        return options


class ClassificationRuleViewSet(ModelViewSet):
    model = ClassificationRule
    name = "watch_rules"
    url_prefix = "watch/rules"
    icon = "regex"
    menu_label = _("Classification rules")
    copy_view_enabled = True
    inspect_view_enabled = False
    list_display = [
        "name",
        StatusTagColumn(
            "active",
            label=_("Active"),
            accessor=lambda rule: _("Active") if rule.active else _("Inactive"),
            primary=lambda rule: rule.active,
        ),
        Column("match", label=_("Match"), accessor="get_match_display"),
        Column("action", label=_("What it does"), accessor="get_action_display"),
    ]
    list_filter = ["active", "action"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldRowPanel([FieldPanel("active"), FieldPanel("match")]),
            FieldPanel("action", widget=forms.RadioSelect),
            ConditionPanel(
                "conditions",
                heading=_("Conditions"),
                label=_("Condition"),
                min_num=1,
                panels=[
                    FieldRowPanel(
                        [
                            FieldPanel("field"),
                            FieldPanel("operator"),
                            FieldPanel("negate"),
                        ]
                    ),
                    FieldPanel("value"),
                ],
            ),
            MultiFieldPanel(
                [
                    FieldPanel("concepts", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("families", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("departments"),
                ],
                heading=_("What the rule attaches to the items it matches"),
                help_text=_("Nothing, for a rule that leaves entries out."),
            ),
            HelpPanel(template="watch/admin/_rule_trial_panel.html", heading=_("Try the rule")),
        ],
        base_form_class=RuleForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("trial/", RuleTrialView.as_view(), name="trial"),
        ]


class WatchViewSetGroup(ViewSetGroup):
    menu_label = _("Watch")
    menu_icon = "glasses"
    menu_order = 270
    items = (
        ReadingViewSet,
        SourceViewSet,
        HealthViewSet,
        SourceCategoryViewSet,
        ClassificationRuleViewSet,
        OpmlViewSet,
    )


@hooks.register("register_admin_viewset")
def register_watch_viewsets():
    return WatchViewSetGroup()


@hooks.register("register_admin_viewset")
def register_actor_chooser():
    return actor_chooser_viewset
