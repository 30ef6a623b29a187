"""Limits on requests that cost someone something: new accounts, e-mails sent, answers stored
for visitors without an account.

Each limit counts attempts per client address and per e-mail address in fixed windows of an
hour, from the first attempt. The counts live in Django's cache: with REDIS_URL every app
server shares them; without it, each process counts on its own (one machine, few workers).
"""

import hashlib
import ipaddress
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


@dataclass(frozen=True)
class Limit:
    action: str
    per_ip: int
    per_email: int | None = None  # None: counted per address only


# Every sign-up with a well-formed e-mail counts, accepted or not, since its answer says whether
# an address has an account. Ten an hour from one address let a household or an office behind
# one router sign up, typos and all, and stop a script at ten accounts; five for one e-mail
# cover one person's retries (the address can be taken only once).
SIGNUP = Limit("signup", per_ip=10, per_email=5)
# A request for an address with an account sends it an e-mail. Three an hour cover "it did not
# arrive" twice without flooding anyone's mailbox; ten from one address let several people
# behind one router reset theirs while capping how many mailboxes one client can reach.
PASSWORD_RESET = Limit("password-reset", per_ip=10, per_email=3)
# A visitor's answer on the landing page runs the matcher and is stored for a day, with no
# account to count it against. Twenty an hour from one address let several people behind one
# router try a few questions each, and stop a script from filling the table.
TRIAL_ANSWER = Limit("trial-answer", per_ip=20)


def limit_hit(limit: Limit, *, ip: str, email: str) -> str | None:
    """Count one attempt from `ip` for `email`; say which is over the limit, "ip" or "email",
    or None when the attempt may go ahead. The e-mail is compared without case or spaces."""
    over_ip = _window_count(limit.action, "ip", client_network(ip)) > limit.per_ip
    over_email = (
        limit.per_email is not None
        and _window_count(limit.action, "email", email.strip().lower()) > limit.per_email
    )
    if over_ip:
        return "ip"
    if over_email:
        return "email"
    return None


def ip_limit_hit(limit: Limit, *, ip: str) -> bool:
    """Count one attempt from `ip`; whether it is over the limit, for limits on addresses
    alone (no e-mail is involved)."""
    return _window_count(limit.action, "ip", client_network(ip)) > limit.per_ip


def client_network(ip: str) -> str:
    """What counts as one client: an IPv4 address, or the /64 network of an IPv6 address (the
    block one customer is given, whose addresses they can change at will)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _window_count(action: str, kind: str, value: str) -> int:
    """The attempts counted in the current window, this one included."""
    # Hashed: the cache (Redis) keeps no e-mail address, and keys stay short and plain.
    key = f"ratelimit:{action}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    # `add` starts a window only where none runs; `incr` is atomic on Redis and in the
    # per-process cache, so concurrent attempts each get their own count.
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between the two calls: this attempt opens the next one.
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return 1
