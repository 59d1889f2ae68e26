"""Choosers of the actor form: the commune (searched by name, postal code or INSEE code with the
territory selectors) and the parent organisation (searched like the directory).

Their widgets are used by ``admin_forms.ActorForm`` only (``register_widget = False``): other
forms pointing at a commune keep their own widgets. The viewsets are registered in
``wagtail_hooks``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from ocim.core.models import Commune
from ocim.core.selectors import commune_search

from .filters import MAX_QUERY_LENGTH, ActorFilters
from .models import Actor
from .selectors import actors_filtered

SEARCH_LIMIT = 50


class _SearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def search(self, objects, query: str):
        raise NotImplementedError

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = self.search(objects, query)
        return objects


# --- Commune ----------------------------------------------------------------------------------


class CommuneSearchForm(_SearchForm):
    def search(self, objects, query):
        found = [commune.pk for commune in commune_search(query, limit=SEARCH_LIMIT)]
        return objects.filter(pk__in=found)


class _CommuneColumns:
    @property
    def columns(self):
        return [
            *super().columns,
            Column("insee_code", label=_("INSEE code")),
            Column("population", label=_("Population")),
        ]


class CommuneChooseView(_CommuneColumns, chooser_views.ChooseView):
    filter_form_class = CommuneSearchForm


class CommuneChooseResultsView(_CommuneColumns, chooser_views.ChooseResultsView):
    filter_form_class = CommuneSearchForm


class CommuneChooserViewSet(ChooserViewSet):
    model = Commune
    icon = "site"
    choose_one_text = _("Choose a commune")
    choose_another_text = _("Choose another commune")
    page_title = _("Choose a commune")
    register_widget = False
    per_page = 20
    choose_view_class = CommuneChooseView
    choose_results_view_class = CommuneChooseResultsView

    def get_object_list(self):
        return Commune.objects.select_related("department").order_by("-population", "name")


commune_chooser_viewset = CommuneChooserViewSet("inventory_commune_chooser")


# --- Actor (the parent organisation) --------------------------------------------------------


class ActorSearchForm(_SearchForm):
    def search(self, objects, query):
        return actors_filtered(ActorFilters(q=query), queryset=objects)


class _ActorPermission:
    # Choosing shows the names of actors: for people who may see the inventory.
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("inventory.view_actor"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _ActorColumns:
    @property
    def columns(self):
        return [
            *super().columns,
            Column("commune", label=_("commune")),
            Column("type", label=_("type")),
        ]


class ActorChooseView(_ActorPermission, _ActorColumns, chooser_views.ChooseView):
    filter_form_class = ActorSearchForm


class ActorChooseResultsView(_ActorPermission, _ActorColumns, chooser_views.ChooseResultsView):
    filter_form_class = ActorSearchForm


class ActorChosenView(_ActorPermission, chooser_views.ChosenView):
    pass


class ActorChooserViewSet(ChooserViewSet):
    model = Actor
    icon = "group"
    choose_one_text = _("Choose an actor")
    choose_another_text = _("Choose another actor")
    page_title = _("Choose the parent organisation")
    register_widget = False
    per_page = 20
    choose_view_class = ActorChooseView
    choose_results_view_class = ActorChooseResultsView
    chosen_view_class = ActorChosenView

    def get_object_list(self):
        return Actor.objects.select_related("commune", "type").order_by("name", "pk")


actor_chooser_viewset = ActorChooserViewSet("inventory_actor_chooser")
