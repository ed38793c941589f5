"""Settings for the comment load test only: production settings, rate limits off.

Every commenter of the load test comes from 127.0.0.1, which the per-address limit would stop
after five comments a minute. No request can turn the limits off: only a deployment whose
DJANGO_SETTINGS_MODULE names this file, which the load test's own server does. (And
`broadsheet check` warns, comments.W001, wherever they are off.)
"""

from __future__ import annotations

from broadsheet.settings import *  # noqa: F403

COMMENT_RATE_LIMITS = False
