"""A blog on the fediverse, served on loopback, and a peer (bovine) to talk to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from tests.federation.peer import Peer


@pytest.fixture
def peer() -> Iterator[Peer]:
    running = Peer()
    yield running
    running.stop()


@pytest.fixture
def site(live_server: Any, settings: Any, blog: Blog) -> str:
    """The blog's origin, the live server's: ids built without a request name its port."""
    settings.PUBLIC_PORT = int(live_server.url.rsplit(":", 1)[1])
    return f"http://localhost:{settings.PUBLIC_PORT}"
