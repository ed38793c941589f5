"""Export formats that apps above `portability` add to `broadsheet export` at start-up.

`portability` sits below the reader and the feeds (ARCHITECTURE.md, Layers), so it cannot
import the static export, which renders their pages. The `publish` app registers its format
here in its `AppConfig.ready`, and the export command offers it beside its own three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.base import CommandParser


@dataclass(frozen=True)
class Format:
    description: str
    add_arguments: Callable[[CommandParser], None]
    run: Callable[[Any, dict[str, Any]], str]  # (blog, options) -> a one-line summary


_formats: dict[str, Format] = {}


def register(name: str, found: Format) -> None:
    """Offer `broadsheet export NAME`; registering again replaces (app reloads in tests)."""
    _formats[name] = found


def registered() -> dict[str, Format]:
    return dict(_formats)
