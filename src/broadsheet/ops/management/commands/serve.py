"""`broadsheet serve`: run the production server (granian, WSGI) on HOST:PORT.

Chosen by measurement (bench/RESULTS.md, "Speed"): on a 2-core machine, granian's Rust HTTP
server in front of our WSGI application answered cached pages several times as fast as
gunicorn's sync or threaded workers, whose Python HTTP parsing (and, for sync workers, a new
connection per request) costs more than the page cache's whole hit. Page work is CPU-bound,
so one worker process per core, each with one thread for Django: more threads only queue
behind the GIL and lengthen the slow tail.

Granian runs as a child, beside the task worker (`broadsheet worker`), which serve keeps
running (`broadsheet.ops.supervise`): a default install needs one command for imports to run
and mail to leave. Where the workers run elsewhere (many machines, a systemd unit of their
own), `--no-worker` or BROADSHEET_WORKERS_ELSEWHERE=true leaves them out.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from broadsheet.core.env import env_bool
from broadsheet.ops.supervise import Supervisor


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


def worker_argv() -> list[str]:
    # No reloader (a supervised worker is restarted by us); leaves if serve is SIGKILLed.
    # At idle priority: a newsletter, a fan-out, an import or an aggregation takes only the
    # CPU the web leaves over, and a reader's page never waits behind them (bench/RESULTS.md,
    # "Newsletter send" and "Fediverse fan-out").
    argv = [sys.executable, "-m", "broadsheet", "worker", "--no-reload", "--exit-with-parent"]
    return [*argv, "--idle"]


def workers_elsewhere(no_worker: bool) -> bool:
    """--no-worker, or BROADSHEET_WORKERS_ELSEWHERE read strictly ("ture" is an error)."""
    try:
        return no_worker or env_bool("BROADSHEET_WORKERS_ELSEWHERE", False)
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc


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
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="run no task worker here: they run elsewhere (also BROADSHEET_WORKERS_ELSEWHERE)",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        access_log: bool,
        no_worker: bool,
        **options: Any,
    ) -> None:
        elsewhere = workers_elsewhere(no_worker)
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        tasks = "elsewhere" if elsewhere else "1 (supervised)"
        self.stdout.write(f"Broadsheet: web on http://{shown}/, task worker: {tasks}")
        self.stdout.write("Ctrl+C stops it.")
        self.stdout.flush()
        web = granian_argv(host, port, workers, threads, access_log)
        supervisor = Supervisor(web, None if elsewhere else worker_argv(), self._say)
        status = supervisor.run()
        if status:
            raise SystemExit(status)

    def _say(self, line: str) -> None:
        self.stderr.write(line)
        self.stderr.flush()
