"""OpenID Connect login (ProConnect or any OIDC provider), off unless COPIL_OIDC_ENABLED=1.

mozilla-django-oidc runs the authorisation-code flow (with PKCE and nonce); this module only decides who the
person is: the active user whose e-mail address the provider vouches for. Nobody gets an account by logging
in — a coordinator invites them first (`copil.access.accounts.invite_member`).

Configuration (environment): COPIL_OIDC_ENABLED, COPIL_OIDC_ISSUER, COPIL_OIDC_CLIENT_ID, COPIL_OIDC_CLIENT_SECRET,
COPIL_OIDC_AUTHORIZATION_ENDPOINT, COPIL_OIDC_TOKEN_ENDPOINT, COPIL_OIDC_USERINFO_ENDPOINT,
COPIL_OIDC_JWKS_ENDPOINT, COPIL_OIDC_SIGN_ALGO (RS256), COPIL_OIDC_SCOPES, COPIL_OIDC_ACR_VALUES.
`settings_from_discovery` turns a provider's `/.well-known/openid-configuration` into those endpoints. With
COPIL_OIDC_LOGOUT_ENDPOINT (the provider's `end_session_endpoint`), logging out of Copil after an OIDC login
also ends the session at the provider (`provider_logout_url`), as ProConnect requires.
"""

import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from copil.access.actors import Actor


class CopilOIDCBackend(OIDCAuthenticationBackend):
    """Maps the provider's identity to an existing, active user by e-mail address (case-insensitive).

    Also checks what mozilla-django-oidc leaves out: a token must be meant for this client (`aud`, required in
    the ID token) and come from the configured issuer (`iss`, when COPIL_OIDC_ISSUER is set).
    """

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if (audiences or "nonce" in kwargs) and self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("OIDC token audience is not this client")
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("OIDC token issuer mismatch")
        if "nonce" in kwargs and getattr(self, "request", None) is not None:  # the ID token
            # The provider's strong authentication stands for Copil's second factor; its claims go to the trail.
            self.request.copil_oidc_claims = {"acr": payload.get("acr", ""), "amr": payload.get("amr", [])}
        return payload

    def filter_users_by_claims(self, claims: dict[str, Any]):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool((claims.get("email") or "").strip())

    def create_user(self, claims: dict[str, Any]) -> None:
        return None  # accounts are created by invitation only

    def update_user(self, user: Actor, claims: dict[str, Any]) -> Any:
        """Fill in the names the provider knows (ProConnect: given_name, usual_name) when still empty."""
        changed = []
        given = (claims.get("given_name") or "").strip()
        family = (claims.get("usual_name") or claims.get("family_name") or "").strip()
        if given and not user.first_name:
            user.first_name, changed = given[:150], [*changed, "first_name"]
        if family and not user.last_name:
            user.last_name, changed = family[:150], [*changed, "last_name"]
        if changed:
            user.save(update_fields=changed)
        return user


def _enabled() -> None:
    if not getattr(settings, "COPIL_OIDC_ENABLED", False):
        raise Http404("OpenID Connect is not enabled")


def authenticate_view(request: HttpRequest) -> HttpResponse:
    """Redirects to the provider (404 while OIDC is off)."""
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


def callback_view(request: HttpRequest) -> HttpResponse:
    """The provider redirects back here with the authorisation code (404 while OIDC is off)."""
    _enabled()
    return OIDCAuthenticationCallbackView.as_view()(request)


def settings_from_discovery(document: dict[str, Any]) -> dict[str, str]:
    """The endpoint settings read from a provider's discovery document."""
    return {
        "OIDC_OP_ISSUER": document["issuer"],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": document["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": document["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": document["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": document["jwks_uri"],
        "OIDC_OP_LOGOUT_ENDPOINT": document.get("end_session_endpoint", ""),
    }


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send a user logging out so the provider ends its session too (RP-initiated logout, OpenID
    Connect RP-Initiated Logout 1.0 §2): only after an OIDC login, and when the provider has a logout endpoint.
    Read it before the Django session is flushed: it holds the ID token."""
    endpoint = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    id_token = request.session.get("oidc_id_token")
    if not (getattr(settings, "COPIL_OIDC_ENABLED", False) and endpoint and id_token):
        return None
    query = {
        "id_token_hint": id_token,
        "state": secrets.token_urlsafe(16),
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
