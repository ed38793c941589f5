"""`broadsheet serve`: run the production server (gunicorn) on HOST:PORT."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


def default_workers() -> int:
    # Page rendering is CPU-bound: about two processes per core keeps both cores busy while
    # one process waits on the database.
    return max(2, 2 * (os.cpu_count() or 1))


class Command(BaseCommand):
    help = "Serve Broadsheet with gunicorn (a production server), static files included."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=default_workers())

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.stdout.write(f"Broadsheet is at http://{bind}/  (Ctrl+C stops it)")
        self.stdout.flush()
        argv = [sys.executable, "-m", "gunicorn", "broadsheet.wsgi:application"]
        argv += ["--bind", bind, "--workers", str(workers), "--access-logfile", "-"]
        argv += ["--forwarded-allow-ips", "127.0.0.1"]
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process, no shell
