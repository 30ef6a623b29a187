"""Who is asking: the client's address for login throttling, behind a proxy or not."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address.

    Behind a reverse proxy (DJANGO_BEHIND_PROXY) every request comes from the proxy, so the
    address the proxy appended last to X-Forwarded-For is the client's; earlier entries are
    whatever the client chose to send and are not trusted.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


USERNAME_MAX_LENGTH = 150


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username a log-in attempt names, as login throttling records it.

    Cut to the longest username there can be, and without NUL characters, so that a hostile
    value is still counted against a username rather than failing to be stored.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).replace("\x00", "")[:USERNAME_MAX_LENGTH]
