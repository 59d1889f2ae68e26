"""Reads of the training catalogue: what the public may see of sessions and courses.

One place decides visibility: a session is public when it is not private and not a draft, and
its course page is live. Every channel (course page, catalogue, iCalendar feed, JSON-LD) goes
through these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ocim.core.errors import NotFoundError
from ocim.core.prepared import PreparedRead

from .models import CoursePage, Registration, Session, SessionPart


@dataclass(frozen=True)
class CatalogueFilters:
    """Validated catalogue filters (see ``forms.CatalogueFilterForm``); None means "any"."""

    format: str | None = None
    domain_id: int | None = None
    month: dt.date | None = None  # the first day of the month
    region_code: str | None = None
    mode: str | None = None  # "remote" or "onsite"
    seats_left_only: bool = False
    course_index: CoursePage | None = None  # restrict to the courses under this page


def _public_sessions() -> QuerySet[Session]:
    return (
        Session.objects.visible_in_catalogue()
        .filter(course__live=True)
        .with_seats()
        .with_dates()
        .select_related("course", "commune__department__region")
        .prefetch_related(Prefetch("parts", queryset=SessionPart.objects.order_by("date")))
    )


def session_list_for_catalogue(
    *, filters: CatalogueFilters | None = None, today: dt.date | None = None
) -> QuerySet[Session]:
    """Public sessions starting today or later, first start first, with ``seats_left``,
    ``seats_held``, ``waitlist_length``, ``starts_on`` and ``ends_on`` annotated.

    Filters (all optional, combined with AND): course format, domain concept, month of the
    first day, region of the commune, remote (every part remote) or on site (at least one part
    on site), and only sessions with seats left. Courses, communes and parts are loaded
    with the sessions: the number of queries does not grow with the number of sessions.
    """
    filters = filters or CatalogueFilters()
    today = today or timezone.localdate()
    sessions = _public_sessions().filter(starts_on__gte=today)
    if filters.course_index is not None:
        # Sessions belong to one language's course page; every translation of the catalogue
        # lists them (courses are taught in French, the English catalogue shows them too).
        paths = filters.course_index.get_translations(inclusive=True).values_list("path", flat=True)
        in_catalogue = Q()
        for path in paths:
            in_catalogue |= Q(course__path__startswith=path)
        sessions = sessions.filter(in_catalogue)
    if filters.format:
        sessions = sessions.filter(course__format=filters.format)
    if filters.domain_id:
        sessions = sessions.filter(course__in=CoursePage.objects.filter(domains=filters.domain_id))
    if filters.month:
        start = filters.month.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        sessions = sessions.filter(starts_on__gte=start, starts_on__lt=end)
    if filters.region_code:
        sessions = sessions.filter(commune__department__region_id=filters.region_code)
    if filters.mode == "remote":
        sessions = sessions.filter(is_remote=True)
    elif filters.mode == "onsite":
        sessions = sessions.filter(is_remote=False)
    if filters.seats_left_only:
        sessions = sessions.filter(seats_left__gt=0)
    return sessions.order_by("starts_on", "pk")


def course_sessions(course: CoursePage, *, today: dt.date | None = None) -> QuerySet[Session]:
    """The course's public sessions that have not started yet, first start first (those of
    the course page in any language)."""
    today = today or timezone.localdate()
    return (
        _public_sessions().filter(course=course, starts_on__gte=today).order_by("starts_on", "pk")
    )


def session_get_public(pk) -> Session:
    """A public session (past or upcoming) by id; ``NotFoundError`` when it is not public."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    session = _public_sessions().filter(pk=pk).first() if pk else None
    if session is None:
        raise NotFoundError(_("This session does not exist or is not public."))
    return session


def _registrable_sessions() -> QuerySet[Session]:
    return Session.objects.filter(
        Q(is_private=False, course__live=True) | Q(is_private=True)
    ).exclude(status="draft")


# The session of a registration form being submitted: every field, written once per process
# (the submission is the hot path of a registration rush).
_REGISTRABLE_SESSION = PreparedRead(
    lambda pk: (
        _registrable_sessions()
        .filter(pk=pk)
        .order_by("pk")
        .values_list(*(field.attname for field in Session._meta.concrete_fields))[:1]
    ),
    params=(int,),
)


def session_get_for_registration(pk, user, *, light: bool = False) -> Session:
    """The session whose registration page ``user`` may see: a public session, or a private
    (tailor-made) one that is not a draft and to which ``user`` is invited.

    A private session's course may still be an unpublished draft (a new tailor-made course):
    the invitation, not the catalogue, opens it.
    Errors: NotFoundError (no such session, or a draft); NotInvited (a private session and
    ``user`` is anonymous or not invited; the caller sends anonymous people to log in first).
    ``light=True`` (a form being submitted) skips the seat counts, dates and parts the page
    shows: the submission needs the session only, its course by id (the counts, if the form is
    shown again, are then read on demand).
    """
    from .services import NotInvited, session_is_invited

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    if light:
        found = _REGISTRABLE_SESSION.instances(Session, pk) if pk else []
        session = found[0] if found else None
    else:
        sessions = (
            _registrable_sessions()
            .with_seats()
            .with_dates()
            .select_related("course", "commune__department__region")
            .prefetch_related(Prefetch("parts", queryset=SessionPart.objects.order_by("date")))
        )
        session = sessions.filter(pk=pk).first() if pk else None
    if session is None:
        raise NotFoundError(_("This session does not exist or is not public."))
    if session.is_private and not (
        getattr(user, "is_authenticated", False) and session_is_invited(session, user)
    ):
        raise NotInvited()
    return session


def course_list_for_tailormade() -> QuerySet[CoursePage]:
    """Published courses of the catalogue, by title: the choices of the tailor-made form (the
    current language's pages when it has some)."""
    courses = CoursePage.objects.live().order_by("title")
    language = translation.get_language() or ""
    localised = courses.filter(locale__language_code=language.split("-")[0])
    return localised if localised.exists() else courses


def registration_list_for_user(user) -> QuerySet[Registration]:
    """The person's registrations, most recent session first, with their session and course."""
    return (
        Registration.objects.filter(user=user)
        .select_related("session__course", "session__commune")
        .prefetch_related(Prefetch("session__parts", queryset=SessionPart.objects.order_by("date")))
        .order_by("-created_at")
    )


def registration_get_for_user(user, pk) -> Registration:
    """One of the person's own registrations; ``NotFoundError`` for anyone else's."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    registration = registration_list_for_user(user).filter(pk=pk).first() if pk else None
    if registration is None:
        raise NotFoundError(_("This registration does not exist."))
    return registration
