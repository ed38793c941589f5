"""The one way Broadsheet makes outbound HTTP requests: a guarded fetcher.

Anything that fetches a URL a user gave us (importing images, WebSub pings, link previews,
federation later) goes through `Fetcher.fetch`. It defends against server-side request
forgery the only way that holds up: it resolves the name itself, checks every address it
would connect to, and then connects to that checked address (so a DNS answer that changes
between check and connect cannot steer it inside). It does the same on every redirect hop.

URL parsers disagree on odd inputs (`http://127.1.1.1:80\\@127.2.2.2/`, `http:127.0.0.1/`,
spaces, credentials), so such URLs are refused outright rather than interpreted.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
# What an opener returns, named here so that callers need not import an HTTP client.
Connection = http.client.HTTPConnection
Opener = Callable[[str, str, int, str, float], Connection]

# Special-purpose ranges that some Python versions still call global: IETF protocol
# assignments (192.0.0.0/24, where Oracle Cloud keeps its metadata service), shared address
# space (100.64.0.0/10, Alibaba's metadata), benchmarking, "this network", the 6to4 relay
# anycast and reserved. And one global address that is no stranger's: Azure answers
# 168.63.129.16 inside every virtual machine (its host agent, health probe and DNS).
ALWAYS_REFUSED = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "168.63.129.16/32",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "192.88.99.0/24",
        "198.18.0.0/15",
        "240.0.0.0/4",
    )
)
# Only global unicast (2000::/3) is ever public in IPv6: everything outside it is loopback,
# unspecified, link-local, site-local, unique-local, multicast or reserved, whatever a given
# Python version's `is_global` says (3.11 calls fec0::/10 and 3fff::/20 global). That takes
# in RFC 8215's local-use NAT64 prefix 64:ff9b:1::/48 whole: its operator picks where the IPv4
# address sits, so it cannot be read back. Inside 2000::/3, the IETF protocol block (Teredo
# among it, whatever client it embeds) and both documentation prefixes are refused too.
GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
V6_REFUSED = tuple(ipaddress.ip_network(net) for net in ("2001::/23", "2001:db8::/32", "3fff::/20"))
# IPv6 forms that carry an IPv4 address in their last 32 bits; the kernel or a translator
# may deliver them to that IPv4 address, so they are judged by it.
V4_IN_LOW_BITS = tuple(
    ipaddress.ip_network(net)
    for net in ("::ffff:0:0/96", "::/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
SIXTOFOUR = ipaddress.ip_network("2002::/16")
REDIRECTS = {301, 302, 303, 307, 308}


class FetchRefused(Exception):
    """The URL, an address it resolves to, or a redirect points somewhere we never go."""


class FetchFailed(Exception):
    """The remote end could not be reached or misbehaved (time-out, too large, bad HTTP)."""


class FetchTooLarge(FetchFailed):
    """The response passed `max_bytes`: reachable, but more than the caller accepts."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def _joined(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Headers by lower-cased name; a repeated one (several `Link:` lines) joined with ", ",
    which RFC 9110 (5.3) makes mean the same for list-valued fields."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"cannot resolve {host!r}") from exc
    return [str(info[4][0]) for info in infos]


def open_pinned(
    scheme: str, host: str, port: int, address: str, timeout: float
) -> http.client.HTTPConnection:
    """A connection to `address` that still speaks to `host` (Host header, TLS SNI and cert)."""
    if scheme == "https":
        return _PinnedHTTPS(host, port, address, timeout)
    return _PinnedHTTP(host, port, address, timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def is_public(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
    """Globally routable, looking through IPv6 forms that embed an IPv4 address: an address
    we would connect to is judged by where it can actually end up."""
    if any(address in network for network in allowed):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        return _is_public_v6(address, allowed)
    if any(address in network for network in ALWAYS_REFUSED):
        return False
    return address.is_global and not address.is_multicast


def _is_public_v6(address: ipaddress.IPv6Address, allowed: Iterable[IPNetwork]) -> bool:
    if address.scope_id:
        return False  # a scope names one link of this machine: never the internet
    embedded = embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded, allowed)
    if address not in GLOBAL_UNICAST or any(address in net for net in V6_REFUSED):
        return False
    return address.is_global


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address may be delivered to (mapped, compatible, translated,
    well-known NAT64, 6to4), or None for a plain IPv6 address."""
    if any(address in network for network in V4_IN_LOW_BITS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


@dataclass
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse(url: str) -> Target:
    """Split a URL we are willing to fetch, refusing every form that parsers read differently."""
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise FetchRefused("the URL holds spaces, control characters or backslashes")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not url.lower().startswith(f"{parts.scheme}://"):
        raise FetchRefused("only http:// and https:// URLs are fetched")
    if "@" in parts.netloc or not parts.hostname:
        raise FetchRefused("URLs with credentials or without a host are refused")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchRefused("the port is not a number") from exc
    host = parts.hostname
    if unicodedata.normalize("NFKC", host) != host:
        # Look-alike characters (ⓔⓧⓐⓜⓟⓛⓔ, full-width digits) fold into other names.
        raise FetchRefused("the host name uses compatibility characters")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path)


@dataclass
class Fetcher:
    """Fetch http(s) URLs from the public internet only, with time and size limits."""

    resolver: Resolver = system_resolver
    opener: Opener = open_pinned
    timeout: float = 10.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allowed: tuple[IPNetwork, ...] = field(default_factory=tuple)  # for tests on loopback only
    # Hosts the operator configured (a WebSub hub on the LAN): wherever they resolve is allowed.
    # Never a host a user typed. Redirects away from them are checked as usual.
    trusted_hosts: tuple[str, ...] = ()
    user_agent: str = "Broadsheet (+https://example.invalid/broadsheet)"

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET `url`, following redirects; `headers` go with every hop (a signed GET's
        signature names the first URL only, so a redirected one may be refused there)."""
        deadline = time.monotonic() + self.timeout
        for _ in range(self.max_redirects + 1):
            response = self._fetch_once(url, deadline, headers=headers)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                return response
            url = urljoin(url, location)
        raise FetchFailed("too many redirects")

    def post(
        self, url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> Response:
        """POST `body` once. Redirects are not followed: the answer, 3xx or not, comes back.
        `headers` are added (a signature); the content type and length are ours."""
        deadline = time.monotonic() + self.timeout
        sent = {**(headers or {}), "Content-Type": content_type, "Content-Length": str(len(body))}
        return self._fetch_once(url, deadline, "POST", body, sent)

    def check(self, url: str) -> tuple[Target, str]:
        """The parsed target and the one checked address to connect to; refuses otherwise."""
        target = parse(url)
        addresses = list(self.resolver(target.host, target.port))
        if not addresses:
            raise FetchRefused(f"{target.host!r} has no address")
        if target.host.lower() in (host.lower() for host in self.trusted_hosts):
            return target, addresses[0]
        for raw in addresses:
            address = ipaddress.ip_address(raw)  # a scope (fe80::1%eth0) is kept, and refused
            if not is_public(address, self.allowed):
                raise FetchRefused(f"{target.host!r} resolves to {address}, which is not public")
        return target, addresses[0]

    def _fetch_once(
        self,
        url: str,
        deadline: float,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        target, address = self.check(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed("timed out")
        connection = self.opener(target.scheme, target.host, target.port, address, remaining)
        sent = {"User-Agent": self.user_agent, **(headers or {})}
        try:
            connection.request(method, target.path, body=body, headers=sent)
            reply = connection.getresponse()
            body = self._read(reply, deadline)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"fetching {url} failed: {exc}") from exc
        finally:
            connection.close()
        return Response(url, reply.status, _joined(reply.getheaders()), body)

    def _read(self, reply: http.client.HTTPResponse, deadline: float) -> bytes:
        chunks, size = [], 0
        while chunk := reply.read(65536):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchTooLarge(f"the response is larger than {self.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchFailed("timed out")
            chunks.append(chunk)
        return b"".join(chunks)
