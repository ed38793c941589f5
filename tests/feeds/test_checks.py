"""The WebSub hub setting is checked at start-up."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import override_settings


@pytest.mark.parametrize("hub", ["", "https://hub.example/", "http://127.0.0.1:8080/hub"])
def test_web_urls_and_no_hub_pass(hub: str) -> None:
    with override_settings(WEBSUB_HUB=hub):
        assert [m.id for m in run_checks() if m.id == "feeds.E001"] == []


@pytest.mark.parametrize(
    "hub", ["hub.example", "file:///etc/passwd", "ftp://hub.example/", "https://"]
)
def test_anything_else_is_an_error(hub: str) -> None:
    with override_settings(WEBSUB_HUB=hub):
        assert [m.id for m in run_checks() if m.id == "feeds.E001"] == ["feeds.E001"]
