"""Public views of tailor-made training: the request form and its confirmation page."""

from __future__ import annotations

import secrets

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from ocim.accounts.forms import client_ip
from ocim.core.errors import ApplicationError

from .forms_tailormade import TailorMadeRequestForm
from .models import CoursePage
from .tailormade import tailormade_request_create
from .views import _form_errors_from


def _initial(request) -> dict:
    initial = {"idempotency_key": secrets.token_urlsafe(24)}
    user = request.user
    if user.is_authenticated:
        initial.update(
            {
                "contact_name": user.get_full_name(),
                "contact_email": user.email,
                "contact_job_title": getattr(user, "job_title", ""),
                "structure_name": getattr(user, "employer_name", ""),
            }
        )
    course_id = request.GET.get("course", "")
    if course_id.isdigit() and CoursePage.objects.live().filter(pk=course_id).exists():
        initial["course"] = int(course_id)
    return initial


@require_http_methods(["GET", "POST"])
def request_form(request):
    """The public request form: no login needed; a signed-in person is pre-filled and linked."""
    status = 200
    if request.method == "POST":
        data = request.POST
        if not data.get("idempotency_key"):
            # A form posted without its key (an old page, a script) still gets one for the next
            # attempt, so a correction followed by a double click creates one request.
            data = data.copy()
            data["idempotency_key"] = secrets.token_urlsafe(24)
        form = TailorMadeRequestForm(data)
        if form.is_spam:
            # Say nothing to the robot: it sees the usual confirmation, nothing is written.
            return redirect("training:tailormade_thanks")
        if form.is_valid():
            try:
                tailormade_request_create(
                    data=form.request_data(),
                    user=request.user,
                    language=translation.get_language(),
                    ip=client_ip(request),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ApplicationError as error:
                _form_errors_from(form, error)
                status = error.status if error.status == 429 else 200
            else:
                return redirect("training:tailormade_thanks")
    else:
        form = TailorMadeRequestForm(initial=_initial(request))
    return TemplateResponse(
        request, "training/tailormade/request_form.html", {"form": form}, status=status
    )


def request_thanks(request):
    return TemplateResponse(request, "training/tailormade/request_thanks.html", {})
