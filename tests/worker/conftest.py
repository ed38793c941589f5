"""The worker tests run the real database queue, not the test settings' immediate backend."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def own_signal_handlers() -> Iterator[None]:
    """The worker sets SIGINT/SIGTERM handlers for its process; give pytest its own back."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)
