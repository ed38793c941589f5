"""Start-up checks for the static copy's settings: a mirror with nowhere to write stops
`check`, instead of every write quietly doing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def mirror_has_a_folder(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.STATIC_MIRROR and not settings.STATIC_EXPORT_DIR:
        hint = "Set BROADSHEET_STATIC_EXPORT_DIR to the folder the copies go in."
        return [
            Error("BROADSHEET_STATIC_MIRROR is on with no folder.", hint=hint, id="publish.E001")
        ]
    if settings.STATIC_EXPORT_DIR and not Path(settings.STATIC_EXPORT_DIR).is_absolute():
        message = f"BROADSHEET_STATIC_EXPORT_DIR={settings.STATIC_EXPORT_DIR!r} is not absolute."
        return [
            Error(message, hint="The worker's folder may differ: name it whole.", id="publish.E002")
        ]
    return []
