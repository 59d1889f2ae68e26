"""Back office of the training module (trainers, sessions) and the serving of course pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_tailormade, views  # noqa: F401 - admin_tailormade registers its hooks
from .models import CourseIndexPage, CoursePage, Session, Trainer

# --- Public pages -------------------------------------------------------------------------------


# Order after Wagtail's own hooks (view restrictions, passwords) so private pages stay private.
@hooks.register("before_serve_page", order=100)
def serve_training_pages(page, request, serve_args, serve_kwargs):
    """Course and catalogue pages are rendered by views that validate the query string and
    call the catalogue selectors (no request parsing in the page models)."""
    specific = page.specific
    if isinstance(specific, CoursePage):
        return views.course_page_serve(request, specific)
    if isinstance(specific, CourseIndexPage):
        return views.course_index_serve(request, specific)
    return None


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
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .with_seats()
            .with_dates()
            .select_related("course", "commune")
        )


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Training sessions")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = SessionIndexView
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


@hooks.register("register_admin_viewset")
def register_session_viewset():
    return SessionViewSet("training_sessions")
