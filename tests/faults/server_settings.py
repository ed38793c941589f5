"""Settings for the servers the fault and soak tests start: production settings with the
comment rate limits off (every test client comes from 127.0.0.1, which the per-address limit
would stop after five comments a minute) and static files from the source tree (no
`collectstatic` before each start). Only a server whose DJANGO_SETTINGS_MODULE names this file
runs like this; `broadsheet check` warns wherever the limits are off (comments.W001).
"""

from __future__ import annotations

from broadsheet.settings import *  # noqa: F403
from broadsheet.settings import STORAGES

COMMENT_RATE_LIMITS = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
