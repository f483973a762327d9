"""Request middlewares of the access app: the audit context of a request, the Content-Security-Policy header, and
the confinement of a session that has not passed its second factor."""

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import audit, twofactor


class AuditContextMiddleware:
    """Tells `copil.access.audit` which channel (web, admin, api) and client address a request comes from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.request_context(request):
            return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sets `Content-Security-Policy` from the COPIL_CSP setting (Django 5.2 has no built-in CSP).

    A view that needs a different policy sets the header itself; it is then left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        csp = getattr(settings, "COPIL_CSP", "")
        if csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp
        return response


class SecondFactorMiddleware:
    """Confines a signed-in account that has not passed its second factor to the two-factor pages.

    An account that must sign in with two factors (`policy.second_factor_required`) or has enrolled one, and whose
    session holds no second factor (`twofactor.session_second_factor`), is sent to the code page if enrolled, to
    enrolment otherwise; it can only sign out meanwhile. Requests not tied to a session (the JSON API's bearer
    tokens) are not concerned.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._open(request.path_info):
            if twofactor.session_second_factor(request) is None:
                enrolled, required = twofactor.sign_in_status(user)
                if enrolled or required:
                    target = "access:second_factor" if enrolled else "access:second_factor_enrol"
                    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                    return HttpResponseRedirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path.startswith(_open_prefixes())


@functools.cache
def _open_prefixes() -> tuple[str, ...]:
    """Pages an account may reach before its second factor: the sign-in and two-factor pages, static files."""
    names = ("access:login", "access:logout", "access:second_factor", "access:second_factor_enrol")
    return ("/" + settings.STATIC_URL.lstrip("/"), *(reverse(name) for name in names))
