"""OpenID Connect login against a small fake provider served in-process (discovery, authorize, token with
PKCE, userinfo as a signed JWT like ProConnect's, JWKS; RS256 with a key generated for the test)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from copil.access.models import AuditEvent
from copil.access.oidc import settings_from_discovery

CLIENT_ID, CLIENT_SECRET = "copil-test", "secret-du-client"


class FakeProvider:
    """Just enough of an OpenID provider for the authorisation-code flow."""

    def __init__(self, email: str, audience: str = CLIENT_ID, issuer: str | None = None):
        self.email, self.audience, self.claimed_issuer = email, audience, issuer
        self.extra_claims: dict = {}
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key"
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sign(self, claims: dict) -> str:
        now = int(time.time())
        iss = self.claimed_issuer or self.issuer
        claims = {"iss": iss, "aud": self.audience, "iat": now, "exp": now + 300, **claims}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes = b"", content_type: str = "application/json", **headers):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    document = {
                        "issuer": provider.issuer,
                        "authorization_endpoint": f"{provider.issuer}/authorize",
                        "token_endpoint": f"{provider.issuer}/token",
                        "userinfo_endpoint": f"{provider.issuer}/userinfo",
                        "jwks_uri": f"{provider.issuer}/jwks",
                        "end_session_endpoint": f"{provider.issuer}/logout",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                    return self._send(200, json.dumps(document).encode())
                if url.path == "/authorize":
                    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    return self._send(302, Location=target)
                if url.path == "/jwks":
                    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    public.update(kid=provider.kid, use="sig", alg="RS256")
                    return self._send(200, json.dumps({"keys": [public]}).encode())
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._send(401)
                    claims = {"sub": "agent-42", "email": provider.email, "given_name": "Awa", "usual_name": "Diallo"}
                    return self._send(200, provider.sign(claims).encode(), content_type="application/jwt")
                return self._send(404)

            def do_POST(self):
                if urlparse(self.path).path != "/token":
                    return self._send(404)
                form = {
                    k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()
                }
                request = provider.codes.pop(form.get("code"), None)
                challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
                if (
                    request is None
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != request["redirect_uri"]
                    or challenge.rstrip(b"=").decode() != request.get("code_challenge")
                ):
                    return self._send(400, json.dumps({"error": "invalid_grant"}).encode())
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = request
                id_token = provider.sign({"sub": "agent-42", "nonce": request["nonce"], **provider.extra_claims})
                body = {"access_token": access, "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
                return self._send(200, json.dumps(body).encode())

        return Handler


@pytest.fixture
def oidc_settings(settings):
    def configure(provider: FakeProvider) -> None:
        discovery = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5).json()
        for name, value in settings_from_discovery(discovery).items():
            setattr(settings, name, value)
        settings.COPIL_OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
        settings.AUTHENTICATION_BACKENDS = [
            "copil.access.backends.ThrottledModelBackend",
            "copil.access.oidc.CopilOIDCBackend",
        ]

    return configure


def _run_flow(client: Client):
    start = client.get("/compte/oidc/authentification/")
    assert start.status_code == 302
    authorize = requests.get(start.url, allow_redirects=False, timeout=5)
    assert authorize.status_code == 302
    callback = urlparse(authorize.headers["Location"])
    assert callback.path == "/compte/oidc/retour/"
    return client.get(f"{callback.path}?{callback.query}")


def test_a_user_logs_in_through_the_provider_and_is_matched_by_email(world, oidc_settings):
    user = world.users["care"]  # care@example.fr
    with FakeProvider(email="CARE@example.fr") as provider:
        oidc_settings(provider)
        client = Client()
        response = _run_flow(client)
    assert response.status_code == 302 and response.url == "/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["_auth_user_backend"] == "copil.access.oidc.CopilOIDCBackend"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Awa", "Diallo")
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login.actor_id == user.pk and login.details["backend"].endswith("CopilOIDCBackend")
    assert client.get("/admin/records/carereferral/").status_code == 200, "the session works"


def test_nobody_gets_an_account_by_logging_in(world, oidc_settings):
    with FakeProvider(email="inconnu@example.fr") as provider:
        oidc_settings(provider)
        client = Client()
        response = _run_flow(client)
    assert response.status_code == 302 and "oidc=echec" in response.url
    assert "_auth_user_id" not in client.session
    assert not type(world.users["care"]).objects.filter(email="inconnu@example.fr").exists()


@pytest.mark.parametrize(
    "provider_options", [{"audience": "another-client"}, {"issuer": "https://impostor.example"}], ids=["aud", "iss"]
)
def test_tokens_for_another_client_or_from_another_issuer_are_refused(world, oidc_settings, provider_options):
    with FakeProvider(email=world.users["care"].email, **provider_options) as provider:
        oidc_settings(provider)
        client = Client()
        response = _run_flow(client)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 400  # SuspiciousOperation, as mozilla-django-oidc does for a bad nonce


def test_deactivated_users_cannot_log_in_through_the_provider(world, oidc_settings):
    user = world.users["care"]
    user.is_active = False
    user.save()
    with FakeProvider(email=user.email) as provider:
        oidc_settings(provider)
        client = Client()
        _run_flow(client)
    assert "_auth_user_id" not in client.session


def test_oidc_is_off_by_default(world, settings):
    assert settings.COPIL_OIDC_ENABLED is False
    assert "copil.access.oidc.CopilOIDCBackend" not in settings.AUTHENTICATION_BACKENDS
    assert Client().get("/compte/oidc/authentification/").status_code == 404
    assert "ProConnect" not in Client().get("/compte/connexion/").content.decode()


def test_logging_out_after_an_oidc_login_ends_the_providers_session_too(world, oidc_settings):
    with FakeProvider(email="care@example.fr") as provider:
        oidc_settings(provider)
        client = Client()
        _run_flow(client)
        id_token = client.session["oidc_id_token"]
        response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    target = urlparse(response.url)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/logout"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token] and query["post_logout_redirect_uri"] == ["http://testserver/"]
    assert query["state"][0]
    assert "_auth_user_id" not in client.session
    # A password login logs out at home, with no detour through the provider.
    password_client = Client()
    password_client.force_login(world.users["care"])
    assert "logout" not in password_client.post("/compte/deconnexion/").get("Location", "")
    assert "_auth_user_id" not in password_client.session


def test_a_proconnect_sign_in_is_not_asked_for_a_second_factor_and_its_acr_amr_are_recorded(world, oidc_settings):
    """The care role must pass a second factor after a password; the provider's strong authentication counts."""
    from copil.access import twofactor

    with FakeProvider(email="care@example.fr") as provider:
        provider.extra_claims = {"acr": "eidas2", "amr": ["pwd", "otp"]}
        oidc_settings(provider)
        client = Client()
        _run_flow(client)
    assert client.get("/enregistrements/care_referral/").status_code == 200
    assert client.session[twofactor.SESSION_KEY]["method"] == "proconnect"
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (login.details["acr"], login.details["amr"]) == ("eidas2", ["pwd", "otp"])
