"""Links that people give us (a commenter's site, an imported author's page), made safe to show."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 500


def web_url(value: str) -> str:
    """The address if it is an http(s) URL of a sensible length, otherwise "": a `javascript:`
    or `data:` link must never sit under a commenter's name."""
    value = value.strip()
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return ""
    return value if scheme in ("http", "https") and len(value) <= MAX_LENGTH else ""
