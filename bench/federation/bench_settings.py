"""The fan-out benchmark's settings: production's, with federation allowed to reach the
inboxes the benchmark runs on loopback (`federation.remote` honours this module by name)."""

from __future__ import annotations

from broadsheet.settings import *  # noqa: F403

FEDERATION_TEST_LOOPBACK = True
