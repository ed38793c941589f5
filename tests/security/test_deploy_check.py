"""`manage.py check --deploy` is clean with production settings (HTTPS on, DEBUG off)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe ORM calls in this process; a deployment never does.
    dropped = {"BROADSHEET_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "BROADSHEET_DATA_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "broadsheet", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = run_check(tmp_path, BROADSHEET_HTTPS="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_generated_secret_key_is_private_to_its_owner(tmp_path: Path) -> None:
    run_check(tmp_path, BROADSHEET_HTTPS="true")
    key = tmp_path / "secret_key"
    assert key.stat().st_mode & 0o077 == 0
    assert len(key.read_text().strip()) >= 50


def test_plain_http_settings_are_flagged(tmp_path: Path) -> None:
    result = run_check(tmp_path, BROADSHEET_HTTPS="false")
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr


def test_a_misspelt_boolean_stops_start_up(tmp_path: Path) -> None:
    result = run_check(tmp_path, BROADSHEET_HTTPS="ture")
    assert result.returncode != 0
    assert "BROADSHEET_HTTPS='ture'" in result.stderr


def test_the_deploy_check_sees_the_admin(tmp_path: Path) -> None:
    # Some commands start without the admin (`cli.without_admin`); `check` is not one of them:
    # the admin's own checks run (Django knows no `admin` tag without the admin installed).
    result = run_check(tmp_path, BROADSHEET_HTTPS="true")
    tagged = run_check_tagged(tmp_path, "admin")
    assert result.returncode == 0 and tagged.returncode == 0, tagged.stdout + tagged.stderr
    assert "no issues" in tagged.stdout


def run_check_tagged(tmp_path: Path, tag: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "BROADSHEET_SECRET_KEY"},
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "BROADSHEET_DATA_DIR": str(tmp_path),
        "BROADSHEET_HTTPS": "true",
    }
    argv = ["check", "--deploy", "--tag", tag, "--fail-level", "WARNING"]
    return subprocess.run(
        [sys.executable, "-m", "broadsheet", *argv],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
