"""Who is asking: the client's address for login throttling and rate limits."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, in its canonical spelling.

    Behind reverse proxies (DJANGO_BEHIND_PROXY) every request comes from the nearest proxy,
    and each of the DJANGO_TRUSTED_PROXIES proxies appends the address it was reached from to
    X-Forwarded-For; so the client is that many entries from the right. Entries further left
    are whatever the client chose to send. A header too short for the configured proxies, or
    an entry that is not an IP address, means a proxy did not do its part: the peer's address
    is used rather than a value the client may have written.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY or settings.TRUSTED_PROXIES == 0:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < settings.TRUSTED_PROXIES:
        return peer
    return _canonical_ip(hops[-settings.TRUSTED_PROXIES]) or peer


def _canonical_ip(value: str) -> str | None:
    """The address written the one way Python writes it, or None if it is not an address."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") names an interface of the proxy, never a remote client, and the
    # database's address columns refuse it.
    if getattr(address, "scope_id", None):
        return None
    return str(address)


USERNAME_MAX_LENGTH = 150


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username a log-in attempt names, as login throttling records it.

    Cut to the longest username there can be, and without NUL characters, so that a hostile
    value is still counted against a username rather than failing to be stored.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).replace("\x00", "")[:USERNAME_MAX_LENGTH]
