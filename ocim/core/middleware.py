"""Security headers and a nonce-based Content-Security-Policy on every response.

Public pages get a strict policy: scripts and styles only from our origin or inline with the
per-request nonce (``request.csp_nonce``, exposed to templates as ``{{ csp_nonce }}``), no
plugins, no framing, forms and <base> limited to our origin. The Wagtail admin gets its own,
relaxed policy because it ships inline scripts and style attributes we do not control.

The policy has no report-uri: reports would send visitors' URLs to an endpoint that has to be
run and protected, for little gain on a site without third-party scripts.

Extra sources (a tile server for the map, a video host for embeds, a CDN) are added per
directive with the optional setting ``OCIM_CSP_EXTRA_SOURCES = {"img-src": [...], ...}``;
an absolute ``MEDIA_URL`` (object storage) is added to img-src and media-src automatically.
Caution: a full-page cache must store the CSP header together with the body, or the cached
nonce and the header's nonce will disagree and inline scripts will be blocked.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings

ADMIN_PREFIXES = ("/admin/", "/django-admin/")

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
)  # fmt: skip


def _public_policy(nonce):
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
        # data: only for images: the design's CSS icons are inline SVG data URLs, and an
        # image (unlike a document or script) cannot run code.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


def _admin_policy():
    # Wagtail's admin renders inline <script> and style="" attributes and previews pages in a
    # same-origin iframe; blob: images are the local previews of uploads.
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }


def _media_origin():
    parts = urlsplit(getattr(settings, "MEDIA_URL", "") or "")
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def build_policy(request, nonce, *, framing_allowed=False):
    """The Content-Security-Policy header value for ``request``."""
    is_admin = request.path.startswith(ADMIN_PREFIXES)
    directives = _admin_policy() if is_admin else _public_policy(nonce)
    media_origin = _media_origin()
    if media_origin:
        directives["img-src"].append(media_origin)
        directives["media-src"].append(media_origin)
    for directive, sources in getattr(settings, "OCIM_CSP_EXTRA_SOURCES", {}).items():
        directives.setdefault(directive, ["'self'"]).extend(sources)
    if framing_allowed:
        # A view marked @xframe_options_exempt (an embeddable widget) may be framed anywhere.
        directives.pop("frame-ancestors", None)
    parts = [f"{name} {' '.join(dict.fromkeys(sources))}" for name, sources in directives.items()]
    if request.is_secure():
        parts.append("upgrade-insecure-requests")
    return "; ".join(parts)


class SecurityHeadersMiddleware:
    """Sets ``request.csp_nonce`` before the view and the security headers after it.

    Headers a view already set are kept (setdefault), so a view can tighten its own policy.
    Django's SecurityMiddleware and XFrameOptionsMiddleware set some of the same headers from
    settings; the defaults here make every response carry them even if those settings change.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce
        response = self.get_response(request)
        framing_allowed = getattr(response, "xframe_options_exempt", False)
        response.setdefault(
            "Content-Security-Policy",
            build_policy(request, nonce, framing_allowed=framing_allowed),
        )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault(
            "Referrer-Policy",
            getattr(settings, "SECURE_REFERRER_POLICY", None) or "strict-origin-when-cross-origin",
        )
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # same-site, not same-origin: our static files served through a CDN on a subdomain of
        # the site must still load in our own pages.
        response.setdefault("Cross-Origin-Resource-Policy", "same-site")
        if not framing_allowed:
            is_admin = request.path.startswith(ADMIN_PREFIXES)
            response.setdefault("X-Frame-Options", "SAMEORIGIN" if is_admin else "DENY")
        return response
