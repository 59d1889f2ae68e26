"""Back office of the shared kernel: thesaurus (editable), territories and audit log (read-only)."""

import json
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import AuditLogEntry, Commune, Concept, Department, Region
from .selectors import concept_descendant_ids, concept_search, normalize_search_text

# --- Permissions ------------------------------------------------------------------------------


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Records that nobody adds, changes or deletes in the admin (loaded from files, or
    append-only). Viewing needs the model's "view" permission (superusers have it), or, with
    ``open_to_admin_users``, just access to the admin."""

    def __init__(self, model, *, open_to_admin_users=False):
        super().__init__(model)
        self.open_to_admin_users = open_to_admin_users

    def user_has_permission(self, user, action):
        if action != "view" or not (user.is_active and user.is_authenticated):
            return False
        if self.open_to_admin_users and user.has_perm("wagtailadmin.access_admin"):
            return True
        return super().user_has_permission(user, action)


# Registered before any viewset so Wagtail never creates its default (editable) policy.
register_permission_policy(AuditLogEntry, ReadOnlyPermissionPolicy(AuditLogEntry))
for _territory_model in (Region, Department, Commune):
    register_permission_policy(
        _territory_model, ReadOnlyPermissionPolicy(_territory_model, open_to_admin_users=True)
    )


# --- Thesaurus --------------------------------------------------------------------------------


class SynonymsField(forms.CharField):
    """A list of texts edited as one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [item.strip() for item in re.split(r"[\n;]", text) if item.strip()]


class ConceptForm(WagtailAdminModelForm):
    synonyms_fr = SynonymsField(
        label=_("French synonyms"), required=False, help_text=_("One per line.")
    )
    synonyms_en = SynonymsField(
        label=_("English synonyms"), required=False, help_text=_("One per line.")
    )

    def clean_broader(self):
        broader = self.cleaned_data.get("broader")
        if (
            broader is not None
            and self.instance.pk
            and broader.pk in concept_descendant_ids(self.instance)
        ):
            raise forms.ValidationError(
                _("A concept cannot be placed under itself or one of its narrower concepts.")
            )
        return broader


class ConceptIndexView(SnippetIndexView):
    # Accent-insensitive search on labels and synonyms in both languages (same as the site).
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        matches = concept_search(self.search_query, limit=500)
        return queryset.filter(pk__in=[concept.pk for concept in matches])


class ConceptViewSet(SnippetViewSet):
    model = Concept
    icon = "tag"
    menu_label = _("Thesaurus")
    menu_order = 290
    add_to_admin_menu = True
    index_view_class = ConceptIndexView
    search_fields = ["label_fr", "label_en", "slug"]  # makes the listing searchable
    search_backend_name = None
    list_display = ["label_fr", "label_en", "slug", "broader"]
    list_filter = ["broader"]
    list_per_page = 50
    ordering = ["label_fr"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("slug"),
            MultiFieldPanel(
                [FieldPanel("label_fr"), FieldPanel("synonyms_fr"), FieldPanel("definition_fr")],
                heading=_("French"),
            ),
            MultiFieldPanel(
                [FieldPanel("label_en"), FieldPanel("synonyms_en"), FieldPanel("definition_en")],
                heading=_("English"),
            ),
            FieldPanel("broader"),
        ],
        base_form_class=ConceptForm,
    )


register_snippet(ConceptViewSet)


# --- Territories (browse only) ----------------------------------------------------------------


class CommuneIndexView(IndexView):
    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        text = normalize_search_text(query)
        if re.fullmatch(r"\d{5}", query):
            return queryset.filter(Q(postal_codes__code=query) | Q(insee_code=query)).distinct()
        return queryset.filter(search_name__contains=text) if text else queryset.none()


class ReadOnlyViewSet(ModelViewSet):
    # The add/edit views exist but the permission policy refuses them to everybody.
    exclude_form_fields = []
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None


class RegionViewSet(ReadOnlyViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "code", "population"]
    search_fields = ["name", "code"]
    ordering = ["name"]


class DepartmentViewSet(ReadOnlyViewSet):
    model = Department
    icon = "site"
    list_display = ["name", "code", "region", "population"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    ordering = ["code"]


class CommuneViewSet(ReadOnlyViewSet):
    model = Commune
    icon = "site"
    index_view_class = CommuneIndexView
    list_display = ["name", "insee_code", "department", "population"]
    list_filter = ["department__region"]
    search_fields = ["name"]
    ordering = ["name"]
    list_per_page = 50
    inspect_view_fields = [
        "insee_code",
        "name",
        "department",
        "population",
        "latitude",
        "longitude",
    ]


class TerritoryViewSetGroup(ModelViewSetGroup):
    items = (RegionViewSet, DepartmentViewSet, CommuneViewSet)
    menu_label = _("Territories")
    menu_icon = "site"
    menu_order = 295


@hooks.register("register_admin_viewset")
def register_territories():
    return TerritoryViewSetGroup()


# --- Audit log (read-only, permission-gated) --------------------------------------------------


class AuditLogFilterSet(WagtailFilterSet):
    action = django_filters.CharFilter(
        label=_("Action starts with"),
        lookup_expr="startswith",
        help_text=_("For example “training.” or “core.thesaurus.”"),
    )
    created_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditLogEntry
        fields = ["action", "created_at"]


def _data_summary(entry):
    text = json.dumps(entry.data, ensure_ascii=False, sort_keys=True) if entry.data else ""
    return text if len(text) <= 160 else text[:159] + "…"


class AuditLogViewSet(ReadOnlyViewSet):
    model = AuditLogEntry
    icon = "list-ul"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    search_fields = ["action", "actor_label", "object_repr", "object_id"]
    list_display = [
        "action",
        "actor_label",
        "created_at",
        "object_repr",
        Column("data", label=_("data"), accessor=_data_summary),
    ]
    filterset_class = AuditLogFilterSet
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    inspect_view_fields = [
        "action",
        "actor_label",
        "created_at",
        "content_type",
        "object_id",
        "object_repr",
        "data",
    ]


@hooks.register("register_admin_viewset")
def register_audit_log():
    return AuditLogViewSet("audit_log")
