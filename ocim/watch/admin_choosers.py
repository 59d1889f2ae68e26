"""The actor chooser of the source form: the inventory's actors, searched like the directory
(through its public selector), for curators who keep the sources.

The inventory's own chooser is for people who may see the inventory's back office; this one
shows only what the public directory shows (name, commune, type) to people who may change
sources (``watch.change_source`` or ``watch.add_source``). Its widget is used by the source
form only (``register_widget = False``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from ocim.inventory.filters import MAX_QUERY_LENGTH, ActorFilters
from ocim.inventory.selectors import actors_filtered

from .models import Source

# The model behind the source's actor link (the inventory's actors), reached through the
# watch's own foreign key.
ACTOR_MODEL = Source._meta.get_field("actor").related_model


class ActorSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = actors_filtered(ActorFilters(q=query), queryset=objects)
        return objects


class _CuratorPermission:
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.has_perm("watch.change_source") or user.has_perm("watch.add_source")):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _Columns:
    @property
    def columns(self):
        return [
            *super().columns,
            Column("commune", label=_("commune")),
            Column("type", label=_("type")),
        ]


class ActorChooseView(_CuratorPermission, _Columns, chooser_views.ChooseView):
    filter_form_class = ActorSearchForm


class ActorChooseResultsView(_CuratorPermission, _Columns, chooser_views.ChooseResultsView):
    filter_form_class = ActorSearchForm


class ActorChosenView(_CuratorPermission, chooser_views.ChosenView):
    pass


class ActorChooserViewSet(ChooserViewSet):
    model = ACTOR_MODEL
    icon = "group"
    choose_one_text = _("Choose an actor")
    choose_another_text = _("Choose another actor")
    page_title = _("Choose the actor publishing the source")
    register_widget = False
    per_page = 20
    choose_view_class = ActorChooseView
    choose_results_view_class = ActorChooseResultsView
    chosen_view_class = ActorChosenView

    def get_object_list(self):
        return ACTOR_MODEL.objects.select_related("commune", "type").order_by("name", "pk")


actor_chooser_viewset = ActorChooserViewSet("watch_actor_chooser", url_prefix="watch/actor-chooser")
