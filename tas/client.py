"""What a request says about its client, cleaned before anything stores it (issue 11, 6).

Headers are the client's to write: a User-Agent may carry a NUL byte (which PostgreSQL refuses
to store: a 500 before this) or control characters (which forge log lines); an address taken
from X-Forwarded-For by ProxyFix may be any text at all. Pure functions, and one WSGI
middleware that cleans the client address once for the whole application.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from typing import Any

# C0 controls, DEL and C1 controls; also lone surrogates and non-characters, which some
# databases and drivers refuse.
UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
UNKNOWN_ADDRESS = "unknown"
MAX_ADDRESS_LENGTH = 45  # the longest IPv6 text form


def clean_text(value: str | None, limit: int) -> str | None:
    """A header value fit to store: control characters taken out, spaces trimmed, cut to the
    column's length; None when nothing is left."""
    if value is None:
        return None
    cleaned = UNSTORABLE.sub("", value).strip()[:limit].strip()
    return cleaned or None


WITH_PORT = re.compile(r"^\[(?P<v6>[^\]]+)\](?::\d+)?$|^(?P<v4>[\d.]+):\d+$")
# A client with IPv6 usually holds a whole /64: the throttles count it as one address.
IPV6_NETWORK_BITS = 64


def _ip(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address in a header value: bare, or with a port as some proxies add one
    ("203.0.113.5:51234", "[2001:db8::1]:443"); an IPv4 address mapped into IPv6 as itself."""
    text = (value or "").strip()
    found = WITH_PORT.match(text)
    if found:
        text = found.group("v6") or found.group("v4")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def clean_address(value: str | None) -> str:
    """The client's IP address in its usual text form, or "unknown" for anything that is not
    one (so garbage in X-Forwarded-For neither reaches the database nor dodges a per-address
    limit by changing each time)."""
    address = _ip(value)
    text = str(address) if address is not None else UNKNOWN_ADDRESS
    return text if len(text) <= MAX_ADDRESS_LENGTH else UNKNOWN_ADDRESS


def throttle_key(value: str | None) -> str:
    """Whom a per-address limit counts: an IPv4 address, or the /64 network of an IPv6 one (so
    an attacker cannot get a fresh limit from each address of their network)."""
    address = _ip(value)
    if address is None:
        return UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/{IPV6_NETWORK_BITS}", strict=False))
    return str(address)


class CleanClientAddress:
    """WSGI middleware: REMOTE_ADDR becomes a clean IP address (or "unknown") before the
    application sees it. Installed inside ProxyFix, so it cleans the forwarded address too."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ["REMOTE_ADDR"] = clean_address(environ.get("REMOTE_ADDR"))
        return self.app(environ, start_response)
