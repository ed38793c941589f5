"""`broadsheet serve`: granian, one worker process per core, and a task worker unless they run
elsewhere (the processes run in test_serve_end_to_end.py and tests/scale)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management.base import CommandError

from broadsheet.ops.management.commands.serve import (
    default_workers,
    granian_argv,
    worker_argv,
    workers_elsewhere,
)


def test_one_worker_per_core_we_may_run_on() -> None:
    assert default_workers() == len(os.sched_getaffinity(0))


def test_granian_serves_the_wsgi_front_with_the_asked_sizes() -> None:
    argv = granian_argv("127.0.0.1", 8123, workers=3, threads=2, access_log=False)
    assert argv[-1] == "broadsheet.wsgi:application"
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "2"
    assert argv[argv.index("--port") + 1] == "8123"
    assert "--access-log" not in argv
    assert "--access-log" in granian_argv("::1", 80, 1, 1, access_log=True)


def test_workers_elsewhere_by_flag_or_strict_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROADSHEET_WORKERS_ELSEWHERE", raising=False)
    assert not workers_elsewhere(no_worker=False)
    assert workers_elsewhere(no_worker=True)
    monkeypatch.setenv("BROADSHEET_WORKERS_ELSEWHERE", "yes")
    assert workers_elsewhere(no_worker=False)
    monkeypatch.setenv("BROADSHEET_WORKERS_ELSEWHERE", "ture")
    with pytest.raises(CommandError, match="BROADSHEET_WORKERS_ELSEWHERE='ture' is neither"):
        workers_elsewhere(no_worker=False)


def test_the_supervised_worker_is_broadsheet_worker_without_reloader() -> None:
    argv = worker_argv()
    assert argv[1:4] == ["-m", "broadsheet", "worker"]
    # serve names itself: a worker that starts after serve died still knows to leave.
    assert "--no-reload" in argv and f"--exit-with-parent={os.getpid()}" in argv
    assert argv[-1] == "--idle"  # the web comes first when the CPU is short


def test_an_idle_worker_gives_way_to_every_other_process() -> None:
    code = (
        "import os; from broadsheet.worker.priority import run_when_idle;"
        " run_when_idle(); print(os.sched_getscheduler(0) == os.SCHED_IDLE)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "True", found.stderr
