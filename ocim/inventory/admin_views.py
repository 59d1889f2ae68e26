"""Admin views of the inventory: the actor list, creating and editing an actor (with its visitor
counts and contact persons inline), its history, and reverting it to an earlier version.

Every write goes through the services: ``services.actor_save`` (source "back office", the user
recorded in the history), ``services.actor_revert`` and ``services_admin.actor_contacts_save``.
A refusal of the services (``ValidationError``) becomes form errors or a message, never a server
error. The history and revert views check permissions themselves and answer 403 when refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import MenuItem

from . import services
from .admin_forms import contact_formset, visitor_count_formset
from .filters import ActorFilters
from .history import revision_changes
from .models import Actor, ActorRevision, RevisionSource
from .selectors import actors_filtered
from .services_admin import actor_contacts_save

URL_NAMESPACE = "inventory_actors"
HISTORY_PAGE_SIZE = 30


def _url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


# --- List -------------------------------------------------------------------------------------


class ActorIndexView(IndexView):
    """The actors, searched like the directory (``selectors.actors_filtered``)."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("type", "commune", "region")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        filters, _problems = ActorFilters.from_query({"q": [self.search_query]})
        return actors_filtered(filters, queryset=queryset)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                gettext_lazy("History"),
                url=_url("history", instance.pk),
                icon_name="history",
                priority=20,
            )
        )
        return buttons


# --- Create and edit --------------------------------------------------------------------------


class ActorFormViewMixin:
    """Shared by the create and edit views: the inline formsets, and the save through the
    services in one transaction (the actor, its history, its contacts)."""

    def get_formsets(self):
        data = self.request.POST if self.request.method == "POST" else None
        actor = self.object if getattr(self, "object", None) is not None else None
        return (
            visitor_count_formset(data, actor=actor),
            contact_formset(data, actor=actor),
        )

    @cached_property
    def formsets(self):
        return self.get_formsets()

    def is_valid(self, form):
        visitors, contacts = self.formsets
        valid = form.is_valid() & visitors.is_valid() & contacts.is_valid()
        if not valid:
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
        return valid

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visitors, contacts = self.formsets
        context["visitor_formset"] = visitors
        context["contact_formset"] = contacts
        context["media"] += visitors.media + contacts.media
        return context

    def save_instance(self):
        form = self.form
        visitors, contacts = self.formsets
        actor = form.save(commit=False)
        services.actor_save(
            actor,
            user=self.request.user,
            source=RevisionSource.ADMIN,
            labels=form.cleaned_data.get("labels") or [],
            concepts=form.cleaned_data.get("concepts") or [],
            visitor_counts=visitors.counts(),
        )
        contacts.instance = actor
        changed = contacts.save(commit=False)
        actor_contacts_save(
            actor=actor,
            changed=changed,
            deleted=contacts.deleted_objects,
            user=self.request.user,
        )
        return actor

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except ValidationError as error:
            # Refused by the services (after the form's own checks): nothing was written.
            self._show_errors(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response

    @staticmethod
    def _show_errors(form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            form.add_error(None, error.messages)


class ActorCreateView(ActorFormViewMixin, CreateView):
    def get_formsets(self):
        self.object = None
        return super().get_formsets()


class ActorEditView(ActorFormViewMixin, EditView):
    # The viewset's "history" view is ActorHistoryView: Wagtail's history link leads there.
    def get_formsets(self):
        if getattr(self, "object", None) is None:
            self.object = self.get_object()
        return super().get_formsets()


# --- History and revert -----------------------------------------------------------------------


class ActorDeleteView(DeleteView):
    """Wagtail's confirmation page, the deletion itself by ``services.actor_delete`` (audited
    with the actor's last record), as for every other write of an actor."""

    def delete_action(self):
        services.actor_delete(actor=self.object, user=self.request.user)


class ActorBackofficeView(WagtailAdminTemplateMixin, View):
    """A view about one actor, refused (403) without ``permission``."""

    permission = "inventory.view_actor"
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            return self.forbidden()
        self.actor = get_object_or_404(Actor, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def forbidden(self) -> TemplateResponse:
        # A real 403 (Wagtail's own views redirect to the dashboard instead): the refusal is
        # explicit, for people and for tests.
        context = self.get_context_data()
        context["header_title"] = context["page_title"] = _("Access denied")
        return TemplateResponse(
            self.request, "inventory/admin/actor_forbidden.html", context, status=403
        )

    def get_page_subtitle(self):
        actor = getattr(self, "actor", None)
        return str(actor) if actor is not None else ""

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": _url("index"), "label": _("Actors")}]
        if getattr(self, "actor", None) is not None:
            items.append({"url": _url("edit", self.actor.pk), "label": str(self.actor)})
        return [*items, {"url": "", "label": self.get_page_title()}]


def _source_label(revision: ActorRevision) -> str:
    label = revision.get_source_display()
    if revision.source == RevisionSource.REVERT and revision.source_detail.isdigit():
        return _("%(source)s (to version #%(number)s)") % {
            "source": label,
            "number": revision.source_detail,
        }
    if revision.source_detail:
        return f"{label} ({revision.source_detail})"
    return label


def _who(revision: ActorRevision) -> str:
    user = revision.user
    if user is None:
        return _("unknown or deleted user")
    return user.get_full_name() or user.email


class ActorHistoryView(ActorBackofficeView):
    page_title = gettext_lazy("History")
    template_name = "inventory/admin/actor_history.html"

    def get(self, request, pk):
        revisions = ActorRevision.objects.filter(actor=self.actor).select_related("user")
        page = Paginator(revisions, HISTORY_PAGE_SIZE).get_page(request.GET.get("p"))
        items = list(page.object_list)
        changes = revision_changes(items)
        latest_pk = revisions.values_list("pk", flat=True).first()
        can_revert = request.user.has_perm("inventory.change_actor")
        rows = [
            {
                "revision": revision,
                "number": revision.pk,
                "when": date_format(localtime(revision.created_at), "DATETIME_FORMAT"),
                "who": _who(revision),
                "source": _source_label(revision),
                "changes": changes[revision.pk],
                "is_first": not revision.changes,
                "is_current": revision.pk == latest_pk,
                "revert_url": (
                    _url("revert", self.actor.pk, revision.pk)
                    if can_revert and revision.pk != latest_pk
                    else ""
                ),
            }
            for revision in items
        ]
        context = self.get_context_data(
            actor=self.actor, rows=rows, page_obj=page, edit_url=_url("edit", self.actor.pk)
        )
        return TemplateResponse(request, self.template_name, context)


class ActorRevertView(ActorBackofficeView):
    """Confirm (GET), then bring the actor back to the version of a revision (POST)."""

    permission = "inventory.change_actor"
    page_title = gettext_lazy("Revert to this version")
    template_name = "inventory/admin/actor_revert.html"

    def _revision(self, revision_pk) -> ActorRevision:
        return get_object_or_404(
            ActorRevision.objects.select_related("user"), pk=revision_pk, actor=self.actor
        )

    def get(self, request, pk, revision_pk):
        revision = self._revision(revision_pk)
        context = self.get_context_data(
            actor=self.actor,
            revision=revision,
            when=date_format(localtime(revision.created_at), "DATETIME_FORMAT"),
            who=_who(revision),
            source=_source_label(revision),
            history_url=_url("history", self.actor.pk),
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk, revision_pk):
        revision = self._revision(revision_pk)
        when = date_format(localtime(revision.created_at), "DATETIME_FORMAT")
        try:
            reverted = services.actor_revert(revision, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("The record cannot be brought back to the version of %(date)s: %(reason)s")
                % {"date": when, "reason": " ".join(error.messages)},
            )
            return HttpResponseRedirect(_url("history", self.actor.pk))
        if reverted is None:
            messages.info(
                request,
                _("Nothing to change: the record is already as in the version of %(date)s.")
                % {"date": when},
            )
        else:
            messages.success(
                request,
                _("“%(actor)s” is back to the version of %(date)s.")
                % {"actor": reverted.actor.name, "date": when},
            )
        return HttpResponseRedirect(_url("history", self.actor.pk))
