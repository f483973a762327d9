"""Request middlewares of the access app: the audit context of a request, and the Content-Security-Policy header."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import audit


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
        policy = getattr(settings, "COPIL_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
