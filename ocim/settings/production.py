"""Production: no defaults for secrets, HTTPS everywhere, manifest static files.

Refuses to start without SECRET_KEY and ALLOWED_HOSTS; `manage.py check --deploy` is clean.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this site answers to.")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible object storage (install the `s3` extra: django-storages[s3]); the web
# nodes then share uploads without a shared disk.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but django-storages is missing: "
            'install the s3 extra (pip install -e ".[s3]").'
        )
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", None)
    # Objects are private; pages get signed URLs unless a public custom domain is configured.
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = not AWS_S3_CUSTOM_DOMAIN
# Documents (the PDFs behind the moving wall among them) are streamed through the site, after
# the check of who may read them: a redirect to a public custom domain would give the file's
# permanent address to anyone (the publishing app refuses "direct", which never checks).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
