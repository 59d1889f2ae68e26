"""Admin views of the training back office: a session's registrations and the staff actions.

The views parse input with forms, check access (``backoffice.session_access``), call a service
or a selector, and turn domain errors into Wagtail messages (never a server error). They are
mounted by ``SessionViewSet.get_urlpatterns`` (wagtail_hooks), under the viewset's namespace.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from ocim.core.errors import ApplicationError
from ocim.core.spreadsheets import spreadsheet_response

from . import backoffice, exports, services
from .models import (
    SEAT_HOLDING_STATUSES,
    CoursePriceOption,
    Payer,
    Registration,
    RegistrationStatus,
    Session,
)

URL_NAMESPACE = "training_sessions"
PAGE_SIZE = 50


def _url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


def _name(registration: Registration) -> str:
    user = registration.user
    return (user.get_full_name() or user.email) if user else str(_("deleted user"))


# --- Forms --------------------------------------------------------------------------------------


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    payer = forms.ChoiceField(
        label=_("Who pays"), required=False, choices=[("", _("All")), *Payer.choices]
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name, e-mail address or employer."),
    )

    def __init__(self, *args, for_trainer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [
            (value, label)
            for value, label in RegistrationStatus.choices
            if not for_trainer or value in SEAT_HOLDING_STATUSES
        ]
        self.fields["status"].choices = [("", _("All")), *statuses]
        if for_trainer:
            del self.fields["payer"]

    def selector_kwargs(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "status": self.cleaned_data.get("status") or "",
            "payer": self.cleaned_data.get("payer") or "",
            "search": self.cleaned_data.get("q") or "",
        }


ACTION_CHOICES = (
    ("confirm", _("Confirm")),
    ("promote", _("Give a seat")),
    ("attended", _("Attended")),
    ("no_show", _("No-show")),
    ("cancel", _("Cancel")),
    ("move", _("Move")),
)


class RegistrationActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    registration = forms.IntegerField(min_value=1)
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the registration's history."),
    )
    to_session = forms.IntegerField(label=_("Move to the session"), required=False, min_value=1)


class MoveForm(forms.Form):
    to_session = forms.ModelChoiceField(
        label=_("Move to the session"), queryset=Session.objects.none()
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_session"]
        field.queryset = targets if targets is not None else Session.objects.none()
        field.label_from_instance = lambda session: str(
            _("%(session)s — %(left)s seat(s) left")
            % {"session": session, "left": session.seats_left}
        )


class CancelForm(forms.Form):
    reason = RegistrationActionForm.base_fields["reason"]


class ParticipantAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "An existing account with this address is used; otherwise an account is created, "
            "and the person sets a password with “forgotten password”."
        ),
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=200)
    employer_name = forms.CharField(label=_("Employer"), required=False, max_length=255)
    employer_siret = forms.CharField(label=_("Employer SIRET"), required=False, max_length=20)
    employer_address = forms.CharField(
        label=_("Employer address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    payer = forms.ChoiceField(label=_("Who pays"), choices=Payer.choices, initial=Payer.EMPLOYER)
    price_option = forms.ModelChoiceField(
        label=_("Price option"), required=False, queryset=CoursePriceOption.objects.none()
    )
    signatory_name = forms.CharField(label=_("Signatory (name)"), required=False, max_length=200)
    signatory_email = forms.EmailField(label=_("Signatory (e-mail)"), required=False)
    admin_contact_name = forms.CharField(
        label=_("Administrative contact (name)"), required=False, max_length=200
    )
    admin_contact_email = forms.EmailField(
        label=_("Administrative contact (e-mail)"), required=False
    )
    expectations = forms.CharField(
        label=_("Expectations"), widget=forms.Textarea(attrs={"rows": 3})
    )
    accommodation_needs = forms.CharField(
        label=_("Disability or accommodation needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_option"].queryset = CoursePriceOption.objects.filter(
            page_id=session.course_id
        )


class ParticipantsEmailForm(forms.Form):
    recipients = forms.ChoiceField(
        label=_("Recipients"),
        choices=backoffice.RECIPIENT_CHOICES,
        initial="seats",
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text; line breaks are kept. Each person receives their own e-mail."),
    )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Told to the participants in the cancellation e-mail."),
    )


# --- Base ---------------------------------------------------------------------------------------


class SessionBackofficeView(WagtailAdminTemplateMixin, View):
    """A view about one session; ``manage_only`` views are refused (403) to trainers."""

    manage_only = True
    header_icon = "date"
    page_title = _("Registrations")

    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(Session.objects.select_related("course"), pk=kwargs["pk"])
        self.access = backoffice.session_access(user=request.user, session=self.session)
        if self.access is None or (self.manage_only and self.access != "manage"):
            return self.forbidden()
        return super().dispatch(request, *args, **kwargs)

    def forbidden(self) -> TemplateResponse:
        # A real 403 (Wagtail's own views redirect to the dashboard instead): the refusal is
        # explicit, for people and for tests.
        context = self.get_context_data(session=self.session)
        context["header_title"] = context["page_title"] = _("Access denied")
        context["header_buttons"] = []
        return TemplateResponse(
            self.request, "training/admin/session_forbidden.html", context, status=403
        )

    @property
    def manages(self) -> bool:
        return self.access == "manage"

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("index"), "label": _("Training sessions")},
            {"url": _url("registrations", self.session.pk), "label": str(self.session)},
            {"url": "", "label": self.get_page_title()},
        ]

    def registrations_url(self) -> str:
        return _url("registrations", self.session.pk)

    def render(self, context: dict | None = None, status: int = 200) -> TemplateResponse:
        context = self.get_context_data(
            session=self.session, manages=self.manages, **(context or {})
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def fail(self, error: ApplicationError, url: str | None = None) -> HttpResponseRedirect:
        messages.error(self.request, str(error.message))
        return HttpResponseRedirect(url or self.registrations_url())

    def next_url(self, default: str) -> str:
        candidate = self.request.POST.get("next") or ""
        if candidate and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return default


# --- Registrations page -------------------------------------------------------------------------


class SessionRegistrationsView(SessionBackofficeView):
    manage_only = False
    template_name = "training/admin/session_registrations.html"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("index"), "label": _("Training sessions")},
            {"url": "", "label": str(self.session)},
        ]

    def get_header_buttons(self):
        query = self.request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        buttons = []
        if self.manages:
            buttons += [
                HeaderButton(
                    _("Add a participant"),
                    url=_url("participant_add", self.session.pk),
                    icon_name="plus",
                    priority=10,
                ),
                HeaderButton(
                    _("E-mail the participants"),
                    url=_url("email", self.session.pk),
                    icon_name="mail",
                    priority=20,
                ),
            ]
        buttons += [
            HeaderButton(
                _("Export (CSV)"),
                url=_url("export", self.session.pk, "csv") + suffix,
                icon_name="download",
                priority=30,
            ),
            HeaderButton(
                _("Export (Excel)"),
                url=_url("export", self.session.pk, "xlsx") + suffix,
                icon_name="download",
                priority=40,
            ),
        ]
        return buttons

    def get(self, request, pk):
        for_trainer = not self.manages
        form = RegistrationFilterForm(request.GET or None, for_trainer=for_trainer)
        registrations = backoffice.session_registrations(
            session=self.session, for_trainer=for_trainer, **form.selector_kwargs()
        )
        page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("p"))
        begun = backoffice.session_has_begun(self.session)
        rows = [
            (
                registration,
                backoffice.registration_actions(registration, begun=begun) if self.manages else [],
            )
            for registration in page.object_list
        ]
        overview = backoffice.session_overview(session=self.session)
        return self.render(
            {
                "filter_form": form,
                "page_obj": page,
                "rows": rows,
                "overview": overview,
                "count_rows": [
                    row
                    for row in overview.count_rows()
                    if self.manages or row[0] in SEAT_HOLDING_STATUSES
                ],
                "begun": begun,
                "edit_url": _url("edit", self.session.pk) if self.manages else "",
                "action_url": _url("registration_action", self.session.pk),
                "offer_next_url": _url("offer_next", self.session.pk),
                "querystring_without_page": urlencode(
                    [(k, v) for k, v in request.GET.items() if k != "p"]
                ),
            }
        )


# --- Registration detail ------------------------------------------------------------------------


DETAIL_FIELDS = (
    "job_title",
    "employer_name",
    "employer_siret",
    "employer_address",
    "payer",
    "price_option",
    "signatory_name",
    "signatory_email",
    "admin_contact_name",
    "admin_contact_email",
    "expectations",
    "accommodation_needs",
    "status",
    "seat_number",
    "waitlist_rank",
    "offer_expires_at",
    "consent_at",
    "created_at",
    "confirmed_at",
    "cancelled_at",
    "reminder_sent_at",
)


class RegistrationDetailView(SessionBackofficeView):
    template_name = "training/admin/registration_detail.html"
    page_title = _("Registration")

    def get(self, request, pk, registration_pk):
        registration = get_object_or_404(
            Registration.objects.select_related("user", "price_option"),
            pk=registration_pk,
            session=self.session,
        )
        fields = []
        for name in DETAIL_FIELDS:
            field = Registration._meta.get_field(name)
            display = getattr(registration, f"get_{name}_display", None)
            value = display() if display else getattr(registration, name)
            fields.append((field.verbose_name, value))
        begun = backoffice.session_has_begun(self.session)
        actions = backoffice.registration_actions(registration, begun=begun)
        targets = backoffice.session_move_targets(registration=registration)
        return self.render(
            {
                "registration": registration,
                "participant": _name(registration),
                "fields": fields,
                "actions": actions,
                "move_form": MoveForm(targets=targets) if "move" in actions else None,
                "cancel_form": CancelForm() if "cancel" in actions else None,
                "history": backoffice.registration_history(registration=registration)[:200],
                "action_url": _url("registration_action", self.session.pk),
                "detail_url": request.path,
            }
        )


# --- Actions ------------------------------------------------------------------------------------


class RegistrationActionView(SessionBackofficeView):
    """One staff action on one registration of the session (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        form = RegistrationActionForm(request.POST)
        back = self.next_url(self.registrations_url())
        if not form.is_valid():
            messages.error(request, _("This action could not be understood; nothing was changed."))
            return HttpResponseRedirect(back)
        action = form.cleaned_data["action"]
        registration = (
            Registration.objects.select_related("user")
            .filter(pk=form.cleaned_data["registration"], session=self.session)
            .first()
        )
        if registration is None:
            messages.error(request, _("This registration does not exist in this session."))
            return HttpResponseRedirect(self.registrations_url())
        begun = backoffice.session_has_begun(self.session)
        if action not in backoffice.registration_actions(registration, begun=begun):
            return self.fail(services.InvalidTransition(), back)
        try:
            message = self.perform(action, registration, form.cleaned_data)
        except ApplicationError as error:
            return self.fail(error, back)
        messages.success(request, message)
        return HttpResponseRedirect(back)

    def perform(self, action: str, registration: Registration, data: dict) -> str:
        actor = self.request.user
        name = _name(registration)
        if action == "confirm":
            services.registration_confirm(registration=registration, actor=actor)
            return _("Registration of %(name)s confirmed.") % {"name": name}
        if action == "promote":
            done = services.registration_promote(registration=registration, actor=actor)
            return _("%(name)s now holds seat %(seat)s.") % {"name": name, "seat": done.seat_number}
        if action in ("attended", "no_show"):
            services.registration_attendance_record(
                registration=registration, attended=action == "attended", actor=actor
            )
            if action == "attended":
                return _("%(name)s recorded as present.") % {"name": name}
            return _("%(name)s recorded as absent.") % {"name": name}
        if action == "cancel":
            reason = (data.get("reason") or "").strip()
            if not reason:
                raise ApplicationError(_("Give the reason for the cancellation."))
            services.registration_cancel(
                registration=registration, actor=actor, reason=reason, by_staff=True
            )
            return _("Registration of %(name)s cancelled.") % {"name": name}
        if action == "move":
            target = (
                backoffice.session_move_targets(registration=registration)
                .filter(pk=data.get("to_session") or 0)
                .first()
            )
            if target is None:
                raise ApplicationError(_("Choose one of the upcoming sessions."))
            services.registration_move(registration=registration, to_session=target, actor=actor)
            return _("%(name)s moved to %(session)s.") % {"name": name, "session": target}
        raise ApplicationError()  # pragma: no cover - the form only accepts the actions above


class SessionOfferNextView(SessionBackofficeView):
    """Offer a free seat to the first person on the waiting list (POST only)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            offered = services.waitlist_promote_next(session=self.session, actor=request.user)
        except ApplicationError as error:
            return self.fail(error)
        if offered is None:
            messages.warning(
                request,
                _(
                    "No seat was offered: there is no free seat, nobody is waiting, or the "
                    "cut-off before the start has passed."
                ),
            )
        else:
            offered = Registration.objects.select_related("user").get(pk=offered.pk)
            messages.success(
                request,
                _("Seat %(seat)s offered to %(name)s until %(expires)s.")
                % {
                    "seat": offered.seat_number,
                    "name": _name(offered),
                    "expires": date_format(
                        timezone.localtime(offered.offer_expires_at), "DATETIME_FORMAT"
                    ),
                },
            )
        return HttpResponseRedirect(self.registrations_url())


# --- Add a participant --------------------------------------------------------------------------


class ParticipantAddView(SessionBackofficeView):
    template_name = "training/admin/session_participant_add.html"
    page_title = _("Add a participant")

    def get(self, request, pk):
        return self.render({"form": ParticipantAddForm(session=self.session)})

    def post(self, request, pk):
        form = ParticipantAddForm(request.POST, session=self.session)
        if not form.is_valid():
            return self.render({"form": form}, status=200)
        data = dict(form.cleaned_data)
        email = data.pop("email")
        first_name, last_name = data.pop("first_name"), data.pop("last_name")
        try:
            registration, created = backoffice.participant_add(
                session=self.session,
                email=email,
                first_name=first_name,
                last_name=last_name,
                data=data,
                actor=request.user,
            )
        except ApplicationError as error:
            for field, message in (error.extra.get("fields") or {}).items():
                form.add_error(field if field in form.fields else None, message)
            if not error.extra.get("fields"):
                form.add_error(None, str(error.message))
            return self.render({"form": form})
        name = _name(registration)
        if registration.status == RegistrationStatus.WAITLISTED:
            messages.warning(
                request,
                _("The session is full: %(name)s is on the waiting list (rank %(rank)s).")
                % {"name": name, "rank": registration.waitlist_rank},
            )
        else:
            messages.success(
                request,
                _("%(name)s is registered (seat %(seat)s).")
                % {"name": name, "seat": registration.seat_number},
            )
        if created:
            messages.info(
                request,
                _(
                    "An account was created for %(email)s; the person can set a password "
                    "with “forgotten password”."
                )
                % {"email": registration.user.email},
            )
        return HttpResponseRedirect(self.registrations_url())


# --- E-mail the participants --------------------------------------------------------------------


class ParticipantsEmailView(SessionBackofficeView):
    template_name = "training/admin/session_email.html"
    page_title = _("E-mail the participants")

    def counts(self) -> list[tuple[str, str, int]]:
        return [
            (
                value,
                label,
                backoffice.session_recipients(session=self.session, recipients=value).count(),
            )
            for value, label in backoffice.RECIPIENT_CHOICES
        ]

    def get(self, request, pk):
        return self.render({"form": ParticipantsEmailForm(), "counts": self.counts()})

    def post(self, request, pk):
        form = ParticipantsEmailForm(request.POST)
        if not form.is_valid() or "send" not in request.POST:
            preview = None
            if form.is_valid():
                preview = backoffice.session_recipients(
                    session=self.session, recipients=form.cleaned_data["recipients"]
                ).count()
            return self.render({"form": form, "counts": self.counts(), "preview": preview})
        try:
            count = backoffice.session_participants_email(
                session=self.session,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                recipients=form.cleaned_data["recipients"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            return self.render({"form": form, "counts": self.counts()})
        messages.success(request, _("Message sent to %(count)s people.") % {"count": count})
        return HttpResponseRedirect(self.registrations_url())


# --- Export -------------------------------------------------------------------------------------


class SessionExportView(SessionBackofficeView):
    manage_only = False
    http_method_names = ["get"]

    def get(self, request, pk, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        for_trainer = not self.manages
        form = RegistrationFilterForm(request.GET or None, for_trainer=for_trainer)
        registrations = backoffice.session_registrations(
            session=self.session, for_trainer=for_trainer, **form.selector_kwargs()
        )
        columns = exports.TRAINER_COLUMNS if for_trainer else exports.REGISTRATION_COLUMNS
        headers, rows = exports.registration_table(registrations, columns)
        stem = slugify(f"{_('registrations')}-{self.session.pk}-{self.session}")[:80]
        return spreadsheet_response(
            headers, rows, file_format=fmt, stem=stem, title=str(_("Registrations"))
        )


# --- Cancel the session -------------------------------------------------------------------------


class SessionCancelView(SessionBackofficeView):
    template_name = "training/admin/session_cancel.html"
    page_title = _("Cancel this session")

    def context(self, form) -> dict:
        return {
            "form": form,
            "overview": backoffice.session_overview(session=self.session),
            "already_cancelled": self.session.status == "cancelled",
        }

    def get(self, request, pk):
        return self.render(self.context(SessionCancelForm()))

    def post(self, request, pk):
        form = SessionCancelForm(request.POST)
        if not form.is_valid():
            return self.render(self.context(form))
        try:
            services.session_cancel(
                session=self.session, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(None, str(error.message))
            return self.render(self.context(form))
        messages.success(request, _("The session has been cancelled; its participants are told."))
        return HttpResponseRedirect(self.registrations_url())
