"""The fetcher that brings imported images home, and the one way tests point it at a fake
image host.

`TEST_IMAGE_HOSTS` maps host names (`1.bp.blogspot.com`) to a loopback `address:port`, where a
test's own HTTP server plays Google's image servers: the fetcher resolves those names there,
lets those names (and only those) reach loopback, and speaks plain HTTP to them. It is for
the test suite only, and a real install cannot turn it on: `broadsheet.settings` neither
defines it nor reads it from the environment, only `broadsheet.test_settings` defines it
(empty), `image_fetcher` refuses it under any other settings module, and it accepts loopback
addresses only.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from broadsheet.core.fetch import Connection, Fetcher, open_pinned, system_resolver

TEST_SETTINGS = "broadsheet.test_settings"


def image_fetcher() -> Fetcher:
    """The fetcher imports use: the guarded one, limited to the largest image accepted."""
    hosts = _test_hosts()
    if hosts:
        return _fetcher_for_tests(hosts)
    return Fetcher(max_bytes=settings.MAX_IMAGE_BYTES)


def _test_hosts() -> dict[str, tuple[str, int]]:
    configured: Mapping[str, str] = getattr(settings, "TEST_IMAGE_HOSTS", None) or {}
    # The environment, not `settings.SETTINGS_MODULE`, which override_settings hides.
    if configured and os.environ.get("DJANGO_SETTINGS_MODULE") != TEST_SETTINGS:
        raise ImproperlyConfigured(
            f"TEST_IMAGE_HOSTS is for the test suite only ({TEST_SETTINGS}); remove it."
        )
    return {name.lower(): _loopback(value) for name, value in configured.items()}


def _loopback(value: str) -> tuple[str, int]:
    address, _, port = value.rpartition(":")
    if not port.isdigit() or not ipaddress.ip_address(address.strip("[]")).is_loopback:
        raise ImproperlyConfigured(f"TEST_IMAGE_HOSTS: {value!r} is not a loopback address:port")
    return address.strip("[]"), int(port)


def _fetcher_for_tests(hosts: dict[str, tuple[str, int]]) -> Fetcher:
    def resolve(host: str, port: int) -> list[str]:
        if host.lower() in hosts:
            return [hosts[host.lower()][0]]
        return system_resolver(host, port)

    def connect(scheme: str, host: str, port: int, address: str, timeout: float) -> Connection:
        if host.lower() in hosts:  # the fake host speaks plain HTTP on its own port
            return open_pinned("http", host, hosts[host.lower()][1], address, timeout)
        return open_pinned(scheme, host, port, address, timeout)

    return Fetcher(
        resolver=resolve,
        opener=connect,
        trusted_hosts=tuple(hosts),
        max_bytes=settings.MAX_IMAGE_BYTES,
    )
