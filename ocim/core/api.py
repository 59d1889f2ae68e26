"""The platform's one public API (django-ninja), served at ``/api/v1/`` with its OpenAPI schema
at ``/api/v1/openapi.json``.

Core knows no domain app: each app builds a ``ninja.Router`` in its own ``api.py`` and calls
``api.add_router("/<app>/", router)`` there, the module being imported by the app's
``AppConfig.ready()``, which Django runs before the URLconf is loaded (ninja refuses routers
added after ``api.urls`` was read, so a late one fails loudly instead of silently missing).

Every answer is JSON. Errors have one shape, ``{"error": "<translated message>", "status":
<code>}``: 400 for a bad query parameter (``bad_parameter()`` in a parameter validator, or
``HttpError(400, message)`` in an operation), 404 for an unknown path or id (a path parameter
that does not even parse, ``Http404``), 405 for a method the path does not take. Messages follow
the active language: there is no language prefix here, so ``LocaleMiddleware`` takes it from
``Accept-Language`` (French by default).

The interactive documentation (Swagger UI) needs its scripts from our own origin: the
Content-Security-Policy (``ocim.core.middleware``) blocks the CDN copy ninja falls back to when
``"ninja"`` is not in ``INSTALLED_APPS``. The docs page is therefore only served when ninja's
bundled assets are (``"ninja"`` installed as an app); the schema is always published.
"""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Query, Schema, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

# Where ocim/urls.py mounts the API (outside the language-prefixed patterns).
API_PATH = "api/v1/"
# The error type of ``bad_parameter()``: its message is shown to the caller as is.
BAD_PARAMETER = "ocim_bad_parameter"


def bad_parameter(message: str) -> PydanticCustomError:
    """The error a query-parameter validator raises; ``message`` (translated) is what the caller
    reads in the 400 answer."""
    return PydanticCustomError(BAD_PARAMETER, "{message}", {"message": str(message)})


class Error(Schema):
    """The body of every error answer (declare it for 400/404 so the schema documents it)."""

    error: str
    status: int


class _Renderer(JSONRenderer):
    # Readable accents ("Vie du réseau"), as the hand-written API gave.
    json_dumps_params = {"ensure_ascii": False}


class _ApiOnlyUrlconf:
    """A URLconf holding only the API, set as ``request.urlconf`` on the API's answers.

    Why: ``LocaleMiddleware`` answers a 404 outside the language-prefixed patterns by redirecting
    to ``/<language>`` + the path whenever that path resolves, and Wagtail's catch-all resolves
    any path of slugs. Without this, every JSON 404 of the API would become a redirect to an
    HTML page. With it, the middleware sees no language patterns and leaves the answer alone
    (it still adds ``Vary: Accept-Language``, the messages following that header).
    """

    @cached_property
    def urlpatterns(self):
        return [path(API_PATH, api.urls)]


API_URLCONF = _ApiOnlyUrlconf()


class OcimAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        # Every answer of an operation and of the error handlers passes here.
        request.urlconf = API_URLCONF
        return super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        # The root and any unknown path ending in a slash answer a JSON 404 (paths without the
        # slash are first redirected to it by CommonMiddleware, as everywhere on the site).
        return (
            [path("", _not_found), *patterns, re_path(r"^(?:.*/)?$", _not_found)],
            app_name,
            namespace,
        )


def whole_number_query(name: str, *, default: int, minimum: int, maximum: int, description: str):
    """A query parameter holding a whole number within bounds: ASCII digits only (no sign, no
    decimals, no full-width digits), empty meaning the default; anything else is a translated
    400 naming the parameter and its bounds."""

    def parse(value):
        if value is None or value == "":
            return default
        text = str(value)
        if text.isascii() and text.isdigit() and len(text) <= 12:
            number = int(text)
            if minimum <= number <= maximum:
                return number
        raise bad_parameter(
            _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )

    query = Query(default, ge=minimum, le=maximum, description=description)
    return Annotated[int, BeforeValidator(parse), query]


def error_response(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """The API's error answer: ``{"error": message, "status": status}``."""
    return api.create_response(request, {"error": str(message), "status": status}, status=status)


# Exempt like ninja's own views: it changes nothing, and any method gets the JSON 404.
@csrf_exempt
def _not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return error_response(request, _("Not found."), 404)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, str(exc), exc.status_code)


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Http404's own text may be technical (ninja's says where the docs are): not shown.
    return _not_found(request)


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.errors or [{}]
    # A path parameter that does not parse (``/articles/abc/``) names nothing that exists.
    if any(tuple(error.get("loc", ()))[:1] == ("path",) for error in errors):
        return _not_found(request)
    first = errors[0]
    if first.get("type") == BAD_PARAMETER:
        message = first.get("msg", "")
    else:
        location = tuple(first.get("loc", ())) or ("",)
        message = _("“%(name)s” is not valid.") % {"name": location[-1]}
    return error_response(request, message, 400)


api = OcimAPI(
    title="Ocim API",
    version="1",
    description=(
        "The public, read-only API of the platform. Every caller is treated as an anonymous "
        "reader: what it gives is what anyone may see on the site. Lists are paginated with "
        "`limit` (1 to 100, default 20) and `offset` (0 to 1,000,000) and give `count`, "
        '`next` and `previous`. Errors are JSON: `{"error": message, "status": code}`, '
        "in the language of the `Accept-Language` header (French by default)."
    ),
    urls_namespace="api",
    renderer=_Renderer(),
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
)
api.add_exception_handler(HttpError, _on_http_error)
api.add_exception_handler(Http404, _on_not_found)
api.add_exception_handler(ValidationError, _on_validation_error)
