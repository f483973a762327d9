"""Behind the reverse proxy: the client's address and scheme come from the proxies of COPIL_TRUSTED_PROXIES only."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from copil.production.proxies import TrustedProxyMiddleware, client_address, parse_networks

NETWORKS = parse_networks("127.0.0.1, 10.0.0.0/8")


def test_the_nearest_untrusted_hop_is_the_client():
    assert client_address("127.0.0.1", "203.0.113.9", NETWORKS) == "203.0.113.9"
    # the client wrote "1.2.3.4" itself; our proxies saw 203.0.113.9
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.2.3", NETWORKS) == "203.0.113.9"
    assert client_address("198.51.100.7", "1.2.3.4", NETWORKS) == "198.51.100.7"


def test_a_wrong_entry_is_named():
    with pytest.raises(ValueError, match="« 10.0.0.300 »"):
        parse_networks("127.0.0.1, 10.0.0.300")


def _seen(remote: str, **headers: str) -> dict:
    seen = {}

    def view(request):
        seen.update(addr=request.META["REMOTE_ADDR"], secure=request.is_secure())
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    return seen


@override_settings(COPIL_TRUSTED_PROXIES="127.0.0.1", SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_headers_believed_from_the_proxy_only():
    headers = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "HTTP_X_FORWARDED_PROTO": "https"}
    assert _seen("127.0.0.1", **headers) == {"addr": "203.0.113.9", "secure": True}
    assert _seen("198.51.100.7", **headers) == {"addr": "198.51.100.7", "secure": False}


@override_settings(COPIL_TRUSTED_PROXIES="")
def test_without_declared_proxies_nothing_changes():
    assert _seen("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")["addr"] == "127.0.0.1"
