"""Browser tests: real Chromium (Debian's) driven by Playwright's sync API.

The fixtures (`browser`, `page`, `axe_page`, `new_page`, `viewport`, `dialog_trap`, `vnu`)
live in the tests.tools.fixtures plugin, registered for the whole suite by tests/conftest.py,
so that other folders can use them too. They are deliberately not imported here as well: a
second registration would start a second Playwright in the same thread, which fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the main thread, so Django sees a
# "running event loop" and refuses ORM calls made by test code or by pytest-django's
# live_server/DB set-up ("You cannot call this from an async context"). The tests are plain
# synchronous code, so the guard is a false alarm here. Set at import time, before any test
# (or fixture) touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test in this folder drives Chromium: mark it, so `-m "not browser"` skips them.
    for item in items:
        if _HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
