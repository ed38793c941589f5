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

`--front nginx` (or `auto`, which `make run` uses: nginx if installed) puts nginx on the public
address and granian on a loopback port behind it, with the page mirror on, so hot pages are
answered as files without crossing into Python (`broadsheet.ops.front`).
"""

from __future__ import annotations

import os
import socket
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import setting_changed

from broadsheet.core.env import env_bool
from broadsheet.ops import front as fronts
from broadsheet.ops.supervise import Supervisor
from broadsheet.stats import spool


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
    # No reloader (a supervised worker is restarted by us); leaves if serve is SIGKILLed,
    # even before it began watching (its parent named: `worker.parent`).
    # At idle priority: a newsletter, a fan-out, an import or an aggregation takes only the
    # CPU the web leaves over, and a reader's page never waits behind them (bench/RESULTS.md,
    # "Newsletter send" and "Fediverse fan-out").
    argv = [sys.executable, "-m", "broadsheet", "worker", "--no-reload"]
    argv.append(f"--exit-with-parent={os.getpid()}")
    return [*argv, "--idle"]


def workers_elsewhere(no_worker: bool) -> bool:
    """--no-worker, or BROADSHEET_WORKERS_ELSEWHERE read strictly ("ture" is an error)."""
    try:
        return no_worker or env_bool("BROADSHEET_WORKERS_ELSEWHERE", False)
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc


def loopback_port() -> int:
    """A free port on 127.0.0.1 for granian behind the front."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def listening(host: str, port: int) -> bool:
    """Something accepts connections there (granian, once its workers are up)."""
    try:
        socket.create_connection((host, port), timeout=0.2).close()
    except OSError:
        return False
    return True


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
        parser.add_argument(
            "--front",
            choices=("none", "nginx", "auto"),
            default=os.environ.get("BROADSHEET_FRONT", "none"),
            help="nginx on the public address, serving published pages as files "
            "(auto: if installed; default: none, or BROADSHEET_FRONT)",
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
        front: str,
        **options: Any,
    ) -> None:
        elsewhere = workers_elsewhere(no_worker)
        shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        nginx = None if front == "none" else self._nginx(front == "nginx", host, port)
        if nginx is None:
            fronts.retire()
        tasks = "elsewhere" if elsewhere else "1 (supervised)"
        served = ", nginx in front (pages as files)" if nginx else ""
        self.stdout.write(f"Broadsheet: web on http://{shown}/{served}, task worker: {tasks}")
        self.stdout.write("Ctrl+C stops it.")
        self.stdout.flush()
        web_host, web_port = ("127.0.0.1", nginx[1]) if nginx else (host, port)
        web = granian_argv(web_host, web_port, workers, threads, access_log)
        worker = None if elsewhere else worker_argv()
        tick = fronts.DueKeeper().tick if settings.PAGE_MIRROR_SCHEDULED else None
        supervisor = Supervisor(
            web, worker, self._say, front=nginx[0] if nginx else None, tick=tick,
            web_ready=lambda: listening("127.0.0.1", web_port),
        )  # fmt: skip
        status = supervisor.run()
        if status:
            raise SystemExit(status)

    def _nginx(self, required: bool, host: str, port: int) -> tuple[list[str], int] | None:
        """nginx's command and granian's port behind it; None (said why) when `auto` finds
        no usable nginx. The children inherit the mirror and proxy settings it needs."""
        program = fronts.binary()
        if program is None:
            self._no_front(required, "nginx is not installed (apt-get install nginx-light)")
            return None
        app_port = loopback_port()
        argv = fronts.prepare(program, host, port, app_port)
        if problem := fronts.problem(argv):
            self._no_front(required, f"nginx refused its configuration: {problem}")
            return None
        spool.folder().mkdir(parents=True, exist_ok=True)  # nginx counts reads there
        self._mirror_on()
        return argv, app_port

    def _mirror_on(self) -> None:
        """The children write the page files and count clients by our nginx's header; this
        process moves a blog's version when a scheduled post comes due (`DueKeeper`)."""
        mirror = str(fronts.mirror_folder())
        os.environ["BROADSHEET_PAGE_MIRROR_DIR"] = mirror
        os.environ["BROADSHEET_PAGE_MIRROR_SCHEDULED"] = "true"
        # Client addresses (rate limits, lock-outs) from the header our nginx adds.
        os.environ["BROADSHEET_BEHIND_PROXY"] = "true"
        changes: dict[str, object] = {"PAGE_MIRROR_DIR": mirror, "PAGE_MIRROR_SCHEDULED": True}
        for name, value in changes.items():
            setattr(settings, name, value)
            setting_changed.send(sender=Command, setting=name, value=value, enter=True)

    def _no_front(self, required: bool, why: str) -> None:
        if required:
            raise CommandError(f"--front nginx: {why}")
        self._say(f"{why}; serving with granian alone.")

    def _say(self, line: str) -> None:
        self.stderr.write(line)
        self.stderr.flush()
