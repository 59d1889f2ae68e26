"""Why reading a source failed: stable codes stored in ``Source.last_error_code`` and the fetch
log, and their messages for staff (translated when shown, in the reader's language).

Codes come from three places: the SSRF-safe fetch helper (``ocim.core.fetch.errors``: refused
addresses, limits, transport failures), the fetcher itself (robots.txt, HTTP statuses) and the
processing pipeline (a body that cannot be read as the source's kind).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError
from ocim.core.fetch import errors as fetch_errors

ROBOTS_DISALLOWED = "robots_disallowed"
ROBOTS_UNAVAILABLE = "robots_unavailable"
NOT_FOUND = "not_found"
GONE = "gone"
RATE_LIMITED = "rate_limited"
SERVER_ERROR = "server_error"
HTTP_ERROR = "http_error"
UNEXPECTED_NOT_MODIFIED = "unexpected_not_modified"
PROCESSING_FAILED = "processing_failed"
NOT_HTML = "not_html"

_MESSAGES = {
    ROBOTS_DISALLOWED: _("The site's robots.txt does not allow us to read this address."),
    ROBOTS_UNAVAILABLE: _(
        "The site's robots.txt could not be read (server error); nothing is fetched from the "
        "site until it can be."
    ),
    NOT_FOUND: _("The address was not found on the server (HTTP 404)."),
    GONE: _("The server says this address is gone for good (HTTP 410)."),
    RATE_LIMITED: _("The server asked us to slow down (HTTP 429)."),
    SERVER_ERROR: _("The server had an error."),
    HTTP_ERROR: _("The server refused the request."),
    UNEXPECTED_NOT_MODIFIED: _("The server answered 304 (not modified) to a plain request."),
    PROCESSING_FAILED: _("The content could not be processed."),
    NOT_HTML: _("The linked page is not a web page."),
}

# Errors after which retrying cannot help until someone acts: the source is paused at once.
IMMEDIATE_SUSPENSION = frozenset({GONE, ROBOTS_DISALLOWED})


def _fetch_error_messages():
    messages = {}
    pending = [fetch_errors.FetchError]
    while pending:
        cls = pending.pop()
        messages[cls.default_code] = cls.default_message
        pending.extend(cls.__subclasses__())
    return messages


_MESSAGES.update(_fetch_error_messages())


def fetch_error_message(code: str):
    """The message for staff of an error code (lazily translated); a generic one for codes this
    module does not know (e.g. a new parse error of the pipeline)."""
    return _MESSAGES.get(code) or _("The content could not be read.")


class SourceFetchError(ApplicationError):
    """A failed read of a source, as the fetcher records it: ``code`` (stable), ``detail``
    (English, technical, for the log) and the HTTP status when there was one."""

    default_message = _("The source could not be read.")
    default_code = "fetch_failed"
    status = 502

    def __init__(self, code: str, *, detail: str = "", status_code: int | None = None):
        super().__init__(fetch_error_message(code), code=code)
        self.detail = detail
        self.status_code = status_code


class SourceStateError(ApplicationError):
    default_message = _("This source cannot be read now.")
    default_code = "source_state"
    status = 409
