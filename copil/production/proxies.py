"""Behind a reverse proxy: the client's address and scheme are taken from the proxy's headers only when the request
comes from a proxy listed in COPIL_TRUSTED_PROXIES, so nobody else can forge them."""

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Iterable[str]) -> list[Network]:
    """`127.0.0.1, 10.0.0.0/8` -> networks; a wrong entry raises ValueError naming it."""
    entries = value.split(",") if isinstance(value, str) else value
    networks = []
    for entry in (e.strip() for e in entries):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as error:
                raise ValueError(f"COPIL_TRUSTED_PROXIES: adresse ou réseau invalide « {entry} »") from error
    return networks


def is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: list[Network]) -> str:
    """The nearest address of the X-Forwarded-For chain that is not one of our proxies (what the last trusted
    proxy saw); addresses further left were written by the client and may be forged."""
    address = remote_addr
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not is_trusted(address, networks):
            break
        address = hop
    return address


class TrustedProxyMiddleware:
    """First middleware: rewrites REMOTE_ADDR from X-Forwarded-For for trusted proxies (the audit trail and the
    login throttle record it) and drops X-Forwarded-* headers that come from anyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.networks = parse_networks(settings.COPIL_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        remote = meta.get("REMOTE_ADDR", "")
        if not self.networks:  # no proxy declared (or only COPIL_BEHIND_PROXY): headers left as they are
            return self.get_response(request)
        if is_trusted(remote, self.networks):
            forwarded_for = meta.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded_for:
                meta["REMOTE_ADDR"] = client_address(remote, forwarded_for, self.networks)
        else:
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"):
                meta.pop(header, None)
        return self.get_response(request)
