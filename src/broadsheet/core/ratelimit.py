"""Fixed-window counters in Django's cache: the one rate-limit primitive of the install.

Comments (per address, per post) and password reset (per address, per client) count here. The
counts live in the shared cache (Redis, or a table of the database without it), so they hold
across every app process.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def client_key(address: str) -> str:
    """IPv6 users get a whole /64 each, so one address is counted per /64, not per host."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def hit(key: str, limit: Limit, now: float) -> bool:
    """Count one event against `key` in the window of `limit` that `now` falls in; False once
    the window holds more than `limit.count`."""
    window = int(now // limit.seconds)
    name = f"{key}:{limit.seconds}:{window}"
    # add-then-incr is atomic on Redis and on the local-memory cache alike.
    cache.add(name, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the two calls
        cache.set(name, 1, timeout=limit.seconds + 5)
        count = 1
    return count <= limit.count
