"""Domain errors. Services raise them; the edge (view, API, admin) turns them into a message
or an HTTP status, never a 500."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """Base of every expected, user-explainable failure.

    ``message`` is translatable and shown to the user as is; ``code`` is stable for API
    clients; ``status`` is the HTTP status the edge answers with; ``extra`` carries
    structured details (field errors, ids) that are safe to show.
    """

    default_message = _("The operation could not be completed.")
    default_code = "error"
    status = 400

    def __init__(self, message=None, *, code=None, status=None, extra=None):
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        if status is not None:
            self.status = status
        self.extra = extra or {}
        super().__init__(str(self.message))


class NotFoundError(ApplicationError):
    default_message = _("What you asked for does not exist.")
    default_code = "not_found"
    status = 404


class PermissionDeniedError(ApplicationError):
    default_message = _("You are not allowed to do this.")
    default_code = "permission_denied"
    status = 403


class ConflictError(ApplicationError):
    default_message = _("This conflicts with the current state; reload and try again.")
    default_code = "conflict"
    status = 409
