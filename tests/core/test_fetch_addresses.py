"""Every IPv6 spelling of an address inside is refused by the fetcher, not only the usual one.

The table is built from the class, not from a few payloads: each private or special IPv4
address in every IPv6 form that can carry it (mapped, compatible, translated, NAT64 at each
prefix length, 6to4, Teredo), and every IPv6 range that is not the public internet. Where the
form really reaches this machine, the request goes through the real fetcher against a
listener on loopback, and the test first proves that a plain connection to that spelling does
arrive there, so "refused" means refused and not merely unreachable.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from broadsheet.core.fetch import Fetcher, FetchRefused

PRIVATE_V4 = [
    "127.0.0.1",  # loopback
    "10.0.0.1",  # private
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # link-local: the cloud metadata service
    "100.100.100.200",  # shared address space: Alibaba's metadata
    "0.0.0.0",  # noqa: S104 - "this host", an address to refuse, not to bind
    "192.0.0.192",  # IETF protocol assignments: Oracle's metadata
    "168.63.129.16",  # global, but Azure's host agent inside every virtual machine
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",  # broadcast
]
PUBLIC_V4 = "93.184.215.14"


def _v6(value: int) -> str:
    return str(ipaddress.IPv6Address(value))


def _rfc6052(v4: str, prefix: int) -> str:
    """`v4` embedded in 64:ff9b:1::/`prefix` the way RFC 6052 lays it out."""
    base = ipaddress.IPv6Address("64:ff9b:1::").packed
    four = ipaddress.IPv4Address(v4).packed
    if prefix == 96:
        return str(ipaddress.IPv6Address(base[:12] + four))
    start = prefix // 8
    squeezed = bytearray(base[:8] + base[9:])
    squeezed[start : start + 4] = four
    return str(ipaddress.IPv6Address(bytes(squeezed[:8]) + b"\0" + bytes(squeezed[8:])))


def embeddings(v4: str) -> dict[str, str]:
    """Every IPv6 form carrying `v4`, by name."""
    low = int(ipaddress.IPv4Address(v4))
    forms = {
        "mapped": f"::ffff:{v4}",
        "mapped-hex": _v6(0xFFFF << 32 | low),
        "compatible": f"::{v4}",
        "translated": _v6(0xFFFF << 64 | low),
        "nat64": _v6(0x0064FF9B << 96 | low),
        "6to4": _v6(0x2002 << 112 | low << 80),
        "teredo": _v6(0x20010000 << 96 | 0x4136E378 << 64 | (low ^ 0xFFFFFFFF)),
    }
    forms |= {f"nat64-local/{n}": _rfc6052(v4, n) for n in (48, 56, 64, 96)}
    return forms


EMBEDDED = [
    pytest.param(address, id=f"{name}-{v4}")
    for v4 in PRIVATE_V4
    for name, address in embeddings(v4).items()
]
NATIVE_V6 = [
    "::",  # unspecified
    "::1",  # loopback
    "fe80::1",  # link-local
    "fe80::1%lo",  # scoped
    "fe80::a9fe:a9fe%1",
    "::1%lo",
    "fec0::1",  # site-local (deprecated, still routed inside some networks)
    "fc00::1",  # unique-local
    "fd00:ec2::254",  # AWS's IPv6 metadata service
    "ff02::1",  # multicast, link scope
    "ff0e::1",  # multicast, global scope
    "100::1",  # discard-only
    "2001:2::1",  # benchmarking
    "2001:10::1",  # ORCHID
    "2001:db8::1",  # documentation
    "3fff::1",  # documentation (RFC 9637)
    "5f00::1",  # SRv6 segment identifiers
    "4000::1",  # reserved by the IETF
    "2001:4860::1%eth0",  # a public address with a scope is still one link's
]


def refuses(address: str) -> bool:
    fetcher = Fetcher(resolver=lambda host, port: [address])
    try:
        fetcher.check("http://victim.example/")
    except FetchRefused:
        return True
    return False


@pytest.mark.parametrize("address", EMBEDDED)
def test_a_private_ipv4_address_in_any_ipv6_form_is_refused(address: str) -> None:
    assert refuses(address)


@pytest.mark.parametrize("address", NATIVE_V6)
def test_every_ipv6_range_outside_the_public_internet_is_refused(address: str) -> None:
    assert refuses(address)


@pytest.mark.parametrize(
    "address",
    ["2606:4700:4700::1111", "2a00:1450:4001::200e"]
    + [embeddings(PUBLIC_V4)[name] for name in ("mapped", "nat64", "6to4")],
)
def test_public_addresses_still_pass_so_nat64_networks_can_fetch(address: str) -> None:
    assert not refuses(address)


# --- through the real fetcher, against a listener on this machine --------------------------


class Listener:
    """Counts the connections that arrive, so a refusal is shown to happen before connecting."""

    def __init__(self, family: socket.AddressFamily, host: str) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def reaches(self, address: str) -> bool:
        """Whether a plain connection to this spelling arrives here (the test's control)."""
        before = self.accepted
        try:
            socket.create_connection((address, self.port), timeout=2).close()
        except OSError:
            return False
        return _wait_for(lambda: self.accepted > before)


def _wait_for(condition: Callable[[], bool]) -> bool:
    for _ in range(200):
        if condition():
            return True
        threading.Event().wait(0.01)
    return False


@pytest.fixture
def loopback_v4() -> Iterator[Listener]:
    listener = Listener(socket.AF_INET, "127.0.0.1")
    yield listener
    listener.sock.close()


@pytest.fixture
def loopback_v6() -> Iterator[Listener]:
    listener = Listener(socket.AF_INET6, "::1")
    yield listener
    listener.sock.close()


@pytest.mark.parametrize("form", ["mapped", "mapped-hex"])
def test_mapped_loopback_reaches_the_listener_only_without_the_fetcher(
    loopback_v4: Listener, form: str
) -> None:
    address = embeddings("127.0.0.1")[form]
    assert loopback_v4.reaches(address), "the control: this spelling does reach loopback"
    before = loopback_v4.accepted
    with pytest.raises(FetchRefused, match="not public"):
        Fetcher(resolver=lambda host, port: [address]).fetch(
            f"http://victim.example:{loopback_v4.port}/"
        )
    assert loopback_v4.accepted == before


@pytest.mark.parametrize("address", ["::1", "::0:1", "0:0:0:0:0:0:0:1"])
def test_ipv6_loopback_in_any_spelling_never_reaches_the_listener(
    loopback_v6: Listener, address: str
) -> None:
    assert loopback_v6.reaches(address)
    before = loopback_v6.accepted
    with pytest.raises(FetchRefused, match="not public"):
        Fetcher(resolver=lambda host, port: [address]).fetch(
            f"http://victim.example:{loopback_v6.port}/"
        )
    assert loopback_v6.accepted == before
