"""The guarded fetcher refuses every address-bypass vector in the corpora, and fetches for real.

No test reaches the internet: names are answered by a stub resolver that returns what the
name really points at (the corpus's intended target), and connections go to a spy that
records them. "Refused" therefore means refused before any connection was attempted.
"""

from __future__ import annotations

import http.client
import http.server
import ipaddress
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused, system_resolver

CORPORA = Path(
    os.environ.get("BROADSHEET_CORPORA") or Path(__file__).resolve().parents[3] / "shared/corpora"
)
VECTORS = CORPORA / "ssrf" / "ssrf_bypass_vectors.tsv"
PUBLIC = "93.184.215.14"

# What these names resolve to in the real world (the corpus's "needs DNS" rows).
KNOWN_NAMES = {
    "localtest.me": "::1",
    "localh.st": "127.0.0.1",
    "instance-data": "169.254.169.254",
    "metadata.google.internal": "169.254.169.254",
    "307.r3dir.me": PUBLIC,  # an open redirector on the internet, answered below with a 307
}


def stub_resolver(host: str, port: int) -> list[str]:
    if host in KNOWN_NAMES:
        return [KNOWN_NAMES[host]]
    if match := re.search(r"(\d+\.\d+\.\d+\.\d+)\.nip\.io$", host):
        return [match.group(1)]
    return system_resolver(host, port)  # numeric forms and /etc/hosts only: no DNS here


class Spy:
    """Records connections. Only the open redirector gets an answer: a 307 to loopback."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int, str]] = []

    def __call__(
        self, scheme: str, host: str, port: int, address: str, timeout: float
    ) -> http.client.HTTPConnection:
        self.calls.append((scheme, host, port, address))
        if host != "307.r3dir.me":
            raise AssertionError(f"a connection was attempted to {host} ({address})")
        return FakeRedirect()  # type: ignore[return-value]


class FakeRedirect:
    status = 307

    def request(self, *args: object, **kwargs: object) -> None:
        pass

    def getresponse(self) -> FakeRedirect:
        return self

    def getheaders(self) -> list[tuple[str, str]]:
        return [("Location", "http://localhost/")]

    def read(self, amount: int) -> bytes:
        return b""

    def close(self) -> None:
        pass


def vectors() -> list[str]:
    if not VECTORS.exists():
        pytest.fail(f"the SSRF corpus is missing: {VECTORS} (set BROADSHEET_CORPORA)")
    rows = [line.split("\t")[0] for line in VECTORS.read_text().splitlines()]
    return [row for row in rows if row and not row.startswith("#") and row != "url"]


@pytest.mark.parametrize("url", vectors())
def test_every_bypass_vector_is_refused_before_connecting(url: str) -> None:
    spy = Spy()
    fetcher = Fetcher(resolver=stub_resolver, opener=spy)
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    # Only the public first hop of the open redirector was contacted, never the target.
    assert all(call[1] == "307.r3dir.me" for call in spy.calls)


def test_corpus_is_read_whole() -> None:
    assert len(vectors()) >= 70


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
        "224.0.0.1",
        "192.0.0.192",
        "198.18.0.1",
    ],
)
def test_private_and_special_addresses_are_refused(address: str) -> None:
    fetcher = Fetcher(resolver=lambda host, port: [address], opener=Spy())
    with pytest.raises(FetchRefused, match="not public"):
        fetcher.check("http://example.org/")


# --- real connections, to a server on loopback that the test allows explicitly -------------


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/redirect-inside":
            self.send_response(307)
            self.send_header("Location", "http://10.0.0.1/secret")
            self.end_headers()
            return
        if self.path == "/to-localhost":
            self.send_response(307)
            self.send_header("Location", "http://localhost/admin")
            self.end_headers()
            return
        if self.path == "/redirect-here":
            self.send_response(302)
            self.send_header("Location", "/hello")
            self.end_headers()
            return
        body = b"x" * 5000 if self.path == "/big" else f"hello {self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[int]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def loopback_fetcher(**options: object) -> Fetcher:
    return Fetcher(
        resolver=lambda host, port: ["127.0.0.1"],
        allowed=(ipaddress.ip_network("127.0.0.0/8"),),
        **options,  # type: ignore[arg-type]
    )


def test_fetches_from_the_checked_address_with_the_real_host_name(server: int) -> None:
    response = loopback_fetcher().fetch(f"http://blog.example:{server}/hello")
    assert response.status == 200
    assert response.body == f"hello blog.example:{server}".encode()


def test_follows_a_redirect_and_checks_the_new_hop(server: int) -> None:
    assert (
        loopback_fetcher()
        .fetch(f"http://a.example:{server}/redirect-here")
        .body.startswith(b"hello")
    )
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.1"):
        Fetcher(
            resolver=lambda host, port: [host if host[0].isdigit() else "127.0.0.1"],
            allowed=(ipaddress.ip_network("127.0.0.0/8"),),
        ).fetch(f"http://a.example:{server}/redirect-inside")


def test_refuses_a_body_over_the_size_limit(server: int) -> None:
    with pytest.raises(FetchFailed, match="larger than 1000 bytes"):
        loopback_fetcher(max_bytes=1000).fetch(f"http://a.example:{server}/big")


def test_redirect_from_an_allowed_host_to_loopback_is_refused(second_server: int) -> None:
    # Only 127.0.0.2 is allowed here; its redirect to `localhost` (127.0.0.1/::1) is not.
    fetcher = Fetcher(
        resolver=lambda host, port: (
            ["127.0.0.2"] if host == "a.example" else system_resolver(host, port)
        ),
        allowed=(ipaddress.ip_network("127.0.0.2/32"),),
    )
    with pytest.raises(FetchRefused, match="not public"):
        fetcher.fetch(f"http://a.example:{second_server}/to-localhost")


@pytest.fixture
def second_server() -> Iterator[int]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
