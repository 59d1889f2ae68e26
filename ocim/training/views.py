"""Public views of the training catalogue: course and catalogue pages (served through a
Wagtail hook), iCalendar feeds and the registration form.

Views parse input, call selectors or services, and render; they hold no business rules.
"""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocim.core.errors import ApplicationError, NotFoundError

from .forms import CatalogueFilterForm, RegistrationForm
from .ical import calendar_render, part_bounds, session_events, session_location
from .models import PartMode, RegistrationStatus
from .selectors import (
    CatalogueFilters,
    course_sessions,
    registration_get_for_user,
    registration_list_for_user,
    session_get_for_registration,
    session_get_public,
    session_list_for_catalogue,
)
from .services import (
    NotInvited,
    offer_accept,
    offer_decline,
    offer_token_read,
    registration_cancel,
    registration_create,
    waitlist_leave,
)

SESSIONS_PER_PAGE = 20
FEED_MAX_SESSIONS = 500

# Escapes that make JSON safe inside a <script> element (as Django's json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(data) -> str:
    """``data`` as JSON that cannot close or break out of the <script> element holding it."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


# --- Helpers shared by the pages ---------------------------------------------------------------


def _ical_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def course_jsonld(course, sessions, request, *, trainers=None, options=None) -> dict:
    """schema.org ``Course`` with one ``CourseInstance`` per upcoming public session."""
    url = course.get_full_url(request)
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": course.title,
        "description": course.search_description or course.audience,
        "url": url,
        "inLanguage": "fr",
        "provider": {"@type": "Organization", "name": "Ocim", "url": "https://www.ocim.fr"},
    }
    if course.duration_hours:
        data["timeRequired"] = f"PT{course.duration_hours.normalize():f}H"
    options = list(course.price_options.all()) if options is None else options
    trainers = list(course.trainers.all()) if trainers is None else trainers
    if options:
        data["offers"] = [
            {
                "@type": "Offer",
                "name": option.label,
                "price": f"{option.amount:.2f}",
                "priceCurrency": "EUR",
                "category": "Paid",
            }
            for option in options
        ]
    instances = []
    for session in sessions:
        parts = list(session.parts.all())
        if not parts:
            continue
        start, _end = part_bounds(parts[0])
        _start, end = part_bounds(parts[-1])
        instance = {
            "@type": "CourseInstance",
            "courseMode": "online" if session.is_remote else "onsite",
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
        }
        if any(part.mode == PartMode.REMOTE for part in parts) and not session.is_remote:
            instance["courseMode"] = "blended"
        if session.is_remote:
            instance["location"] = {"@type": "VirtualLocation", "url": url}
        else:
            place = {"@type": "Place", "name": session.place_name or session_location(session)}
            address = {"@type": "PostalAddress", "addressCountry": "FR"}
            if session.address:
                address["streetAddress"] = " ".join(session.address.split())
            if session.commune_id:
                address["addressLocality"] = session.commune.name
                address["addressRegion"] = session.commune.department.region.name
            place["address"] = address
            instance["location"] = place
        if trainers:
            instance["instructor"] = [
                {"@type": "Person", "name": trainer.name, "jobTitle": trainer.role}
                for trainer in trainers
            ]
        instance["maximumAttendeeCapacity"] = session.capacity
        instance["remainingAttendeeCapacity"] = session.seats_left
        instances.append(instance)
    if instances:
        data["hasCourseInstance"] = instances
    return data


# --- Wagtail pages (served through the before_serve_page hook) ---------------------------------


def course_page_serve(request, page):
    sessions = list(course_sessions(page))
    trainers = list(page.trainers.all())
    options = list(page.price_options.all())
    jsonld = course_jsonld(page, sessions, request, trainers=trainers, options=options)
    context = page.get_context(request)
    context.update(
        {
            "sessions": sessions,
            "trainers": trainers,
            "price_options": options,
            "domains": list(page.domains.all()),
            "jsonld": json_for_script(jsonld),
        }
    )
    return TemplateResponse(request, page.get_template(request), context)


def course_index_serve(request, page):
    form = CatalogueFilterForm(request.GET or None)
    filters = CatalogueFilters()
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
        else:
            messages.warning(
                request,
                _("Some filters were not understood; all upcoming sessions are shown."),
            )
    filters = CatalogueFilters(**{**filters.__dict__, "course_index": page})
    paginator = Paginator(session_list_for_catalogue(filters=filters), SESSIONS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "page_obj": page_obj,
            "sessions": page_obj.object_list,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "filter_query": query.urlencode(),
            "is_filtered": form.is_bound and form.is_valid() and form.is_filtered,
        }
    )
    return TemplateResponse(request, page.get_template(request), context)


# --- iCalendar feeds ----------------------------------------------------------------------------


def session_ical(request, pk):
    try:
        session = session_get_public(pk)
    except NotFoundError as error:
        raise Http404(str(error.message)) from error
    body = calendar_render(
        session_events(session, course_url=session.course.get_full_url(request) or ""),
        name=session.course.title,
    )
    return _ical_response(body, f"ocim-session-{session.pk}.ics")


def catalogue_ical(request):
    sessions = session_list_for_catalogue(filters=CatalogueFilters())[:FEED_MAX_SESSIONS]
    events = []
    for session in sessions:
        events += session_events(session, course_url=session.course.get_full_url(request) or "")
    body = calendar_render(events, name=_("Ocim training sessions"))
    return _ical_response(body, "ocim-sessions.ics")


# --- Registration ---------------------------------------------------------------------------------


def _form_errors_from(form, error: ApplicationError) -> None:
    """Show a service error on the form: on the fields it names, else at the top."""
    fields = error.extra.get("fields") or {}
    placed = False
    for name, message in fields.items():
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed or not fields:
        form.add_error(None, error.message)


def register(request, pk):
    """The registration form of a public session, or of a private one for an invited person
    (login required: anonymous people log in first, then the invitation is checked)."""
    try:
        session = session_get_for_registration(pk, request.user, light=request.method == "POST")
    except NotFoundError as error:
        raise Http404(str(error.message)) from error
    except NotInvited as error:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        return TemplateResponse(
            request,
            "training/tailormade/not_invited.html",
            {"message": error.message},
            status=error.status,
        )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    if request.method == "POST":
        form = RegistrationForm(request.POST, course=session.course_id)
        if form.is_valid():
            try:
                registration = registration_create(
                    session=session,
                    user=request.user,
                    data=form.registration_data(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    actor=request.user,
                )
            except ApplicationError as error:
                _form_errors_from(form, error)
            else:
                if registration.status == RegistrationStatus.WAITLISTED:
                    messages.warning(
                        request,
                        _(
                            "The session is full: you are on the waiting list (rank "
                            "%(rank)s). We will e-mail you if a seat becomes free."
                        )
                        % {"rank": registration.waitlist_rank},
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Your registration is recorded. We have sent you an e-mail "
                            "with the next steps."
                        ),
                    )
                return redirect("training:my_registrations")
    else:
        form = RegistrationForm(
            course=session.course_id,
            initial={
                "idempotency_key": secrets.token_urlsafe(24),
                "job_title": getattr(request.user, "job_title", ""),
                "employer_name": getattr(request.user, "employer_name", ""),
            },
        )
    return TemplateResponse(
        request,
        "training/register.html",
        {
            "form": form,
            "session": session,
            "course": session.course,
            "location": session_location(session),
            "now": timezone.now(),
        },
    )


# --- Seat offers from the waiting list (links in the offer e-mail) ----------------------------


def _offer_respond(request, token, *, accept: bool):
    """GET shows the offer and a button (mail scanners follow links: GET changes nothing);
    POST accepts or declines through the services."""
    try:
        registration = offer_token_read(token)
    except ApplicationError as error:
        return TemplateResponse(
            request, "training/offer.html", {"error": error.message}, status=error.status
        )
    if request.method == "POST":
        service = offer_accept if accept else offer_decline
        try:
            service(registration=registration, actor=registration.user)
        except ApplicationError as error:
            return TemplateResponse(
                request, "training/offer.html", {"error": error.message}, status=error.status
            )
        if accept:
            messages.success(request, _("The seat is yours: your registration is recorded."))
        else:
            messages.info(request, _("You declined the seat; it goes to the next person."))
        return redirect(registration.session.course.get_url(request) or "/")
    return TemplateResponse(
        request,
        "training/offer.html",
        {"registration": registration, "session": registration.session, "accept": accept},
    )


@require_http_methods(["GET", "POST"])
def offer_accept_view(request, token):
    return _offer_respond(request, token, accept=True)


@require_http_methods(["GET", "POST"])
def offer_decline_view(request, token):
    return _offer_respond(request, token, accept=False)


# --- Participant space ----------------------------------------------------------------------------


@login_required
def my_registrations(request):
    return TemplateResponse(
        request,
        "training/my_registrations.html",
        {"registrations": registration_list_for_user(request.user)},
    )


@login_required
@require_POST
def my_registration_cancel(request, pk):
    try:
        registration = registration_get_for_user(request.user, pk)
    except NotFoundError as error:
        raise Http404(str(error.message)) from error
    try:
        if registration.status == RegistrationStatus.WAITLISTED:
            waitlist_leave(registration=registration, actor=request.user)
            messages.success(request, _("You have left the waiting list."))
        else:
            registration_cancel(registration=registration, actor=request.user)
            messages.success(request, _("Your registration is cancelled."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("training:my_registrations")
