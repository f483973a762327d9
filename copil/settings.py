"""Django settings, configured from the environment (12-factor).

DATABASE_URL selects the database (SQLite in `var/` by default); SECRET_KEY and COPIL_* variables
configure the deployment.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("COPIL_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key() -> str:
    """A per-checkout key kept in var/, so development sessions survive restarts without a key in git."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _env_flag("COPIL_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("COPIL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "copil.plans",
    "copil.records",
    "copil.indicators",
    "copil.imports",
    "copil.reports",
    "copil.web",
    "copil.alerts",
    "copil.notifications",
    "copil.official_statistics",
    "copil.signalements",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "copil.access",
    "copil.api",
    "copil.privacy",
    "ninja",  # serves the API documentation's scripts itself (no CDN, fits the Content-Security-Policy)
    "copil.production",  # before django_tasks_db: its `db_worker` (with a heartbeat) replaces the library's
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "copil.production.proxies.TrustedProxyMiddleware",
    "copil.production.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "copil.access.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "copil.access.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "copil.access.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "copil.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "copil.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "copil.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'copil.sqlite3'}",
        conn_max_age=int(os.environ.get("COPIL_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `copil serve` and its `copil db_worker` share the file: pages read on while an import writes (WAL), and a
    # write waits for the one in progress (begun IMMEDIATE, so waiting is possible) instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# --- Web pages (copil.web) --------------------------------------------------------------------------------------
# Map tiles: any XYZ tile server ({s}, {z}, {x}, {y}); the map's layers and its table still show without tiles.
COPIL_TILE_URL = os.environ.get("COPIL_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
COPIL_TILE_ATTRIBUTION = os.environ.get(
    "COPIL_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)
# Dashboards and bilans are cached per plan, period, visibility and data version (copil.web.caching); the default
# is the process memory, COPIL_CACHE_DIR shares a file cache between server processes.
# A plan's dashboard and bilan use about 150 entries (per-kind figures, series, charts): Django's default cap of 300
# would evict a second plan's figures on every view.
_CACHE_OPTIONS = {"MAX_ENTRIES": int(os.environ.get("COPIL_CACHE_MAX_ENTRIES", "5000"))}
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["COPIL_CACHE_DIR"],
            "OPTIONS": _CACHE_OPTIONS,
        }
        if os.environ.get("COPIL_CACHE_DIR")
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "copil",
            "OPTIONS": _CACHE_OPTIONS,
        }
    )
}
COPIL_PAGE_CACHE_SECONDS = int(os.environ.get("COPIL_PAGE_CACHE_SECONDS", "600"))

# Where `copil bilan` and `copil demo` write the generated bilans.
COPIL_BILAN_DIR = Path(os.environ.get("COPIL_BILAN_DIR", VAR_DIR / "bilans"))
# Root of the demo data (the seed plans in import format).
COPIL_DEMO_DIR = Path(os.environ.get("COPIL_DEMO_DIR", BASE_DIR.parent / "demo"))
# The Dask scheduler ("tcp://host:8786") the daily early-warning task sends every plan's scan to; empty: local threads.
COPIL_DASK_SCHEDULER = os.environ.get("COPIL_DASK_SCHEDULER", "")

# --- Access, accounts and audit (copil.access) ------------------------------------------------------------------
# Login: username + password, throttled per username and IP (copil.access.throttling); OpenID Connect below.
AUTHENTICATION_BACKENDS = ["copil.access.backends.ThrottledModelBackend"]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
COPIL_LOGIN_MAX_FAILURES = int(os.environ.get("COPIL_LOGIN_MAX_FAILURES", "5"))
COPIL_LOGIN_FAILURE_WINDOW = int(os.environ.get("COPIL_LOGIN_FAILURE_WINDOW", "900"))  # seconds
COPIL_LOGIN_LOCK_SECONDS = int(os.environ.get("COPIL_LOGIN_LOCK_SECONDS", "900"))
# Sessions: 8 hours by default, ended when the browser closes unless COPIL_SESSION_EXPIRE_AT_BROWSER_CLOSE=0.
SESSION_COOKIE_AGE = int(os.environ.get("COPIL_SESSION_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = _env_flag("COPIL_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
# Invitations: the set-password link of an invited member is valid this long (Django's reset tokens).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("COPIL_INVITATION_VALIDITY", str(7 * 24 * 3600)))
EMAIL_BACKEND = os.environ.get("COPIL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("COPIL_FROM_EMAIL", "copil@localhost")
# The site's address, for the links in notification e-mails (e.g. https://copil.orne.gouv.fr).
COPIL_SITE_URL = os.environ.get("COPIL_SITE_URL", "")
if os.environ.get("COPIL_EMAIL_HOST"):
    EMAIL_HOST = os.environ["COPIL_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("COPIL_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("COPIL_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("COPIL_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_flag("COPIL_EMAIL_USE_TLS", default=True)


def _development_pseudonym_key() -> str:
    """Like the development SECRET_KEY: kept in var/, never in git; production requires COPIL_PSEUDONYM_KEY."""
    path = VAR_DIR / "pseudonym_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# The secret pseudonyms of persons (referrals, convictions) are keyed with; changing it changes every pseudonym.
COPIL_PSEUDONYM_KEY = os.environ.get("COPIL_PSEUDONYM_KEY") or _development_pseudonym_key()
# Two-factor sign-in (copil.access.twofactor): TOTP devices of django-otp. Its own per-device back-off is off:
# failed codes count toward the login throttling above, one rule for passwords and codes.
OTP_TOTP_ISSUER = os.environ.get("COPIL_OTP_ISSUER", "Copil")
OTP_TOTP_THROTTLE_FACTOR = 0
# Creating an API token requires a second factor verified within this many seconds.
COPIL_SECOND_FACTOR_RECENT_SECONDS = int(os.environ.get("COPIL_SECOND_FACTOR_RECENT_SECONDS", "900"))
# Content-Security-Policy header value; empty: no header (copil.settings_production sets a strict default).
COPIL_CSP = os.environ.get("COPIL_CSP", "")

# OpenID Connect (ProConnect), off unless COPIL_OIDC_ENABLED=1; users are matched on their e-mail address and
# must have been invited first (no account is created at login).
COPIL_OIDC_ENABLED = _env_flag("COPIL_OIDC_ENABLED")
OIDC_OP_ISSUER = os.environ.get("COPIL_OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("COPIL_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("COPIL_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("COPIL_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("COPIL_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("COPIL_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("COPIL_OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("COPIL_OIDC_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("COPIL_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("COPIL_OIDC_SCOPES", "openid email given_name usual_name")
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the ID token is the hint of the logout at the provider (copil.access.oidc)
OIDC_TIMEOUT = 10
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": os.environ.get("COPIL_OIDC_ACR_VALUES", "eidas1")}
LOGIN_REDIRECT_URL_FAILURE = "/compte/connexion/?oidc=echec"
OIDC_AUTHENTICATION_CALLBACK_URL = "access:oidc_callback"
if COPIL_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("copil.access.oidc.CopilOIDCBackend")

# django-auditlog: ORM and admin saves of the registered models are captured and copied into the append-only
# trail (copil.access.audit); the user's password hash and last login are never logged.
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Background tasks (django-tasks backport, database backend: no server beyond the database). `copil db_worker`
# runs them; large imports (copil.imports.tasks) go through it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("COPIL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Uploaded files waiting for their import (web upload -> preview -> confirm).
COPIL_UPLOAD_DIR = Path(os.environ.get("COPIL_UPLOAD_DIR", VAR_DIR / "uploads"))
# Signalement photos: files outside the database and outside any publicly served directory, read only through
# the photo view that checks the policy (copil.signalements.photo_views).
COPIL_PRIVATE_MEDIA_ROOT = Path(os.environ.get("COPIL_PRIVATE_MEDIA_ROOT", VAR_DIR / "private-media"))
# Imports at least this large (rows, or bytes) run as background tasks.
COPIL_IMPORT_BACKGROUND_ROWS = int(os.environ.get("COPIL_IMPORT_BACKGROUND_ROWS", "20000"))
COPIL_IMPORT_BACKGROUND_BYTES = int(os.environ.get("COPIL_IMPORT_BACKGROUND_BYTES", str(2 * 1024 * 1024)))
# The process working on an import touches its heartbeat this often; a running import silent for longer than
# the lease lost its worker and is shown as failed (copil.imports.jobs).
COPIL_IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("COPIL_IMPORT_HEARTBEAT_SECONDS", "5"))
COPIL_IMPORT_LEASE_SECONDS = float(os.environ.get("COPIL_IMPORT_LEASE_SECONDS", "60"))

# Data protection (copil.privacy): accounts nobody logged into for this many days are deactivated, after a
# warning e-mail sent this many days before; how the storage is encrypted at rest, as the processing register
# states it (e.g. "LUKS volume"; empty: not declared).
COPIL_ACCOUNT_INACTIVE_DAYS = int(os.environ.get("COPIL_ACCOUNT_INACTIVE_DAYS", "180"))
COPIL_ACCOUNT_WARNING_DAYS = int(os.environ.get("COPIL_ACCOUNT_WARNING_DAYS", "14"))
COPIL_ENCRYPTION_AT_REST = os.environ.get("COPIL_ENCRYPTION_AT_REST", "")

# --- Running in production (copil.production) -------------------------------------------------------------------
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For / X-Forwarded-Proto are believed;
# the same headers from anyone else are dropped.
COPIL_TRUSTED_PROXIES = os.environ.get("COPIL_TRUSTED_PROXIES", "")
# Each `copil db_worker` records a heartbeat this often; `/sante/` answers 503 when the last one is older
# than the limit.
COPIL_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("COPIL_WORKER_HEARTBEAT_SECONDS", "15"))
COPIL_WORKER_HEARTBEAT_LIMIT = float(os.environ.get("COPIL_WORKER_HEARTBEAT_LIMIT", "120"))
# One line per request and per background task on standard error: `text` (default) or `json`.
COPIL_LOG_FORMAT = os.environ.get("COPIL_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"()": "copil.production.logs.TextFormatter"},
        "json": {"()": "copil.production.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if COPIL_LOG_FORMAT == "json" else "text",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("COPIL_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own errors (with their stack) reach the root handler; its console copy would double them.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"level": "WARNING"},  # runserver's access lines: copil.requests already logs each request
        "django_tasks": {"level": "WARNING"},  # copil.tasks logs one line per task
    },
}
# Errors to Sentry too, only when SENTRY_DSN is set (needs the `sentry` extra: pip install "copil[sentry]").
if os.environ.get("SENTRY_DSN"):
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as error:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            'SENTRY_DSN is set but sentry-sdk is missing: pip install "copil[sentry]"'
        ) from error
    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        integrations=[DjangoIntegration()],
        environment=os.environ.get("COPIL_SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,  # no user name, address or cookie leaves the server
        traces_sample_rate=0,
    )
