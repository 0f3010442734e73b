"""The one settings module. Production differences come only from environment variables.

Secure by default: with no variable set, DEBUG and SANDBOX are off and SECRET_KEY must be given. Development
settings come only from an explicit DEBUG=1 (`make run`, `make test` and config/settings_test.py set it).

Variables:
  DEBUG          "1"/"0" (default off). With DEBUG off, SECRET_KEY must be set.
  SECRET_KEY     Django secret; also keys the HMAC of API tokens.
  DATABASE_URL   e.g. postgres://user@127.0.0.1:5432/ecf (default: SQLite file db.sqlite3).
  REDIS_URL      e.g. redis://127.0.0.1:6379/0 - shared cache (rate-limit counters).
  SANDBOX        "1"/"0" (default: follows DEBUG) - enables sandbox-only behaviour.
  ALLOWED_HOSTS  comma-separated host names (default: localhost names when DEBUG is on).
  SECURE_HSTS_SECONDS  HSTS max-age (default 31536000 when DEBUG is off, else 0).
  SECURE_SSL_REDIRECT  "1"/"0" - redirect HTTP to HTTPS, except /healthcheck (default: on when DEBUG is off).
  BEHIND_PROXY   set when a proxy terminates TLS and sets X-Forwarded-Proto (trusted only then).
  TRUSTED_PROXY_COUNT  proxies that append to X-Forwarded-For (default 0: REMOTE_ADDR is the client).
  LOG_FORMAT     "json" for JSON log lines (default: plain text).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG", default=False)
SANDBOX = env_flag("SANDBOX", default=DEBUG)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",  # sign-in lockout after repeated failures (AXES_* below)
    "ecf",
    "partnerships",
    "finance",
    "sandbox",
    "api",
    "config.apps.ConfigConfig",  # the project's own system checks (config/checks.py)
    "guidance",  # public guidance pages for lead providers (/api/guidance/)
]

MIDDLEWARE = [
    # Outermost: every response carries X-Request-ID, every log line the request's id, one access line each.
    "config.request_id.RequestIdMiddleware",
    # Under /api/, a request Django cannot read (unknown Host, too many parameters) answers the API's JSON 400.
    "api.middleware.ApiRequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A Content-Security-Policy on every response: none for the API's JSON, strict for the back office.
    "config.content_security.ContentSecurityPolicyMiddleware",
    # Serves STATIC_ROOT (collectstatic) under gunicorn; right after SecurityMiddleware, as whitenoise requires.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # D16 rate limits: before CSRF, authentication, the history author and the API request log, so a refused
    # request costs no token lookup, database query or log row (and 429s are not logged as API writes).
    "api.ratelimit.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user as the author of every history row written during the request (D21).
    "simple_history.middleware.HistoryRequestMiddleware",
    "api.request_log.ApiRequestLogMiddleware",
    "api.middleware.ApiConditionalGetMiddleware",
    "api.middleware.SandboxClockMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "config.context_processors.environment",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Persistent connections (60 s), each checked before its first use in a request (CONN_HEALTH_CHECKS), so one
# broken by a database restart is replaced instead of failing the request: the service recovers by itself.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request within seconds (answered 503), instead of holding a worker for
    # the operating system's TCP timeout (minutes).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # No JIT compilation: the API's queries return pages of rows, where compiling costs more than it saves
    # (measured: 25 ms of a 54 ms declarations page at national scale, on every page).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time: concurrent writes (runserver answers each request in its own thread) wait
    # their turn instead of failing with "database is locked". WAL lets reads go on during a write; IMMEDIATE
    # takes the write lock when a transaction begins, where waiting for it is safe (a deferred transaction that
    # upgrades from reading to writing is refused at once); the busy timeout is how long a write may wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL", transaction_mode="IMMEDIATE", timeout=20
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# D16 API rate limits (api/ratelimit.py), counted in the cache above in fixed windows aligned to multiples of
# the window, so every app server sharing the cache (Redis) shares each budget. Requests per window per token,
# and per client IP for requests without an Authorization header.
API_RATE_LIMIT_PER_TOKEN = int(os.environ.get("API_RATE_LIMIT_PER_TOKEN") or 1000)
API_RATE_LIMIT_PER_IP = int(os.environ.get("API_RATE_LIMIT_PER_IP") or 300)
API_RATE_LIMIT_WINDOW_SECONDS = int(os.environ.get("API_RATE_LIMIT_WINDOW_SECONDS") or 300)
# Reverse proxies in front of the app that append to X-Forwarded-For; the client IP is the entry the outermost
# one wrote. 0 (default): the header is ignored and REMOTE_ADDR is the client, since clients can forge the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or 0)

# Staff sign-in (the admin login) is throttled by django-axes: its backend comes first and refuses a locked-out
# sign-in before ModelBackend checks the password. Note that axes' backend needs the request in authenticate():
# tests sign in with client.force_login(), or client.login(request=HttpRequest(), ...).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5  # the 5th wrong password (since the last success) locks the account out...
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # ...for that username from that IP address only
AXES_COOLOFF_TIME = timedelta(hours=1)  # ...for an hour; each refused attempt meanwhile restarts the hour
AXES_RESET_ON_SUCCESS = True  # a successful sign-in clears the failures counted so far
# The same client address as the rate limits: behind TRUSTED_PROXY_COUNT proxies, the one they saw.
AXES_CLIENT_IP_CALLABLE = "api.ratelimit.client_ip_address"
AXES_VERBOSE = False  # no start-up banner on every command

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # D6: stored in UTC, every date boundary computed in London time.
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Production (DEBUG off): whitenoise serves compressed, content-hashed copies made by `collectstatic` (make serve).
# Development and tests keep Django's plain storage, which needs no collectstatic run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Fixed from the environment's DEBUG at start-up (the test runner switches DEBUG off at run time): development
# and tests read files from the apps as they change, so no STATIC_ROOT is needed there.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_SECURE = not DEBUG
# Only staff have sessions (the API uses tokens): one signs in again after a working day, not two weeks later.
SESSION_COOKIE_AGE = 9 * 60 * 60
CSRF_COOKIE_SECURE = not DEBUG

# HTTPS (`manage.py check --deploy` is clean with DEBUG off; tests/config/test_deploy.py keeps it so).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload stays off: the browsers' preload list is a commitment that is slow to undo, for the domain's owner to
# make. Its check (security.W021) is therefore silenced deliberately.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health checks over plain HTTP: they answer without a redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthcheck"]
BEHIND_PROXY = env_flag("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    # Only behind a proxy that sets (and never passes through) X-Forwarded-Proto: clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.LeadProviderTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsLeadProvider"],
    "DEFAULT_RENDERER_CLASSES": ["api.jsonapi.renderers.JsonApiRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.jsonapi.parsers.JsonApiParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.jsonapi.renderers.FirstRendererNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["api.jsonapi.filters.JsonApiFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.jsonapi.pagination.JsonApiPagination",
    "EXCEPTION_HANDLER": "api.jsonapi.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v3"],
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lead provider API",
    "DESCRIPTION": "\n".join(
        [
            "API for lead providers of early career teacher training: sync participants, schools, delivery partners,",
            "partnerships, transfers and unfunded mentors; submit and void declarations; act on participants; read",
            "statements and what they pay.",
            "",
            "**Start with the [guidance for lead providers](/api/guidance/)**: how to connect, the API's IDs",
            "explained, states, schedules and milestone windows, declaration rules with example errors, statements",
            "and payment dates, and how to test in the sandbox. Its facts are generated from the code that enforces",
            "them. [Release notes](/api/guidance/release-notes) are also an",
            "[Atom feed](/api/guidance/release-notes.atom).",
            "",
            "- Authenticate with `Authorization: Bearer <token>`; rate limits are reported in `RateLimit-*` headers.",
            "- Follow `links.next` to sync a whole list exactly once; send `If-None-Match` to poll cheaply.",
            "- In the sandbox only, the `X-With-Server-Date` header makes a request act at another moment.",
        ]
    ),
    "VERSION": "3.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v3",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "SECURITY": [{"bearerAuth": []}],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "string"}}
    },
    "AUTHENTICATION_WHITELIST": [],
    "PREPROCESSING_HOOKS": ["api.v3.schema.exclude_alias_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.v3.schema.document_sandbox_clock",
    ],
    # Swagger UI and ReDoc are served from local assets: the machines have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# LOG_FORMAT=json: one JSON object per line (config/logging.py), for production log collectors; otherwise plain
# text. Either way every line carries the request id (config/request_id.py; "-" outside a request), and e-mail
# addresses and API tokens are redacted.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {
            "()": "config.logging.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        # runserver's request lines, as Django formats them.
        "django.server": {"()": "config.logging.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "django.server",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replace the handlers of Django's default configuration, which would print its records a second time
        # (with DEBUG on) unredacted: Django's records go to the root's handler like every other.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
