"""SSRF-safe outbound HTTP: the one way the platform fetches URLs it was given by others.

Public API::

    from ocim.core.fetch import safe_fetch, FetchResult, FetchError

See :func:`safe_fetch` for the rules and :mod:`ocim.core.fetch.errors` for the error codes.
"""

from .addresses import forbidden_reason, literal_address, system_resolver
from .client import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_USER_AGENT,
    FetchResult,
    parse_url,
    safe_fetch,
    validate_redirect,
)
from .errors import (
    ConnectionFailed,
    DeadlineExceeded,
    FetchError,
    ForbiddenAddress,
    InsecureRedirect,
    InvalidResponse,
    InvalidURL,
    TooLarge,
    TooManyRedirects,
    UnsupportedScheme,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_USER_AGENT",
    "ConnectionFailed",
    "DeadlineExceeded",
    "FetchError",
    "FetchResult",
    "ForbiddenAddress",
    "InsecureRedirect",
    "InvalidResponse",
    "InvalidURL",
    "TooLarge",
    "TooManyRedirects",
    "UnsupportedScheme",
    "forbidden_reason",
    "literal_address",
    "parse_url",
    "safe_fetch",
    "system_resolver",
    "validate_redirect",
]
