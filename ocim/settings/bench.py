"""Settings for the HTTP benchmarks in bench/ (never for real traffic).

Production-like where it changes the figures — DEBUG off, template caching, persistent database
connections, no debug toolbar — but plain HTTP on 127.0.0.1 (no SSL redirect, no HSTS) and a
throw-away database chosen by the harness through DATABASE_URL. The URLconf adds a bare Django
view in front of the site's URLs so a run can compare a page with the framework's own cost.
"""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
# The harness passes a fresh random key; the fallback only lets `manage.py check` import this.
SECRET_KEY = env.str("SECRET_KEY", "bench-only-insecure-key-never-serves-real-traffic")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
DATABASES["default"]["CONN_MAX_AGE"] = 600
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Mail never leaves the process: a benchmark measures the site, not an SMTP server or a console
# writing to the log. (Registration e-mails are queued on commit; the harnesses unset
# REDIS_URL, so the queue is the database one, and no worker runs during a benchmark.)
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
