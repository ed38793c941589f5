"""The settings the page cache's front reads on every hit, read once per process.

Django's settings object costs a lookup through its lazy wrapper on each access; a hit reads
several. The snapshot is taken on first use and dropped when a setting changes (tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class Conf(NamedTuple):
    session_mark: str  # "<session cookie name>=", looked for in the Cookie header
    proxy_name: str  # the environ key of SECURE_PROXY_SSL_HEADER, or ""
    proxy_header: tuple[str, str] | None
    mirror_root: Path | None  # BROADSHEET_PAGE_MIRROR_DIR, or None when off


_now: Conf | None = None


def current() -> Conf:
    global _now
    if _now is None:
        header = settings.SECURE_PROXY_SSL_HEADER
        folder = getattr(settings, "PAGE_MIRROR_DIR", "")
        _now = Conf(
            f"{settings.SESSION_COOKIE_NAME}=",
            header[0] if header else "",
            header or None,
            Path(folder) if folder else None,
        )
    return _now


@receiver(setting_changed)
def _forget(**_: object) -> None:
    global _now
    _now = None
