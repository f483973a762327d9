"""Logins, logouts and failed logins go to the audit trail (the password is never recorded); a sign-in resets the
session's second factor (copil.access.twofactor)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.backends.signals import connection_created
from django.http import HttpRequest

from copil.access.actors import Actor

from . import audit, dbguard, throttling, twofactor
from .models import AuditEvent


def _logged_in(sender: Any, request: HttpRequest | None, user: Actor, **kwargs: Any) -> None:
    """A sign-in starts without a second factor, unless the OpenID Connect provider vouched for both (its `acr` and
    `amr` claims are recorded)."""
    details: dict[str, Any] = {"backend": getattr(user, "backend", "")}
    claims = getattr(request, "copil_oidc_claims", None)
    if claims is not None:
        details.update(claims)
    audit.record_event(user, AuditEvent.Action.LOGIN, details=details, ip=audit.client_ip(request))
    if request is not None and hasattr(request, "session"):
        twofactor.forget_verification(request)
        if claims is not None:
            twofactor.mark_verified(request, twofactor.PROCONNECT, **claims)


def _logged_out(sender: Any, request: HttpRequest | None, user: Actor, **kwargs: Any) -> None:
    if user is not None:
        audit.record_event(user, AuditEvent.Action.LOGOUT, ip=audit.client_ip(request))


def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Only the username tried is kept: Django masks the password, and nothing else is copied."""
    username = throttling.normalize_username(credentials.get("username") or credentials.get("email") or "")
    audit.record_event(
        None,
        AuditEvent.Action.LOGIN_FAILED,
        actor_label=username,
        details={"source": sender if isinstance(sender, str) else getattr(sender, "__name__", "")},
        ip=audit.client_ip(request),
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="copil_access_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="copil_access_logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="copil_access_login_failed")
    connection_created.connect(dbguard.on_connection_created, dispatch_uid="copil_access_sqlite_guard")
