"""orchestrator_web settings: every knob is an environment variable, parsed strictly.

The README lists each variable with its default. A malformed value stops start-up with a
message naming the variable (see orchestrator_web/env.py).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import django_stubs_ext
from django.utils.csp import CSP

from orchestrator_web import env
from orchestrator_web.pe.rbac import default_rbac_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Generic classes such as ModelAdmin[Job] at run time, as the type checker sees them.
django_stubs_ext.monkeypatch()

DEBUG = env.boolean("DEBUG", False)

SECRET_KEY = env.string("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise env.fail("SECRET_KEY", "required when DEBUG is off (a long random string)")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise env.fail("ALLOWED_HOSTS", "required when DEBUG is off (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env.csv("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "orchestrator_web",
    "orchestrator_web.rbac",
    "orchestrator_web.plans",
    "orchestrator_web.jobs",
    "orchestrator_web.audit",
    "orchestrator_web.accounts",
    "orchestrator_web.api",
    "orchestrator_web.worker",
    "orchestrator_web.approvals",
    "orchestrator_web.schedules",
    "orchestrator_web.notifications",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our own static files
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "orchestrator_web.middleware.HtmxLoginRedirect",
    "orchestrator_web.accounts.zones.TimeZoneMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Before any password is hashed: refuses an address with too many failed logins this minute
    # (LOGIN_ADDRESS_LIMIT), then an account locked from this address (django-axes).
    "orchestrator_web.accounts.protection.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Views that take a secret mark it (sensitive_post_parameters); this hides it on the DEBUG error page too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "orchestrator_web.debug.SecretsHiddenFilter"
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.integer("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
# An account is locked only from the address its failures came from: whoever hammers it from
# elsewhere does not lock its owner out, and one bad typist does not lock out an office's NAT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "orchestrator_web.audit.services.client_address"
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused uncounted: a lock ends LOGIN_LOCKOUT_MINUTES after it began,
# and a refused flood writes nothing.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "orchestrator_web.accounts.protection.refusal_response"
AXES_VERBOSE = False
# Failed logins from one client address (an IPv6 /64) per minute; more are refused with 429
# until the minute is over, without hashing the password. Counted in the cache (CACHE_URL).
LOGIN_ADDRESS_LIMIT = env.integer("LOGIN_ADDRESS_LIMIT", 20, minimum=1)
# Proxies (addresses or networks) whose X-Forwarded-For is believed; see audit.services.client_address.
TRUSTED_PROXIES = env.csv("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy)
    except ValueError:
        raise env.fail("TRUSTED_PROXIES", f"{_proxy!r} is not an IP address or network (like 10.0.0.0/24)") from None

ROOT_URLCONF = "orchestrator_web.urls"
WSGI_APPLICATION = "orchestrator_web.wsgi.application"

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
                "orchestrator_web.context_processors.nav",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A database that stops answering must not hold every request thread: connections give up after
# DATABASE_CONNECT_TIMEOUT seconds and statements after DATABASE_STATEMENT_TIMEOUT.
DATABASE_CONNECT_TIMEOUT = env.integer("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
DATABASE_STATEMENT_TIMEOUT = env.integer("DATABASE_STATEMENT_TIMEOUT", 30, minimum=1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a launch writes; IMMEDIATE takes the write lock up front, so
    # concurrent writers wait their turn (at most the statement timeout) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={DATABASE_STATEMENT_TIMEOUT * 1000};",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),  # type: ignore[dict-item]
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per process by default; CACHE_URL=redis://... shares the catalogue, the PE circuit breaker and
# the throttles between every process and host.
CACHES = {
    "default": env.cache("CACHE_URL"),
    # Rendered parts of the layout that never change in a process (templates/base.html).
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.string("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.string("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# -- security ---------------------------------------------------------------------------
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=true so Django trusts its
# X-Forwarded-Proto header.
if env.boolean("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", False)
# The preload list is for public domains; an internal console opts in with the variable above.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = env.boolean("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.boolean("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
X_FRAME_OPTIONS = "DENY"
# Only our own scripts, styles and images; no inline code (htmx is told not to inject its
# indicator styles, see base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO").upper()},
}

# -- Puppet Enterprise ------------------------------------------------------------------
ORCHESTRATOR_URL = env.service_url("ORCHESTRATOR_URL")
# The PE console, where a job page links to its plan job: by default the orchestrator's host on
# port 443, where PE serves it.
_console_host = urlsplit(ORCHESTRATOR_URL).hostname or ""
if ":" in _console_host:  # an IPv6 address
    _console_host = f"[{_console_host}]"
PE_CONSOLE_URL = env.service_url("PE_CONSOLE_URL", f"https://{_console_host}" if _console_host else "")
ORCHESTRATOR_TOKEN = env.string("ORCHESTRATOR_TOKEN")
ORCHESTRATOR_TOKEN_FILE = env.readable_file("ORCHESTRATOR_TOKEN_FILE")
if ORCHESTRATOR_TOKEN and ORCHESTRATOR_TOKEN_FILE:
    raise env.fail("ORCHESTRATOR_TOKEN_FILE", "set either ORCHESTRATOR_TOKEN or ORCHESTRATOR_TOKEN_FILE, not both")
ORCHESTRATOR_CA_CERT = env.readable_file("ORCHESTRATOR_CA_CERT")
# Launches and stops wait this long for PE's answer; pages that only read from PE wait
# ORCHESTRATOR_READ_TIMEOUT, so a slow PE cannot hold a page for long.
ORCHESTRATOR_TIMEOUT = env.positive_float("ORCHESTRATOR_TIMEOUT", 30.0)
ORCHESTRATOR_READ_TIMEOUT = env.positive_float("ORCHESTRATOR_READ_TIMEOUT", 5.0)
# At most this many requests of one process wait on PE at once (a bulkhead): the others are told
# at once that PE is busy, so pages that do not need PE keep their threads. Default: half the
# threads gunicorn gives each worker.
PE_MAX_CONCURRENT = env.integer("PE_MAX_CONCURRENT", max(1, env.integer("GUNICORN_THREADS", 4) // 2), minimum=1)
# After this many timeouts in a row, PE calls fail at once for PE_BREAKER_SECONDS (a circuit
# breaker, shared through the cache).
PE_BREAKER_FAILURES = env.integer("PE_BREAKER_FAILURES", 3, minimum=1)
PE_BREAKER_SECONDS = env.integer("PE_BREAKER_SECONDS", 15, minimum=1)
ORCHESTRATOR_CONNECT_TIMEOUT = env.positive_float("ORCHESTRATOR_CONNECT_TIMEOUT", 5.0)
ORCHESTRATOR_ENVIRONMENTS = env.environments("ORCHESTRATOR_ENVIRONMENTS", ["production"])
# The RBAC API; PE serves it on the console host, port 4433.
RBAC_URL = env.service_url("RBAC_URL", default_rbac_url(ORCHESTRATOR_URL))
# Keys that encrypt personal PE tokens at rest, newest first: tokens are encrypted with the first
# and read with any (rotate_token_key re-encrypts them with the first). Apart from SECRET_KEY, so
# that rotating one does not lose the other.
TOKEN_ENCRYPTION_KEYS = env.csv("TOKEN_ENCRYPTION_KEYS", [])
if env.string("TOKEN_ENCRYPTION_KEY"):
    if TOKEN_ENCRYPTION_KEYS:
        raise env.fail("TOKEN_ENCRYPTION_KEYS", "set either TOKEN_ENCRYPTION_KEY or TOKEN_ENCRYPTION_KEYS, not both")
    TOKEN_ENCRYPTION_KEYS = [env.string("TOKEN_ENCRYPTION_KEY")]
elif len(set(TOKEN_ENCRYPTION_KEYS)) != len(TOKEN_ENCRYPTION_KEYS):
    raise env.fail("TOKEN_ENCRYPTION_KEYS", "lists a key twice")
if not TOKEN_ENCRYPTION_KEYS:
    if not DEBUG:
        raise env.fail("TOKEN_ENCRYPTION_KEY", "required when DEBUG is off (a long random string, not SECRET_KEY)")
    TOKEN_ENCRYPTION_KEYS = [SECRET_KEY]  # development only
elif TOKEN_ENCRYPTION_KEYS[0] == SECRET_KEY and not DEBUG:
    # An older key may be SECRET_KEY: tokens stored before the key was set apart, until rotated.
    raise env.fail("TOKEN_ENCRYPTION_KEY", "must differ from SECRET_KEY (the newest key, when several are set)")
# Seconds the plan catalogue and plan metadata are cached; the catalogue's Refresh bypasses it.
PLAN_CACHE_SECONDS = env.integer("PLAN_CACHE_SECONDS", 60, minimum=0)
# Seconds a reviewed launch stays valid before "Run plan" asks for a new review.
REVIEW_MAX_AGE = env.integer("REVIEW_MAX_AGE", 3600, minimum=60)
# sync_jobs: an unknown job with no PE plan job after this many seconds did not start.
UNKNOWN_JOB_WINDOW = env.integer("UNKNOWN_JOB_WINDOW", 900, minimum=60)
# sync_jobs: at most this many pages of 100 plan jobs are read when reconciling.
SYNC_MAX_PAGES = env.integer("SYNC_MAX_PAGES", 20, minimum=1)
# Seconds between two refreshes of a running job's page.
JOB_POLL_SECONDS = env.integer("JOB_POLL_SECONDS", 3, minimum=1)
# However many people watch a job, each process asks PE about it at most this often.
JOB_REFRESH_SECONDS = env.integer("JOB_REFRESH_SECONDS", 2, minimum=0)
# Jobs per page in the history (and the API's default page): 25 fill a laptop's screen, and a
# page of them costs half what 50 do to query and draw (see the README's throughput figures).
JOBS_PER_PAGE = env.integer("JOBS_PER_PAGE", 25, minimum=5)

# -- the JSON API (/api/v1/) -------------------------------------------------------------
# Launches (POST /api/v1/jobs) per API token per minute (per person for a session).
API_RATE_LIMIT = env.integer("API_RATE_LIMIT", 60, minimum=1)
# Larger request bodies are refused with 413 before they are read.
API_MAX_BODY_BYTES = env.integer("API_MAX_BODY_BYTES", 512 * 1024, minimum=1024)
REST_FRAMEWORK = {
    # A token first; a browser session otherwise, which must then send its CSRF token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orchestrator_web.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["orchestrator_web.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "orchestrator_web.api.errors.handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "orchestrator_web API",
    "DESCRIPTION": (
        "Launch, watch and stop Puppet Enterprise plans as yourself, with the same permission checks, "
        "type checks, history and audit trail as the pages. Send a personal API token as "
        '`Authorization: Bearer <token>`. Every error is `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"JobState": "orchestrator_web.jobs.models.State"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "orchestrator_web.api.schema.close_request_bodies",
    ],
}

# -- the background worker, approvals and notifications -------------------------------------
# Django's tasks framework on a queue kept in the database (no broker): `python manage.py worker`
# runs the tasks (deliveries, approval expiry, sync_jobs); several workers may share PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often the worker runs sync_jobs (the command stays, for cron).
SYNC_JOBS_SECONDS = env.integer("SYNC_JOBS_SECONDS", 60, minimum=1)
# A launch waiting for approval expires after this many seconds (nothing is sent).
APPROVAL_MAX_AGE = env.integer("APPROVAL_MAX_AGE", 24 * 3600, minimum=60)
# Superusers' own launches skip approval rules (otherwise they follow them like everyone).
APPROVAL_SUPERUSER_BYPASS = env.boolean("APPROVAL_SUPERUSER_BYPASS", False)
# The address people reach the console at, for links in notifications (empty: paths only).
SITE_URL = env.string("SITE_URL").rstrip("/")
if SITE_URL and (urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).hostname):
    raise env.fail("SITE_URL", f"expected https://host[:port], got {SITE_URL!r}")
# Each delivery (an e-mail, a chat message) waits at most this long for its server, is tried
# NOTIFICATION_ATTEMPTS times in all, the first retry after NOTIFICATION_RETRY_SECONDS and each
# next one after twice as long, and then shown as failed in the admin's delivery log.
NOTIFICATION_TIMEOUT = env.positive_float("NOTIFICATION_TIMEOUT", 10.0)
NOTIFICATION_ATTEMPTS = env.integer("NOTIFICATION_ATTEMPTS", 5, minimum=1)
NOTIFICATION_RETRY_SECONDS = env.integer("NOTIFICATION_RETRY_SECONDS", 30, minimum=0)
# E-mail: SMTP unless EMAIL_BACKEND says console (prints messages: the demo) or names a backend.
_email_backend = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}.get(env.string("EMAIL_BACKEND", "smtp"), env.string("EMAIL_BACKEND"))
_email_options: dict[str, object] = {}
if _email_backend.endswith(".smtp.EmailBackend"):
    _email_options = {
        "host": env.string("EMAIL_HOST", "localhost"),
        "port": env.integer("EMAIL_PORT", 25, minimum=1),
        "username": env.string("EMAIL_HOST_USER"),
        "password": env.string("EMAIL_HOST_PASSWORD"),
        "use_tls": env.boolean("EMAIL_USE_TLS", False),
        "use_ssl": env.boolean("EMAIL_USE_SSL", False),
        "timeout": NOTIFICATION_TIMEOUT,
    }
    if _email_options["use_tls"] and _email_options["use_ssl"]:
        raise env.fail("EMAIL_USE_SSL", "set EMAIL_USE_TLS or EMAIL_USE_SSL, not both")
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "orchestrator_web@localhost")
