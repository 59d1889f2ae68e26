"""Back office of tailor-made training requests (imported by wagtail_hooks).

The list is a Wagtail model viewset (filters, search, columns); the request page, the pipeline
actions, the conversion into a private session and the invitations are views of the same
viewset. Every view checks the model permissions (granted to the training-manager role): a
user without them gets 403. Views parse input, call ``tailormade`` services, and render.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn, UserColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from ocim.core.errors import ApplicationError, NotFoundError
from ocim.core.models import AuditLogEntry

from .forms_tailormade import (
    COURSE_NEW,
    AssignForm,
    ConversionForm,
    InvitationForm,
    LostForm,
    NoteForm,
    PartFormSet,
    QuoteForm,
)
from .models import Session, SessionInvitation, TailorMadeRequest
from .tailormade import (
    TRANSITIONS,
    session_invitation_delete,
    session_invitation_list,
    session_invitation_resend,
    session_invitations_create,
    tailormade_actions_allowed,
    tailormade_assignable_users,
    tailormade_note_add,
    tailormade_note_list,
    tailormade_request_assign,
    tailormade_request_get,
    tailormade_request_transition,
    tailormade_session_create,
)

VIEWSET_NAME = "training_tailormade"
VIEW_PERMS = ("training.view_tailormaderequest", "training.change_tailormaderequest")
CHANGE_PERM = "training.change_tailormaderequest"


def _url(name: str, *args) -> str:
    return reverse(f"{VIEWSET_NAME}:{name}", args=args)


def _forbidden(request):
    """A real 403 page (Wagtail turns ``PermissionDenied`` into a redirect to the dashboard,
    which hides from staff and tests that access was refused)."""
    return TemplateResponse(
        request,
        "training/admin/tailormade/forbidden.html",
        {"page_title": _t("Access refused"), "header_icon": "warning"},
        status=403,
    )


# --- The list ---------------------------------------------------------------------------------


class TailorMadeFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=TailorMadeRequest._meta.get_field("status").choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget
    )

    class Meta:
        model = TailorMadeRequest
        fields = ["status", "created_at"]


class TailorMadeIndexView(IndexView):
    any_permission_required = ["view", "change"]

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.has_perm(perm) for perm in VIEW_PERMS):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("assigned_to")

    def get_edit_url(self, instance):
        return _url("detail", instance.pk)


class TailorMadeRequestViewSet(ModelViewSet):
    model = TailorMadeRequest
    icon = "mail"
    menu_label = _("Tailor-made requests")
    menu_order = 251  # just after "Training sessions" (250)
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = TailorMadeIndexView
    filterset_class = TailorMadeFilterSet
    search_fields = ["structure_name", "contact_name", "contact_email", "topic"]
    ordering = ["-created_at"]
    list_display = [
        DateColumn("created_at", label=_("Received"), sort_key="created_at"),
        TitleColumn(
            "structure_name",
            label=_("Structure"),
            get_url=lambda obj: _url("detail", obj.pk),
            sort_key="structure_name",
        ),
        Column("topic", label=_("Topic")),
        Column("audience_size", label=_("Participants"), sort_key="audience_size"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        UserColumn("assigned_to", label=_("Handled by"), blank_display_name="—"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        view_kwargs = super().get_index_view_kwargs(**kwargs)
        # Requests come from the public form and move through the pipeline only: no raw
        # add, edit, copy or delete views.
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "copy_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", RequestDetailView.as_view(), name="detail"),
            path("<int:pk>/action/<str:action>/", RequestActionView.as_view(), name="action"),
            path("<int:pk>/session/", RequestConvertView.as_view(), name="convert"),
            path(
                "sessions/<int:session_pk>/invitations/",
                InvitationsView.as_view(),
                name="invitations",
            ),
            path(
                "invitations/<int:pk>/<str:action>/",
                InvitationActionView.as_view(),
                name="invitation_action",
            ),
        ]


@hooks.register("register_admin_viewset")
def register_tailormade_viewset():
    return TailorMadeRequestViewSet(VIEWSET_NAME)


# --- Shared furniture -------------------------------------------------------------------------


class _StaffView(WagtailAdminTemplateMixin, View):
    """Checks permissions before anything else (403 otherwise) and draws Wagtail's header."""

    required_any: tuple[str, ...] = (CHANGE_PERM,)
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.has_perm(perm) for perm in self.required_any):
            return _forbidden(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            return _forbidden(request)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("index"), "label": _("Tailor-made requests")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("view", self)
        return context


class _RequestView(_StaffView):
    @cached_property
    def item(self) -> TailorMadeRequest:
        try:
            return tailormade_request_get(self.kwargs["pk"])
        except NotFoundError as error:
            raise Http404(str(error.message)) from error

    def get_page_title(self):
        return str(self.item)


# --- The request page -------------------------------------------------------------------------


class RequestDetailView(_RequestView):
    template_name = "training/admin/tailormade/detail.html"
    required_any = VIEW_PERMS

    def get(self, request, pk):
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        item = self.item
        content_type = ContentType.objects.get_for_model(TailorMadeRequest)
        can_change = self.request.user.has_perm(CHANGE_PERM)
        return super().get_context_data(
            item=item,
            notes=list(tailormade_note_list(item)),
            history=AuditLogEntry.objects.filter(
                content_type=content_type, object_id=str(item.pk)
            ).order_by("created_at", "pk"),
            can_change=can_change,
            allowed=set(tailormade_actions_allowed(item)) if can_change else set(),
            assign_form=AssignForm(
                users=tailormade_assignable_users(), initial={"assignee": item.assigned_to_id}
            ),
            note_form=kwargs.get("note_form") or NoteForm(),
            quote_form=QuoteForm(initial={"quote_amount": item.quote_amount}),
            lost_form=LostForm(),
            can_convert=(
                can_change
                and item.status == "won"
                and not item.session_id
                and self.request.user.has_perm("training.add_session")
            ),
            **kwargs,
        )


ACTIONS = {"assign", "assign_me", "note", *TRANSITIONS}


class RequestActionView(_RequestView):
    """POST only: one pipeline action, then back to the request page with a message."""

    def get(self, request, pk, action):
        return redirect(_url("detail", pk))

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        item = self.item
        try:
            if action == "assign_me":
                tailormade_request_assign(request=item, assignee=request.user, actor=request.user)
                messages.success(request, _t("The request is now handled by you."))
            elif action == "assign":
                form = AssignForm(request.POST, users=tailormade_assignable_users())
                if not form.is_valid():
                    messages.error(request, _t("Choose someone who handles requests."))
                else:
                    tailormade_request_assign(
                        request=item, assignee=form.cleaned_data["assignee"], actor=request.user
                    )
                    messages.success(request, _t("The request has been assigned."))
            elif action == "note":
                form = NoteForm(request.POST)
                if not form.is_valid():
                    messages.error(request, " ".join(form.errors["body"]))
                else:
                    tailormade_note_add(
                        request=item, body=form.cleaned_data["body"], actor=request.user
                    )
                    messages.success(request, _t("The note has been added."))
            else:
                amount, reason = None, ""
                if action == "send_quote":
                    form = QuoteForm(request.POST)
                    if not form.is_valid():
                        messages.error(request, " ".join(form.errors["quote_amount"]))
                        return redirect(_url("detail", pk))
                    amount = form.cleaned_data["quote_amount"]
                elif action == "lose":
                    form = LostForm(request.POST)
                    if not form.is_valid():
                        messages.error(request, " ".join(form.errors["lost_reason"]))
                        return redirect(_url("detail", pk))
                    reason = form.cleaned_data["lost_reason"]
                item = tailormade_request_transition(
                    request=item,
                    action=action,
                    actor=request.user,
                    quote_amount=amount,
                    lost_reason=reason,
                )
                messages.success(
                    request,
                    _t('The request is now "%(status)s".') % {"status": item.get_status_display()},
                )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        return redirect(_url("detail", pk))


# --- Won → private session --------------------------------------------------------------------


class RequestConvertView(_RequestView):
    template_name = "training/admin/tailormade/convert.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("training.add_session"):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _t("Private session for %(request)s") % {"request": self.item}

    def _render(self, form, formset, status=200):
        return TemplateResponse(
            self.request,
            self.template_name,
            self.get_context_data(item=self.item, form=form, formset=formset),
            status=status,
        )

    def _check(self, request):
        item = self.item
        if item.status != "won" or item.session_id:
            messages.error(
                request,
                _t("Only a won request without a private session can become a session."),
            )
            return redirect(_url("detail", item.pk))
        return None

    def get(self, request, pk):
        if (response := self._check(request)) is not None:
            return response
        item = self.item
        form = ConversionForm(
            initial={
                "course": item.course_id,
                "course_choice": "existing" if item.course_id else COURSE_NEW,
                "capacity": item.audience_size,
                "place_name": item.place,
                "address": item.structure_address,
            }
        )
        return self._render(form, PartFormSet(prefix="parts"))

    def post(self, request, pk):
        if (response := self._check(request)) is not None:
            return response
        form = ConversionForm(request.POST)
        formset = PartFormSet(request.POST, prefix="parts")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            new_course = data["course_choice"] == COURSE_NEW
            try:
                session = tailormade_session_create(
                    request=self.item,
                    actor=request.user,
                    parts=ConversionForm.parts_from(formset),
                    course=None if new_course else data["course"],
                    new_course=new_course,
                    capacity=data["capacity"],
                    place_name=data["place_name"],
                    address=data["address"],
                )
            except ApplicationError as error:
                for name, message in (error.extra.get("fields") or {}).items():
                    if name in form.fields:
                        form.add_error(name, message)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _t("The private session is created: invite its participants now."),
                )
                return redirect(_url("invitations", session.pk))
        return self._render(form, formset, status=400)


# --- Invitations ------------------------------------------------------------------------------


class InvitationsView(_StaffView):
    template_name = "training/admin/tailormade/invitations.html"
    required_any = ("training.add_sessioninvitation",)

    @cached_property
    def session(self) -> Session:
        return get_object_or_404(
            Session.objects.select_related("course").prefetch_related("parts"),
            pk=self.kwargs["session_pk"],
        )

    def get_page_title(self):
        return _t("Invitations: %(session)s") % {"session": self.session}

    def _render(self, form, result=None, status=200):
        return TemplateResponse(
            self.request,
            self.template_name,
            self.get_context_data(
                session=self.session,
                form=form,
                result=result,
                invitations=list(session_invitation_list(self.session)),
                tailormade_request=self.session.tailor_made_requests.first(),
            ),
            status=status,
        )

    def get(self, request, session_pk):
        if not self.session.is_private:
            messages.warning(request, _t("Only private sessions take invitations."))
        return self._render(InvitationForm())

    def post(self, request, session_pk):
        form = InvitationForm(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            result = session_invitations_create(
                session=self.session, text=form.cleaned_data["emails"], actor=request.user
            )
        except ApplicationError as error:
            form.add_error("emails", error.message)
            return self._render(form, status=400)
        if result.created:
            messages.success(
                request,
                _t("%(count)d invitation(s) sent.") % {"count": len(result.created)},
            )
        if result.errors:
            # Keep the invalid lines in the box so staff can fix them.
            form = InvitationForm(initial={"emails": "\n".join(e.text for e in result.errors)})
            return self._render(form, result=result, status=400)
        return redirect(_url("invitations", self.session.pk))


class InvitationActionView(_StaffView):
    required_any = ("training.change_sessioninvitation",)

    def get(self, request, pk, action):
        invitation = get_object_or_404(SessionInvitation, pk=pk)
        return redirect(_url("invitations", invitation.session_id))

    def post(self, request, pk, action):
        invitation = get_object_or_404(SessionInvitation.objects.select_related("session"), pk=pk)
        session_id = invitation.session_id
        try:
            if action == "resend":
                session_invitation_resend(invitation=invitation, actor=request.user)
                messages.success(
                    request,
                    _t("The invitation is sent again to %(email)s.") % {"email": invitation.email},
                )
            elif action == "delete":
                if not request.user.has_perm("training.delete_sessioninvitation"):
                    raise PermissionDenied
                email = invitation.email
                session_invitation_delete(invitation=invitation, actor=request.user)
                messages.success(
                    request, _t("The invitation of %(email)s is removed.") % {"email": email}
                )
            else:
                raise Http404
        except ApplicationError as error:
            messages.error(request, str(error.message))
        return redirect(_url("invitations", session_id))
