"""Settings for the test suite: fast hashing, mail kept in memory, loopback fetches allowed."""

from .base import *  # noqa: F403
from .base import DATABASES, TEMPLATES

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Tests talk to their own loopback servers: this is the explicit test-only allowance of the
# SSRF-safe fetch helper. No other settings module sets it.
OCIM_FETCH_ALLOW_ADDRESSES = ["127.0.0.0/8", "::1/128"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
TEMPLATES[0]["OPTIONS"]["debug"] = True
# The anonymous page cache is off, so query-count bounds measure rendering, not cache hits;
# the page-cache tests switch it on themselves.
OCIM_PAGE_CACHE_SECONDS = 0
# Test transactions never commit, so the search index's generation never moves in them: the
# search counts cache is off, and its own tests switch it on where commits are real.
OCIM_SEARCH_COUNTS_CACHE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "fetch", "mail"],
    }
}
# Fetch tasks read their sources in the calling thread: worker threads have connections of
# their own, which cannot see a test's uncommitted data. The concurrency tests (PostgreSQL,
# real commits) raise it.
OCIM_WATCH_FETCH_THREADS = 1
