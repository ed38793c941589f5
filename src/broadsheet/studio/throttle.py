"""Per-user limits on the editor's background requests: the live preview and autosave.

Rendering a hostile document is linear now (issue 12), but it is still the heaviest thing a
signed-in writer can ask for, and the editor's script asks on its own. These limits, on the
requests and on the bytes they carry, sit well above what the script sends for the fastest
typist, so only a runaway script or someone replaying the request meets them. They count per
user, across every blog, in the rate-limit counters every limit of the install uses
(`core.ratelimit`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from broadsheet.core.ratelimit import Limit, give_back, hit, take

# The preview runs 600 ms after the last keystroke, so even someone typing one character
# every 0.7 s sends under 90 a minute; a fast typist sends far fewer (the preview waits for a
# pause). Autosave sends at most one every 2 s (30 a minute), plus one when the tab is hidden.
LIMITS: dict[str, tuple[Limit, ...]] = {
    "preview": (Limit(120, 60), Limit(3000, 60 * 60)),
    "autosave": (Limit(60, 60), Limit(1800, 60 * 60)),
}
# A count alone does not bound the work: 120 previews of a worst-shaped megabyte are three
# minutes of CPU a minute, every worker of a small install (bench/RESULTS.md, rendering cost).
# So the bytes sent are counted too. The editor sends the whole text each time: a 20 KB post
# previewed 40 times a minute is under 1 MB; a 200 KB one previewed at every pause meets the
# minute's budget now and then, and the preview picks up within the minute. A script gets at
# most 5 MB of rendering a minute (about 8 s of CPU at the worst shape) and 120 MB an hour.
BYTES: dict[str, tuple[Limit, ...]] = {
    "preview": (Limit(5_000_000, 60), Limit(120_000_000, 60 * 60)),
    "autosave": (Limit(10_000_000, 60), Limit(240_000_000, 60 * 60)),
}
View = Callable[..., HttpResponse]


def throttled(scope: str) -> Callable[[View], View]:
    """Answer 429 with a JSON error, for the editor's script to show, once the signed-in
    user has made more of this request than `LIMITS[scope]` allow. Goes inside `blog_view`,
    so only signed-in members are counted."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            now, limits = time.time(), LIMITS[scope]
            key = f"studio:{scope}:user:{request.user.pk}"
            if not all([hit(key, limit, now) for limit in limits]):
                return too_many(scope, limits, now)
            refused = _over_bytes(f"{key}:bytes", BYTES[scope], body_size(request), now)
            if refused is not None:
                return too_many(scope, (refused,), now, what="text")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def body_size(request: HttpRequest) -> int:
    """The bytes the client sent, as it declared them. Not `len(request.body)`: the CSRF
    check has read a multipart form (the editor's FormData) from the stream by now, and the
    body can't be read twice. Django reads no more than the declared length (and no more
    than DATA_UPLOAD_MAX_MEMORY_SIZE of fields, a 400 past it), so the declared length bounds
    what the view renders; a missing or malformed one means no body was read."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _over_bytes(key: str, limits: tuple[Limit, ...], size: int, now: float) -> Limit | None:
    """The first byte budget this request's body would take past its window, else None, all
    of them charged. A refused body is given back (`take`): it was not rendered."""
    taken: list[Limit] = []
    for limit in limits:
        if not take(key, limit, now, size):
            for given in taken:
                give_back(key, given, now, size)
            return limit
        taken.append(limit)
    return None


def too_many(
    scope: str, limits: tuple[Limit, ...], now: float, what: str = "requests"
) -> JsonResponse:
    # The shortest window is the one that ran out in the common case: wait for its end.
    wait = max(1, math.ceil(limits[0].seconds - now % limits[0].seconds))
    head = f"Too much text sent to the {scope}" if what == "text" else f"Too many {scope} requests"
    message = (
        f"{head} for a while: what you typed is kept in this browser, "
        f"and the {scope} picks up again in about {wait} seconds."
    )
    response = JsonResponse(
        {"error": "rate-limited", "message": message, "retry_after": wait}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
