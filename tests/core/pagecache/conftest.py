"""The page cache's tests drive the real WSGI front (`broadsheet.wsgi`'s shape) directly.

The test client would not do: it calls Django's handler itself, so it never meets the front
that answers hits. `Front.get` builds a WSGI environ the way a server does and returns what
the server would send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.front import PageCacheApp


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class Front:
    def __init__(self) -> None:
        self.app = PageCacheApp(WSGIHandler())

    def get(self, path: str, method: str = "GET", **headers: str) -> Answer:
        environ: dict[str, Any] = {"REQUEST_METHOD": method, "HTTP_HOST": "testserver"}
        environ["PATH_INFO"], _, environ["QUERY_STRING"] = path.partition("?")
        environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
        setup_testing_defaults(environ)
        started: dict[str, Any] = {}

        def start_response(
            status: str, header_list: list[tuple[str, str]], exc_info: Any = None, /
        ) -> Callable[[bytes], object]:
            started.update(status=int(status.split()[0]), headers=dict(header_list))
            return lambda data: None

        body = b"".join(self.app(environ, start_response))
        return Answer(started["status"], started["headers"], body)


@pytest.fixture
def front() -> Iterator[Front]:
    # As Django's test client does: a real handler would close the test's connection at the
    # end of each request, inside the transaction that pytest-django rolls back.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Front()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def empty_page_cache() -> Iterator[None]:
    # Blog ids come round again from test to test; so would their cached pages.
    store.clear()
    yield
    store.clear()
