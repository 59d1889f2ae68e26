"""Back office of the training module (trainers, sessions) and the serving of course pages."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ocim.core.errors import ApplicationError

from . import admin_tailormade, views  # admin_tailormade registers its hooks on import
from . import services as training_services
from .admin_views import (
    ParticipantAddView,
    ParticipantsEmailView,
    RegistrationActionView,
    RegistrationDetailView,
    SessionCancelView,
    SessionExportView,
    SessionOfferNextView,
    SessionRegistrationsView,
)
from .backoffice import sessions_visible_to
from .models import CourseIndexPage, CoursePage, Registration, Session, SessionStatus, Trainer
from .roles import catalogue_permissions_grant

# --- Public pages -------------------------------------------------------------------------------


# Order after Wagtail's own hooks (view restrictions, passwords) so private pages stay private.
@hooks.register("before_serve_page", order=100)
def serve_training_pages(page, request, serve_args, serve_kwargs):
    """Course and catalogue pages are rendered by views that validate the query string and
    call the catalogue selectors (no request parsing in the page models).

    They show seats left, so they are never replayed from a cache (the site's anonymous page
    cache, a CDN, a browser without asking): a seat can go at any moment."""
    specific = page.specific
    if isinstance(specific, CoursePage):
        response = views.course_page_serve(request, specific)
    elif isinstance(specific, CourseIndexPage):
        response = views.course_index_serve(request, specific)
    else:
        return None
    patch_cache_control(response, no_cache=True)
    return response


# --- Trainers -----------------------------------------------------------------------------------


class TrainerViewSet(SnippetViewSet):
    model = Trainer
    icon = "user"
    menu_label = _("Trainers")
    add_to_admin_menu = False
    list_display = ["name", "role", "organisation"]
    search_fields = ["name", "organisation"]


register_snippet(TrainerViewSet)


# --- Sessions -----------------------------------------------------------------------------------


def fill_rate(session) -> str:
    held = session.seats_held
    if not session.capacity:
        return f"{held} / 0"
    percent = round(100 * held / session.capacity)
    return f"{held} / {session.capacity} ({percent} %)"


class SessionIndexView(IndexView):
    """All sessions for a training manager; a trainer sees those of the courses they teach."""

    def get_base_queryset(self):
        queryset = (
            super()
            .get_base_queryset()
            .with_seats()
            .with_dates()
            .select_related("course", "commune")
        )
        return sessions_visible_to(self.request.user, queryset)

    def registrations_url(self, instance) -> str:
        return reverse("training_sessions:registrations", args=[instance.pk])

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_private:
            # A private session admits only invited people: its invitations are one click away.
            buttons.append(
                MenuItem(
                    _("Invitations"),
                    url=reverse(f"{admin_tailormade.VIEWSET_NAME}:invitations", args=[instance.pk]),
                    icon_name="mail",
                    priority=15,
                )
            )
        return buttons

    @cached_property
    def columns(self):
        return [
            *super().columns,
            TitleColumn(
                "registrations",
                label=_("Registrations"),
                accessor=lambda session: _("Registrations"),
                get_url=self.registrations_url,
            ),
        ]


class SessionEditView(EditView):
    """Editing a session: capacity changes go through ``session_capacity_change`` (never below
    the seats held, new seats offered to the waiting list) and participants are told when the
    dates or places change (``session_change_notify``)."""

    def is_valid(self, form):
        valid = super().is_valid(form)
        capacity = form.cleaned_data.get("capacity") if valid else None
        if capacity is not None:
            held = Registration.objects.filter(session_id=self.object.pk).holding_seat().count()
            if capacity < held:
                form.add_error("capacity", self.capacity_error(held))
                self.produced_error_code = "validation_error"
                self.produced_error_message = self.get_error_message()
                return False
        return valid

    @staticmethod
    def capacity_error(held: int) -> str:
        return str(
            _(
                "The capacity cannot be lower than the %(held)d seats already held; cancel or "
                "move registrations first."
            )
            % {"held": held}
        )

    def save_instance(self):
        session = self.form.instance
        stored = Session.objects.get(pk=session.pk)
        before = training_services.session_schedule_snapshot(stored)
        wanted = session.capacity
        # The capacity is written by the service (locks, renumbered seats, offers), not the form.
        session.capacity = stored.capacity
        instance = super().save_instance()
        if wanted != stored.capacity:
            training_services.session_capacity_change(
                session=instance, capacity=wanted, actor=self.request.user
            )
        training_services.session_change_notify(
            session=instance, before=before, actor=self.request.user
        )
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except training_services.CapacityTooLow as error:
            # Seats were taken between the check and the save: nothing was written.
            form.add_error("capacity", str(error.message))
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        self.produced_error_code = "validation_error"
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Registrations"),
                url=reverse("training_sessions:registrations", args=[self.object.pk]),
                icon_name="group",
                priority=5,
            )
        )
        if self.object.status != SessionStatus.CANCELLED:
            buttons.append(
                Button(
                    _("Cancel this session"),
                    url=reverse("training_sessions:cancel", args=[self.object.pk]),
                    icon_name="cross",
                    priority=15,
                )
            )
        return buttons


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Training sessions")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    list_filter = ["status", "is_private", "is_remote"]
    ordering = ["-starts_on", "-pk"]
    list_display = [
        "__str__",
        Column("starts_on", label=_("Starts on"), sort_key="starts_on"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("fill_rate", label=_("Seats held / capacity"), accessor=fill_rate),
        Column("waitlist_length", label=_("Waiting list"), sort_key="waitlist_length"),
    ]
    search_fields = ["title", "place_name"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "<int:pk>/registrations/",
                SessionRegistrationsView.as_view(),
                name="registrations",
            ),
            path(
                "<int:pk>/registrations/<int:registration_pk>/",
                RegistrationDetailView.as_view(),
                name="registration_detail",
            ),
            path(
                "<int:pk>/registrations/action/",
                RegistrationActionView.as_view(),
                name="registration_action",
            ),
            path(
                "<int:pk>/registrations/add/",
                ParticipantAddView.as_view(),
                name="participant_add",
            ),
            path("<int:pk>/offer-next/", SessionOfferNextView.as_view(), name="offer_next"),
            path("<int:pk>/email/", ParticipantsEmailView.as_view(), name="email"),
            path("<int:pk>/export/<str:fmt>/", SessionExportView.as_view(), name="export"),
            path("<int:pk>/cancel/", SessionCancelView.as_view(), name="cancel"),
        ]


@hooks.register("register_admin_viewset")
def register_session_viewset():
    return SessionViewSet("training_sessions")


# --- Page permissions -----------------------------------------------------------------------------


@hooks.register("after_create_page")
def grant_catalogue_permissions(request, page):
    """A new course catalogue opens its course pages to the training managers."""
    if isinstance(page.specific, CourseIndexPage):
        catalogue_permissions_grant(page)
