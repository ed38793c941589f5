"""Start-up checks for the feeds' settings: bad configuration stops `check`, not a publish."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Error, register

from broadsheet.feeds import websub


@register()
def websub_hub_is_a_web_url(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    hub = websub.hub_url()
    parts = urlsplit(hub)
    if not hub or (parts.scheme in ("http", "https") and parts.netloc):
        return []
    message = f"BROADSHEET_WEBSUB_HUB={hub!r} is not an http(s) URL."
    return [Error(message, hint="For example https://pubsubhubbub.appspot.com/", id="feeds.E001")]
