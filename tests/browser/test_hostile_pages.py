"""Runs `hostile_pages_check.py` (pages full of corpus payloads in Chromium, zero executions)
in a pytest process of its own, on SQLite, with a hard time limit.

Run inside the whole suite's process, after some of tests/security, its first page load
never returned (Playwright waited with no time-out firing; found and not yet explained, see
the report of issue 8). In its own process it takes about 25 s; a hang there fails this
test after four minutes instead of stalling the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_no_payload_runs_in_the_browser() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(HERE / "hostile_pages_check.py"),
            "-p",
            "no:cacheprovider",
            "-q",
            "-x",
        ],
        cwd=HERE.parents[1],
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
