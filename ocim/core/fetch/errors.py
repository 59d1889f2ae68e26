"""Why an outbound fetch failed. Codes are stable (stored with a feed's last error, shown by
the API); messages are translated and safe to show to staff."""

from django.utils.translation import gettext_lazy as _

from ocim.core.errors import ApplicationError


class FetchError(ApplicationError):
    """Base of every refused or failed fetch. ``extra`` holds ``url`` (the address that
    failed, after redirects) and ``detail`` (an English technical reason for the logs)."""

    default_message = _("The remote address could not be fetched.")
    default_code = "fetch_failed"
    status = 502

    def __init__(self, message=None, *, url="", detail="", **kwargs):
        extra = {"url": str(url), "detail": detail, **kwargs.pop("extra", {})}
        super().__init__(message, extra=extra, **kwargs)
        self.url = str(url)
        self.detail = detail

    def __str__(self):
        return f"{self.code}: {self.message}" + (f" ({self.detail})" if self.detail else "")


class InvalidURL(FetchError):
    default_message = _("This web address is not valid.")
    default_code = "invalid_url"
    status = 400


class UnsupportedScheme(FetchError):
    default_message = _("Only http and https addresses can be fetched.")
    default_code = "unsupported_scheme"
    status = 400


class ForbiddenAddress(FetchError):
    default_message = _(
        "This address points to a private, local or reserved network and cannot be fetched."
    )
    default_code = "forbidden_address"
    status = 400


class TooManyRedirects(FetchError):
    default_message = _("The address redirects too many times.")
    default_code = "too_many_redirects"


class InsecureRedirect(FetchError):
    default_message = _("A secure (https) address redirected to an insecure (http) one.")
    default_code = "insecure_redirect"


class TooLarge(FetchError):
    default_message = _("The remote content is larger than the allowed size.")
    default_code = "too_large"


class DeadlineExceeded(FetchError):
    default_message = _("The remote server took too long to answer.")
    default_code = "deadline_exceeded"
    status = 504


class ConnectionFailed(FetchError):
    default_message = _("The remote server could not be reached.")
    default_code = "connection_failed"


class InvalidResponse(FetchError):
    default_message = _("The remote server sent a response that could not be read.")
    default_code = "invalid_response"
