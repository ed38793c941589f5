"""`broadsheet nginxconf`: the nginx site printed from the running settings (the site itself is
run by real nginx in tests/scale/test_page_files.py)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings


def printed(*args: str) -> str:
    out = StringIO()
    call_command("nginxconf", *args, stdout=out)
    return out.getvalue()


def test_without_the_page_folder_it_says_which_setting_is_missing() -> None:
    with override_settings(PAGE_MIRROR_DIR=""), pytest.raises(CommandError) as raised:
        printed()
    assert "BROADSHEET_PAGE_MIRROR_DIR" in str(raised.value)


def test_a_certificate_needs_its_key(tmp_path: Path) -> None:
    with override_settings(PAGE_MIRROR_DIR=str(tmp_path)), pytest.raises(CommandError):
        printed("--certificate", "/etc/ssl/site.pem")


@override_settings(
    BASE_DOMAIN="example.org",
    ALLOWED_HOSTS=["example.org", ".example.org", "127.0.0.1", "[::1]", "www.garden.net"],
)
def test_it_answers_the_blogs_names_and_not_addresses(tmp_path: Path) -> None:
    with override_settings(PAGE_MIRROR_DIR=str(tmp_path)):
        site = printed()
    assert "server_name example.org .example.org www.garden.net;" in site
    assert f"root {tmp_path}/hosts/$host;" in site


@override_settings(
    SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=False,
    SESSION_COOKIE_NAME="__Host-session",
)
def test_on_https_files_carry_hsts_and_plain_http_goes_to_the_app(tmp_path: Path) -> None:
    with override_settings(PAGE_MIRROR_DIR=str(tmp_path)):
        site = printed("--listen", "443 ssl", "--certificate", "/c.pem", "--certificate-key", "/k")
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in site
    assert "if ($scheme = http) { return 418; }" in site
    assert '"(^|;\\s*)__Host-session="' in site  # members by the configured cookie
    assert "listen 443 ssl;" in site and "ssl_certificate_key /k;" in site
