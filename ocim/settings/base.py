"""Settings shared by every environment. Environment-specific modules import from here."""

from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet  # map
from django.core.exceptions import ImproperlyConfigured

from .env import env, read_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "ocim"
read_dotenv(BASE_DIR / ".env")

SECRET_KEY = env.str("SECRET_KEY", None)
DEBUG = env.bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "ocim.core",
    "ocim.accounts",
    "ocim.training",
    "ocim.publishing",
    "ocim.inventory",
    "ocim.watch",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ocim.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers of public pages are answered from the cache before the session, auth
    # and messages machinery (after the CSP nonce is set: see ocim/core/page_cache.py).
    "ocim.core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "ocim.urls"
WSGI_APPLICATION = "ocim.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "ocim.core.context_processors.site_shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASE_URL = env.str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
if DATABASE_URL.startswith("sqlite:///") and not DATABASE_URL.startswith("sqlite:////:memory"):
    # The embedded database lives in var/ (git-ignored); a fresh clone has no such folder yet.
    Path(DATABASE_URL.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env.int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    # Covering indexes (INCLUDE columns) serve PostgreSQL; SQLite builds them on the key
    # columns alone, which is all the embedded set-up needs: no warning at every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work --------------------------------------------------------------
# REDIS_URL switches both the cache and the task queue to Redis (RQ workers).
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ocim.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", "ocim"),
        },
        # Counts of searches (publishing, directory): one entry per distinct query, many of
        # them asked once. On Redis they share the server (its memory policy evicts them).
        "search": {
            "BACKEND": "ocim.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", "ocim") + "-search",
        },
    }
    RQ_QUEUES = {
        # The queues take their Redis client from the cache's pool (ocim.core.cache).
        name: {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 600}
        for name in ("default", "fetch", "mail")
    }
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": list(RQ_QUEUES),
        }
    }
    INSTALLED_APPS += ["django_rq"]
    # Sessions read from the cache, written through to the database: one query less on every
    # signed-in request, and no session lost when Redis is flushed.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        # Each process's own memory. Pages, menus and settings: room for a site's pages.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ocim-default",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Counts of searches apart: one entry per distinct query, many asked once, which would
        # otherwise push the pages out (a cache culls a third of its entries when full).
        "search": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ocim-search",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "fetch", "mail"],
        }
    }

# Full-response cache of public pages for anonymous readers (ocim/core/page_cache.py): how
# long a page is kept (0 disables it), and the checks that send a reader past it.
OCIM_PAGE_CACHE_SECONDS = env.int("OCIM_PAGE_CACHE_SECONDS", 300)
OCIM_PAGE_CACHE_BYPASS_CHECKS = ["ocim.publishing.page_cache.institutional_subscriber"]
# How long the publishing search keeps a query's total and facet counts (PostgreSQL; 0 disables
# it). A committed change of the index renews the key, so a count is never older than the index.
OCIM_SEARCH_COUNTS_CACHE_SECONDS = env.int("OCIM_SEARCH_COUNTS_CACHE_SECONDS", 600)
# How long the inventory's directory keeps the counts and the page ids of a search (0 disables
# it). Every write of its index renews the key: a saved actor is counted at once.
OCIM_DIRECTORY_CACHE_SECONDS = env.int("OCIM_DIRECTORY_CACHE_SECONDS", 300)
# The directory counts a search's facets exactly while its words match at most this many actors
# (as a sixteenth of them shows), and estimates them from that sixteenth beyond (PostgreSQL; the
# page then says "about" and pages through the first this many).
OCIM_DIRECTORY_EXACT_COUNT_LIMIT = max(1, env.int("OCIM_DIRECTORY_EXACT_COUNT_LIMIT", 4000))
# Days the files of an actor import (they may hold contacts) are kept once it is finished or
# left untouched; the job and its report stay. 0 keeps them.
OCIM_IMPORT_FILES_RETENTION_DAYS = env.int("OCIM_IMPORT_FILES_RETENTION_DAYS", 30)
# The publishing search counts its results and facets exactly up to this many matches, and
# estimates them from a sample of the index beyond (the page then says "about").
OCIM_SEARCH_EXACT_COUNT_LIMIT = max(1, env.int("OCIM_SEARCH_EXACT_COUNT_LIMIT", 2000))

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ocim.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "ocim.accounts.validators.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    PROJECT_DIR / "static",
    # map: Leaflet's files come from their PyPI package (XStatic-Leaflet), never from the repo.
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads bigger than this are refused with a 413/400 instead of filling memory or disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
WAGTAILDOCS_MAX_UPLOAD_SIZE = WAGTAILIMAGES_MAX_UPLOAD_SIZE
OCIM_MAX_UPLOAD_SIZE = WAGTAILIMAGES_MAX_UPLOAD_SIZE

# --- Inventory map (map) --------------------------------------------------------------------
# The map draws the repository's own region/department boundaries; a tile server is optional.
# A URL template as Leaflet takes it ("https://{s}.tile.example.org/{z}/{x}/{y}.png").
OCIM_MAP_TILE_URL = env.str("OCIM_MAP_TILE_URL", "")
OCIM_MAP_TILE_ATTRIBUTION = env.str(
    "OCIM_MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
# Sources added to the Content-Security-Policy of public pages (ocim/core/middleware.py): the
# players of the videos an article may embed (ocim/publishing/blocks.py, VIDEO_PLAYER_ORIGINS;
# framed only once a reader opens the video).
OCIM_CSP_EXTRA_SOURCES = {
    "frame-src": [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://www.dailymotion.com",
    ]
}
if OCIM_MAP_TILE_URL:
    # The tiles are images from the tile server: the Content-Security-Policy must allow it.
    from urllib.parse import urlsplit

    _tiles = urlsplit(OCIM_MAP_TILE_URL)
    OCIM_CSP_EXTRA_SOURCES["img-src"] = [f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"]

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Ocim"
WAGTAILADMIN_BASE_URL = env.str("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "csv", "zip", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# --- Mail -----------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Ocim <no-reply@ocim.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL.startswith("smtp"):
    from urllib.parse import unquote, urlparse

    _mail = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Outbound fetches: addresses allowed despite the SSRF rules. Empty in every real deployment;
# only the test settings open loopback so tests can talk to their own servers.
OCIM_FETCH_ALLOW_ADDRESSES = []

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Accounts (Wagtail user forms) ------------------------------------------------------------
# Wagtail's users app with Ocim's forms (e-mail login, profile fields, GDPR deletion), and the
# admin login with the site's throttling and e-mail verification.
INSTALLED_APPS = [
    "ocim.accounts.wagtail_users.OcimUsersAppConfig" if app == "wagtail.users" else app
    for app in INSTALLED_APPS
]
WAGTAILADMIN_USER_LOGIN_FORM = "ocim.accounts.forms.AdminLoginForm"

# --- Outbound fetch ---------------------------------------------------------------------------
# How the platform introduces itself when it fetches feeds and pages (ocim.core.fetch).
OCIM_FETCH_USER_AGENT = env.str("OCIM_FETCH_USER_AGENT", "OcimBot/1.0 (+https://www.ocim.fr)")

# --- Watch: fetching sources ------------------------------------------------------------------
# Reads in flight per fetch task (threads; each task takes a batch of 4 × this many sources).
OCIM_WATCH_FETCH_THREADS = env.int("OCIM_WATCH_FETCH_THREADS", 8)
# Total time one request may take (redirects and slow bodies included), 1 to 30 seconds.
OCIM_WATCH_FETCH_DEADLINE = env.int("OCIM_WATCH_FETCH_DEADLINE", 30)
# Consecutive failed reads after which a source is paused automatically (with the reason).
OCIM_WATCH_SUSPEND_AFTER_ERRORS = env.int("OCIM_WATCH_SUSPEND_AFTER_ERRORS", 10)
# Days the fetch log (one line per read of a source) is kept.
OCIM_WATCH_FETCH_LOG_DAYS = env.int("OCIM_WATCH_FETCH_LOG_DAYS", 7)
if not 1 <= OCIM_WATCH_FETCH_THREADS <= 64:
    raise ImproperlyConfigured("OCIM_WATCH_FETCH_THREADS must be between 1 and 64.")
if not 1 <= OCIM_WATCH_FETCH_DEADLINE <= 30:
    raise ImproperlyConfigured("OCIM_WATCH_FETCH_DEADLINE must be between 1 and 30 seconds.")
if OCIM_WATCH_SUSPEND_AFTER_ERRORS < 1:
    raise ImproperlyConfigured("OCIM_WATCH_SUSPEND_AFTER_ERRORS must be at least 1.")
if OCIM_WATCH_FETCH_LOG_DAYS < 0:
    raise ImproperlyConfigured("OCIM_WATCH_FETCH_LOG_DAYS cannot be negative.")

# --- Inventory: geocoding and imports (import) ------------------------------------------------
# Where actors without coordinates are placed: "commune" (offline, the commune's point) or "ign"
# (the IGN Géoplateforme geocoding API, through ocim.core.fetch; the commune's point on failure).
OCIM_GEOCODER = env.str("OCIM_GEOCODER", "commune")
if OCIM_GEOCODER not in ("commune", "ign"):
    raise ImproperlyConfigured("OCIM_GEOCODER must be 'commune' or 'ign'.")
OCIM_GEOCODER_IGN_URL = env.str("OCIM_GEOCODER_IGN_URL", "https://data.geopf.fr/geocodage/search")
OCIM_GEOCODER_TIMEOUT = env.int("OCIM_GEOCODER_TIMEOUT", 5)
OCIM_GEOCODER_IGN_MIN_SCORE = 0.5
# Largest import file accepted (bytes).
OCIM_IMPORT_MAX_BYTES = env.int("OCIM_IMPORT_MAX_BYTES", 30 * 1024 * 1024)

# --- Watch: processing pipeline -----------------------------------------------------------------
# Items published (or first seen, when undated) longer ago than this are purged, unless starred,
# curated or published; entries older than this are not stored. 0 keeps everything.
OCIM_WATCH_RETENTION_DAYS = env.int("OCIM_WATCH_RETENTION_DAYS", 365)
if OCIM_WATCH_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("OCIM_WATCH_RETENTION_DAYS cannot be negative.")
# How long a worker keeps its compiled classifier before reading actor names again (rules and
# the thesaurus rebuild it at once when they change).
OCIM_WATCH_CLASSIFIER_TTL = env.int("OCIM_WATCH_CLASSIFIER_TTL", 300)
