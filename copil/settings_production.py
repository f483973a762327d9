"""Production settings: `DJANGO_SETTINGS_MODULE=copil.settings_production`.

Everything of `copil.settings`, plus what a deployment must have: no debug, secrets from the environment
(SECRET_KEY and COPIL_PSEUDONYM_KEY are required — no development key is generated), HTTPS only (redirect,
HSTS, secure cookies), no framing, a strict Content-Security-Policy and referrer policy.
`copil check --deploy --settings=copil.settings_production` passes with those variables set.

Behind a reverse proxy that terminates TLS, list its address in COPIL_TRUSTED_PROXIES: X-Forwarded-Proto and
X-Forwarded-For are then believed from it only (the audit trail and login throttling record the client's address).
COPIL_BEHIND_PROXY=1 (trusts X-Forwarded-Proto from anyone) remains for a server only the proxy can reach.
"""

import os

from django.core.exceptions import ImproperlyConfigured

for _name in ("SECRET_KEY", "COPIL_PSEUDONYM_KEY"):
    if not os.environ.get(_name, "").strip():
        raise ImproperlyConfigured(f"{_name} must be set in the environment in production")

from copil.settings import *  # noqa: E402, F403
from copil.settings import _env_flag  # noqa: E402

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
COPIL_PSEUDONYM_KEY = os.environ["COPIL_PSEUDONYM_KEY"]

SECURE_SSL_REDIRECT = _env_flag("COPIL_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("COPIL_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("COPIL_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = _env_flag("COPIL_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if _env_flag("COPIL_BEHIND_PROXY") or COPIL_TRUSTED_PROXIES:  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check answers on plain HTTP too: a monitor on the machine need not go through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]

# Static files served by the application server itself (WhiteNoise): hashed names, compressed, cached for a year.
# `copil collectstatic` writes them to STATIC_ROOT (`copil serve --production` runs it).
MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "copil.production.staticfiles.StaticFilesStorage"},
}

# Map tiles come from the configured tile server (https:); no inline script, no plugin, no framing.
COPIL_CSP = os.environ.get("COPIL_CSP") or (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
