"""Dostlik settings: every value comes from the environment (see .env.example).

Development defaults exist only where they are safe: SQLite and a throw-away secret key
while DEBUG is on. With DEBUG off, SECRET_KEY must be given.
"""

import datetime
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-dostlik")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS. Secure by default when DEBUG is off; behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the proxy must overwrite that header).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# The header only allows preloading; the domain is preloaded once submitted to hstspreload.org.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if _proxy_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")

INSTALLED_APPS = [
    "core.admin_site.DostlikAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The task queue's table (core/mail.py): mail leaves through it, worked by db_worker.
    "django_tasks_db",
    # Permission predicates; views and the admin ask them directly (``can_….test(user, obj)``),
    # the menu through its template tags.
    "rules",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "core",
    "multilingual",
    # Locks out repeated failed sign-ins (see "Attacks and abuse" below).
    "axes",
    "django_ratelimit",
    "accounts",
    "institutions",
    # Accounts made by invitation, straight into a role.
    "invitations",
    "programmes",
    "events",
    "calendars",
    "public",
    "reports",
    "reminders",
    "amendments",
    "desk",
    "demo",
]

MIDDLEWARE = [
    # One log line per request (core/request_log.py): outermost, so its duration and status
    # are those the client gets.
    "core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Static files straight from the app server (hashed names, compressed), before any other
    # middleware spends time on a request for a stylesheet.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and calendars compressed when the client accepts it (a calendar export is several
    # times smaller). Below WhiteNoise, whose static files come compressed already; Django adds
    # random bytes to each compressed body against length-based attacks on secrets (BREACH).
    "django.middleware.gzip.GZipMiddleware",
    # With the database unreachable, any page answers 503 with a calm page (core/outage.py):
    # it wraps every middleware below, since sessions and sign-in read the database too.
    "core.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A body above its URL's limit is refused before the CSRF check reads it (core/uploads.py).
    "core.uploads.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language a signed-in person chose wins over LocaleMiddleware's guess (the language
    # cookie, else the browser's Accept-Language): it needs request.user, so it comes after
    # AuthenticationMiddleware, and activates its language after LocaleMiddleware (above) has
    # activated its own, so the view renders in it. LocaleMiddleware still sets
    # Content-Language on the way out, from whichever language is active then.
    "accounts.middleware.UserLanguageMiddleware",
    # Times on the reader's clock: their own zone, else their browser's, else their
    # institution's country's, else TIME_ZONE. Needs request.user too.
    "accounts.middleware.ReaderTimeZoneMiddleware",
    # Every page needs a signed-in user unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a rate-limited request into RATELIMIT_VIEW's 429 answer.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # csp_nonce for {% csp_nonce_attr %} (the admin's templates use it).
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection that died with a database restart is replaced, not reused, so the
# site recovers by itself once the database is back.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming read replica takes the reads made outside transactions (core/db_router.py).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
# PostgreSQL cancels a statement that runs longer than this ("30s"), so one slow query cannot
# hold a request: gunicorn's timeout does not stop one of its threads. The app server sets it
# (gunicorn.conf.py); migrations and other commands run without. Behind PgBouncer, which
# refuses this startup parameter, set it on the database's role instead (README).
if _statement_timeout := env.str("DATABASE_STATEMENT_TIMEOUT", default=""):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = f"-c statement_timeout={_statement_timeout}"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
# The interface speaks these; Uzbek in Latin script, Kazakh in Cyrillic. Each name is written
# in its own language, as a language switcher shows them.
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("uz", "Oʻzbekcha"),
    ("kk", "Қазақша"),
]
LOCALE_PATHS = [
    # The interface's own messages; makemessages writes here and only here.
    BASE_DIR / "locale",
    # Corrections to Django's own catalogs (month names inside a date). Where both folders
    # translate a message, the first wins.
    BASE_DIR / "config" / "locale_overrides",
]
# Dates as each language writes them, where Django's formats do not (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
# The language a visitor picks is remembered by their browser for a year; a signed-in
# person's choice is also kept on their account (accounts.middleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tashkent")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Serving stack. With DEBUG off, collectstatic writes hashed, compressed copies that
# whitenoise serves with far-future cache headers; a deploy then never serves a stale stylesheet.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# One cache shared by every worker process and app server: what is cached is valid until a
# write anywhere moves the content version (core/caching.py), so a cache of each process's own
# would serve one worker's stale pages after another worker's write.
# With REDIS_URL set, Redis is that cache. Redis down or slow is a cache miss, logged, not an
# error: pages, feeds and sign-in carry on from the database (tests/production/
# test_redis_outage.py). Sessions stay in the database either way: a sign-out that could not
# reach a cache would leave the session there, alive again once the cache returned.
# Without REDIS_URL the database holds the cache (its table is made by migrate, core/apps.py):
# right for one server with several workers, and for development; Redis takes the load off the
# database on a busy site.
if _redis_url := env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _redis_url,
            # Sites (or test runs) sharing one Redis database keep apart by their prefix.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
                # After a call times out, the process leaves Redis alone for a few seconds.
                "REDIS_CLIENT_CLASS": "core.cache_breaker.PausingRedis",
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "dostlik.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "dostlik_cache",
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
            # Room for a feed's serialised events (calendars/ical.py) besides the pages.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    }
# CACHE_DISABLED=1 computes every page and calendar file on every request, and so turns the
# rate limits off too (they count in the cache): to rule the cache out when looking for a fault.
if env.bool("CACHE_DISABLED", default=False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# End of the serving stack.

# Uploaded agreement documents. They are never served from MEDIA_URL: the app hands each one out
# itself, as an attachment, to those who may read it (programmes/views/agreements.py). With
# several app servers MEDIA_ROOT is a directory they share.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Whole calendar files kept on this server's own disk, sent with sendfile while unchanged
# (calendars/calendar_files.py): a cache, which may be emptied at any time.
CALENDAR_FILES_DIR = env.path(
    "CALENDAR_FILES_DIR", default=Path(tempfile.gettempdir()) / "dostlik-calendar-files"
)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
AGREEMENT_DOCUMENT_MAX_BYTES = env.int("AGREEMENT_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# The largest request body any URL takes (core/uploads.py): the largest upload, a document or a
# decision's letter, and the rest of its form. URLs that take less say so themselves.
REQUEST_BODY_MAX_BYTES = AGREEMENT_DOCUMENT_MAX_BYTES + 64 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django 6.1 mailers. Development prints mail to the console; production speaks SMTP.
_smtp_options = {
    "host": env.str("EMAIL_HOST", default="localhost"),
    "port": env.int("EMAIL_PORT", default=25),
    "username": env.str("EMAIL_HOST_USER", default=""),
    "password": env.str("EMAIL_HOST_PASSWORD", default=""),
    "use_tls": env.bool("EMAIL_USE_TLS", default=False),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if env.bool("EMAIL_CONSOLE", default=DEBUG)
    else {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": _smtp_options}
}
# Mail and reminders are tasks (core/mail.py), queued in the database and sent by
# `manage.py db_worker` (make run and make serve start one; see the README's deploy guide).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The address of the site as people reach it, for links in e-mail.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Dostlik <noreply@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Attacks and abuse. django-axes counts failed sign-ins (the site's and the admin's) per username
# AND address: after AXES_FAILURE_LIMIT failures that pair is refused for AXES_COOLOFF_TIME,
# even with the right password, while the same person from another address still signs in — so
# nobody can lock a coordinator out from afar. A success clears the count. The attempts live
# in the database, shared by every app server.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the failure that locked, so the page can say when to try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Locks end by themselves; to end one early: manage.py axes_reset_username <username>.
AXES_ENABLE_ADMIN = False
# The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many proxies of ours
# (nginx, a load balancer) append to X-Forwarded-For; then the address that many entries from
# the right, which a client cannot forge. The rate limits use the same address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.ratelimits.client_address"
RATELIMIT_IP_META_KEY = "core.ratelimits.client_address"
# django-ratelimit (core/ratelimits.py) counts in the default cache: Redis with REDIS_URL.
RATELIMIT_RATES = {
    "login": env.str("RATELIMIT_LOGIN", default="10/m"),  # sign-in POSTs per address
    "feed": env.str("RATELIMIT_FEED", default="120/m"),  # fetches per calendar feed
    # fetches of feeds that do not exist, per address
    "feed-unknown": env.str("RATELIMIT_FEED_UNKNOWN", default="60/m"),
    # searches of the public portal, per address
    "public-search": env.str("RATELIMIT_PUBLIC_SEARCH", default="60/m"),
}
RATELIMIT_VIEW = "core.ratelimits.rate_limited"
# With the cache down, let requests through (sign-ins are still guarded by django-axes) rather
# than refuse every sign-in and every feed.
RATELIMIT_FAIL_OPEN = True
SILENCED_SYSTEM_CHECKS = [
    # Without REDIS_URL the limits count in the database cache, shared by every process but
    # without an atomic increment: requests arriving at the same instant may count once. Good
    # enough for one server; a busy site sets REDIS_URL.
    *(
        []
        if env.str("REDIS_URL", default="") and not env.bool("CACHE_DISABLED", default=False)
        else ["django_ratelimit.E003", "django_ratelimit.W001"]
    ),
]
# End of attacks and abuse.

# Lists show this many rows a page.
PAGE_SIZE = env.int("PAGE_SIZE", default=25)

# --- Production: Content-Security-Policy and logging ---------------------------------------
# Enforced everywhere, DEBUG or not, so a page that breaks it breaks in development first. No
# page of ours has inline script or style. The nonce is for the admin, whose templates put it on
# their own <script>, <link> and <style> tags ({% csp_nonce_attr %}); the header names a nonce
# only on pages that used one, so no page gets 'unsafe-inline'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# Everything goes to stdout, where the process manager collects it. Each request is one line on
# the "dostlik.requests" logger. The filter on the handler takes calendar feed tokens out of
# every record, whichever logger wrote it (Django logs the path of a 404, for one); Django's own
# loggers hand their records to that handler instead of keeping handlers of their own.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_feed_tokens": {"()": "core.request_log.RedactFeedTokens"},
        "one_line_while_cache_is_down": {"()": "core.cache_log.OneLineWhileCacheIsDown"},
        "one_line_while_database_is_down": {"()": "core.outage_log.OneLineWhileDatabaseIsDown"},
    },
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["redact_feed_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "dostlik.cache": {"filters": ["one_line_while_cache_is_down"], "propagate": True},
        # One filter for both, so the two loggers share its every-ten-seconds warning.
        "django.request": {"filters": ["one_line_while_database_is_down"], "propagate": True},
        "core.outage": {"filters": ["one_line_while_database_is_down"], "propagate": True},
    },
}
