"""The guarded fetcher as Webmention uses it: small pages, short waits."""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from broadsheet.core.fetch import Fetcher

TEST_SETTINGS = "broadsheet.test_settings"
MAX_BYTES = 1024 * 1024  # a page bigger than this is not a blog post replying to us
TIMEOUT = 10.0
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def fetcher() -> Fetcher:
    """Public addresses only; the test suite's peers on loopback when it asks for them."""
    return Fetcher(timeout=TIMEOUT, max_bytes=MAX_BYTES, allowed=_test_networks())


def _test_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    if not getattr(settings, "TEST_WEBMENTION_LOOPBACK", False):
        return ()
    # The environment, not `settings.SETTINGS_MODULE`, which override_settings hides: a
    # production install can never open the fetcher to its own machine by this knob.
    if os.environ.get("DJANGO_SETTINGS_MODULE") != TEST_SETTINGS:
        raise ImproperlyConfigured("TEST_WEBMENTION_LOOPBACK is for the test suite only.")
    return LOOPBACK
