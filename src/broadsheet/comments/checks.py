"""Start-up checks: a deployment that turned the comment rate limits off hears about it."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register

from broadsheet.comments import defences


@register()
def rate_limits_on(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if defences.rate_limits_on():
        return []
    return [
        Warning(
            "Comment rate limits are off (COMMENT_RATE_LIMITS = False).",
            hint="Only a load test's own settings module should turn them off.",
            id="comments.W001",
        )
    ]
