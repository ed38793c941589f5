"""Start-up checks for the operator's theme folders: a broken one stops `check`, naming the
file and the fault, instead of silently missing from the Theme page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from broadsheet.core.themes import ThemeError, folders, from_folder
from broadsheet.reader.themes import BUILT_IN


@register()
def theme_folders_are_sound(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for folder in folders(settings.THEMES_DIR):
        try:
            theme = from_folder(folder)
        except ThemeError as error:
            found.append(Error(str(error), hint="See docs/themes.md.", id="reader.E001"))
            continue
        if theme.name in {b.name for b in BUILT_IN}:
            message = f"{folder}: {theme.name} is a built-in theme's name; rename the folder."
            found.append(Error(message, id="reader.E002"))
    return found
