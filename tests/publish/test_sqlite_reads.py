"""How a process reads the SQLite file: through a memory map, not a read() call per page.

A one-post static export on 10,000 posts scans the posts a few times (sitemaps, counts); read
page by page, that was 100,000 system calls and a tenth of a second of the command's CPU
(bench/RESULTS.md, issue 19, session 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = (
    "import django; django.setup();"
    "from django.db import connection;"
    "cursor = connection.cursor(); cursor.execute('PRAGMA mmap_size');"
    "print(connection.vendor, cursor.fetchone()[0])"
)


def test_a_fresh_process_maps_the_sqlite_file(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    env.update(BROADSHEET_DATA_DIR=str(tmp_path), PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("DATABASE_URL", None)  # the default database, whichever the suite runs on
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    vendor, mapped = done.stdout.split()
    assert vendor == "sqlite"
    assert int(mapped) >= 256 * 1024 * 1024  # enough for a 10,000-post blog's whole file
