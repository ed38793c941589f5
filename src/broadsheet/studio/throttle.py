"""Per-user limits on the editor's background requests: the live preview and autosave.

Rendering a hostile document is linear now (issue 12), but it is still the heaviest thing a
signed-in writer can ask for, and the editor's script asks on its own. These limits sit well
above what the script sends for the fastest typist, so only a runaway script or someone
replaying the request meets them. They count per user, across every blog, in the rate-limit
counters every limit of the install uses (`core.ratelimit`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from broadsheet.core.ratelimit import Limit, hit

# The preview runs 600 ms after the last keystroke, so even someone typing one character
# every 0.7 s sends under 90 a minute; a fast typist sends far fewer (the preview waits for a
# pause). Autosave sends at most one every 2 s (30 a minute), plus one when the tab is hidden.
LIMITS: dict[str, tuple[Limit, ...]] = {
    "preview": (Limit(120, 60), Limit(3000, 60 * 60)),
    "autosave": (Limit(60, 60), Limit(1800, 60 * 60)),
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
            if all([hit(key, limit, now) for limit in limits]):
                return view(request, *args, **kwargs)
            return too_many(scope, limits, now)

        return wrapped

    return decorate


def too_many(scope: str, limits: tuple[Limit, ...], now: float) -> JsonResponse:
    # The shortest window is the one that ran out in the common case: wait for its end.
    wait = max(1, math.ceil(limits[0].seconds - now % limits[0].seconds))
    message = (
        f"Too many {scope} requests for a while: what you typed is kept in this browser, "
        f"and the {scope} picks up again in about {wait} seconds."
    )
    response = JsonResponse(
        {"error": "rate-limited", "message": message, "retry_after": wait}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
