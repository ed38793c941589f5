"""Rendering the blog's pages in this process, through Django's own WSGI handler.

The static copy must be byte for byte what readers get from the live site, so every page goes
through the same URL resolver, middleware and views, with no HTTP and no socket: a request
is a dict handed to the handler. Against the test `Client` (300 post pages of the 10,000-post
bench, three rounds each, on a loaded machine) the two were within the noise, 135 to 180 ms a
page either way: nearly all of a page is the view, its queries and its templates. The bare
handler is used since it is the production path, without the test machinery's signals.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from broadsheet.blogs.hosts import canonical_host


@contextlib.contextmanager
def one_connection() -> Iterator[None]:
    """Keep the database connection from page to page, as the test client does: Django closes
    it at the end of every request, which here would mean a new connection per page (and, in
    a transaction, losing it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    location: str = ""


class Renderer:
    """Answers GETs for one blog's addresses, as its canonical host would."""

    def __init__(self, blog_host: str) -> None:
        self.host = blog_host
        self.scheme = "https" if settings.SECURE else "http"
        self._handler: WSGIHandler | None = None

    @property
    def handler(self) -> WSGIHandler:
        # Made on first use: loading the middleware costs a fifth of a second, and an export
        # after one new post renders every page it needs without it but the 404 page.
        if self._handler is None:
            self._handler = WSGIHandler()
        return self._handler

    def get(self, path: str, query: str = "") -> Answer:
        seen: dict[str, object] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], *_: object
        ) -> Callable[[bytes], object]:
            seen["status"], seen["headers"] = status, dict(headers)
            return lambda data: None  # the body comes back as the handler's return value

        response = self.handler(self.environ(path, query), start_response)
        try:
            body = b"".join(response)
        finally:
            getattr(response, "close", lambda: None)()
        headers: dict[str, str] = seen["headers"]  # type: ignore[assignment]
        status = int(str(seen["status"]).split()[0])
        kind, location = headers.get("Content-Type", ""), headers.get("Location", "")
        return Answer(status, kind, body, location)

    def environ(self, path: str, query: str) -> dict[str, object]:
        # WSGI hands the path decoded, as latin-1 text of its bytes (PEP 3333).
        raw = unquote(path).encode().decode("latin-1")
        port = "443" if self.scheme == "https" else "80"
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": raw,
            "SCRIPT_NAME": "",
            "QUERY_STRING": query,
            "SERVER_NAME": self.host,
            "SERVER_PORT": port,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": self.host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }


def renderer_for(blog: object) -> Renderer:
    return Renderer(canonical_host(blog))  # type: ignore[arg-type]
