"""`broadsheet serve`: run the production server (granian, WSGI) on HOST:PORT.

Chosen by measurement (bench/RESULTS.md, "Speed"): on a 2-core machine, granian's Rust HTTP
server in front of our WSGI application answered cached pages several times as fast as
gunicorn's sync or threaded workers, whose Python HTTP parsing (and, for sync workers, a new
connection per request) costs more than the page cache's whole hit. Page work is CPU-bound,
so one worker process per core, each with one thread for Django: more threads only queue
behind the GIL and lengthen the slow tail.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


def default_workers() -> int:
    """One worker process per core the process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def granian_argv(host: str, port: int, workers: int, threads: int, access_log: bool) -> list[str]:
    argv = [sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws"]
    argv += ["--host", host, "--port", str(port)]
    argv += ["--workers", str(workers), "--blocking-threads", str(threads)]
    # A worker that dies (out of memory, a crashed extension) is started again.
    argv += ["--respawn-failed-workers"]
    argv += ["--access-log"] if access_log else []
    return [*argv, "broadsheet.wsgi:application"]


class Command(BaseCommand):
    help = "Serve Broadsheet with granian (a production server), static files included."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="processes (default: cores)"
        )
        parser.add_argument(
            "--threads", type=int, default=1, help="Django threads per process (default: 1)"
        )
        parser.add_argument(
            "--access-log", action="store_true", help="log every request (nginx usually does)"
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        access_log: bool,
        **options: Any,
    ) -> None:
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.stdout.write(f"Broadsheet is at http://{shown}/  (Ctrl+C stops it)")
        self.stdout.flush()
        argv = granian_argv(host, port, workers, threads, access_log)
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process, no shell
