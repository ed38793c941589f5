"""Fixed-window counters in Django's cache: the one rate-limit primitive of the install.

Comments (per address, per post), password reset (per address, per client) and the studio's
hourly quotas (per member) count here.
The cache is Redis where REDIS_URL is set and a table of the database otherwise
(`settings.CACHES`), so a count holds across every app process either way. A window is aligned
to the clock (an hour limit resets on the hour), so a burst at a window's edge may reach twice
the count; that is the price of one counter per window instead of a log of every hit.
"""

from __future__ import annotations

import contextlib
import ipaddress
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


PREFIX = "ratelimit:"


def client_key(address: str) -> str:
    """IPv6 users get a whole /64 each, so one address is counted per /64, not per host.

    An IPv4 client of a server listening on both families (`::`) arrives IPv4-mapped
    (`::ffff:203.0.113.5`): that is one IPv4 host, counted as its IPv4 address. Read as IPv6,
    every IPv4 client on the internet would share the /64 `::/64`, and one of them could spend
    everyone's reset, sign-up and app-password allowance."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def mailbox_key(address: str) -> str:
    """The inbox an address reaches, for counting the mail sent to it: NFKC-normalised,
    case-folded, and without a `+tag` after the user's name, which most providers deliver
    to the user (`Mary+1@…`, `mary+2@…` and a full-width spelling are one inbox). Counted
    per address as written, such spellings let anyone mail one person again and again."""
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    user, at, domain = folded.rpartition("@")
    return f"{user.split('+', 1)[0]}@{domain}" if at else folded


def hit(key: str, limit: Limit, now: float, amount: int = 1) -> bool:
    """Count `amount` against `key`'s current window; False once the window is over its count."""
    return _add(_name(key, limit, now), limit, amount) <= limit.count


def take(key: str, limit: Limit, now: float, amount: int = 1) -> bool:
    """Like `hit`, but a refused amount is given back: a refused request costs nothing, so a
    writer who is told to wait is not kept waiting longer by trying again."""
    if amount <= 0:
        return True
    name = _name(key, limit, now)
    if _add(name, limit, amount) <= limit.count:
        return True
    give_back(key, limit, now, amount)
    return False


def give_back(key: str, limit: Limit, now: float, amount: int) -> None:
    """Undo a `take` whose request was refused for another reason."""
    # ValueError: the window ended meanwhile, and there is nothing left to give back.
    with contextlib.suppress(ValueError):
        cache.decr(_name(key, limit, now), amount)


def spent(key: str, limit: Limit, now: float) -> int:
    """What `key` has counted in the current window, without counting anything: for limits
    on failures, which must refuse before the attempt is judged."""
    found = cache.get(_name(key, limit, now), 0)
    return int(found) if isinstance(found, int) else 0


def retry_after(limit: Limit, now: float) -> int:
    """Seconds until the current window ends."""
    return int(limit.seconds - now % limit.seconds) or 1


def _name(key: str, limit: Limit, now: float) -> str:
    # Every counter under one prefix, so it is known for what it is: a count, not content.
    return f"{PREFIX}{key}:{limit.seconds}:{int(now // limit.seconds)}"


def _add(name: str, limit: Limit, amount: int) -> int:
    # add-then-incr is atomic on Redis; on the database cache two requests at the same moment
    # may both read the old count, so a race can let one more through.
    cache.add(name, 0, timeout=limit.seconds + 5)
    try:
        return cache.incr(name, amount)
    except ValueError:  # expired between the two calls
        cache.set(name, amount, timeout=limit.seconds + 5)
        return amount
