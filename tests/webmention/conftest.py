"""A peer on loopback: another site whose pages a test writes, for Webmention to fetch."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings


@dataclass
class Page:
    body: str = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Peer:
    origin: str
    pages: dict[str, Page] = field(default_factory=dict)
    posted: list[tuple[str, bytes]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.origin + path


def _handler(peer: Peer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = peer.pages.get(self.path, Page("not here", 404, "text/plain"))
            body = page.body.encode()
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            for name, value in page.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            peer.posted.append((self.path, self.rfile.read(length)))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def peer_server() -> Iterator[Peer]:
    """One server per module; each test starts with no pages (`peer`)."""
    peer = Peer(origin="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(peer))
    peer.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield peer
    server.shutdown()
    server.server_close()


@pytest.fixture
def peer(peer_server: Peer) -> Iterator[Peer]:
    peer_server.pages.clear()
    peer_server.posted.clear()
    with override_settings(TEST_WEBMENTION_LOOPBACK=True):
        yield peer_server
