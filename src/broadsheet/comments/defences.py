"""Spam defences that need no outside service: the form token (with the minimum time to fill),
rate limits per address and per post, and the limits on what one comment may hold.

Rate limits and used tokens live in Django's cache, so with Redis configured they hold across
every app process; with the default in-process cache they hold per process (docs/comments.md).
"""

from __future__ import annotations

import enum
import ipaddress
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

TOKEN_SALT = "broadsheet.comments.form-token"  # noqa: S105 - a salt, not a secret
# A person needs a few seconds to write even "Thanks!"; a script posting at once does not.
MIN_SECONDS_TO_FILL = 3
# A form left open longer than this gets a fresh token on the confirm page, nothing is lost.
TOKEN_MAX_AGE = 12 * 60 * 60

MAX_BODY = 4096  # Blogger's limit on a comment's length, in characters
MAX_LINKS = 3


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


ADDRESS_LIMITS = (Limit(5, 60), Limit(30, 60 * 60))
POST_LIMITS = (Limit(20, 60), Limit(200, 60 * 60))


class TokenVerdict(enum.Enum):
    OK = "ok"
    MISSING = "missing"  # no script ran: the confirm page hands out a token
    INVALID = "invalid"
    TOO_FAST = "too-fast"
    EXPIRED = "expired"
    USED = "used"


def issue_token(post_id: int, now: float | None = None) -> str:
    """A signed token naming the post and its issue time, with a nonce that makes it single-use."""
    issued = int(now if now is not None else time.time())
    payload = {"p": post_id, "t": issued, "n": secrets.token_urlsafe(9)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def check_token(token: str, post_id: int, now: float | None = None) -> TokenVerdict:
    """Whether the token is ours, for this post, old enough and fresh enough (not spent)."""
    if not token:
        return TokenVerdict.MISSING
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return TokenVerdict.INVALID
    if not isinstance(payload, dict) or payload.get("p") != post_id:
        return TokenVerdict.INVALID
    age = (now if now is not None else time.time()) - int(payload.get("t", 0))
    if age < MIN_SECONDS_TO_FILL:
        return TokenVerdict.TOO_FAST
    if age > TOKEN_MAX_AGE:
        return TokenVerdict.EXPIRED
    return TokenVerdict.OK


def spend_token(token: str) -> bool:
    """Mark the token used; False if it already was (a replayed form)."""
    nonce = signing.loads(token, salt=TOKEN_SALT)["n"]
    return bool(cache.add(f"comments:token:{nonce}", 1, timeout=TOKEN_MAX_AGE + 60))


def rate_limits_on() -> bool:
    """Off only where a deployment's own settings module says so (the load test's does)."""
    return bool(getattr(settings, "COMMENT_RATE_LIMITS", True))


def address_key(address: str) -> str:
    """IPv6 users get a whole /64 each, so one address is counted per /64, not per host."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def within_limits(address: str, post_id: int, now: float | None = None) -> bool:
    """Count one comment against its address and its post; False once either is over."""
    if not rate_limits_on():
        return True
    moment = now if now is not None else time.time()
    checks = [(f"a:{address_key(address)}", limit) for limit in ADDRESS_LIMITS]
    checks += [(f"p:{post_id}", limit) for limit in POST_LIMITS]
    return all([_hit(key, limit, moment) for key, limit in checks])


def within(key: str, limits: tuple[Limit, ...], now: float | None = None) -> bool:
    """Count one request against `key` under each limit; False once any is over. The same
    counters as the comment limits, for other parts of the site (the studio's preview and
    autosave): Redis when configured, else the database cache every process shares."""
    moment = now if now is not None else time.time()
    return all([_hit(key, limit, moment) for limit in limits])


def _hit(key: str, limit: Limit, now: float) -> bool:
    window = int(now // limit.seconds)
    name = f"comments:rate:{key}:{limit.seconds}:{window}"
    # add-then-incr is atomic on Redis and on the local-memory cache alike.
    cache.add(name, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the two calls
        cache.set(name, 1, timeout=limit.seconds + 5)
        count = 1
    return count <= limit.count
