"""`broadsheet worker --exit-with-parent` (worker/parent.py): a supervised worker leaves when
the serve that started it is gone, even when serve died before the worker began to watch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

WATCH = (
    "import sys, time; from broadsheet.worker.parent import exit_with_parent;"
    "exit_with_parent(int(sys.argv[1])); print('watching', flush=True); time.sleep(30)"
)


def watching(parent: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    argv = [sys.executable, "-c", WATCH, str(parent)]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)


def test_a_worker_whose_starter_is_already_gone_stops_at_once() -> None:
    # The starter named here is not this child's parent: it died before the watch began,
    # and the child's parent is now someone else (the reaper, in life).
    child = watching(parent=os.getppid())
    assert child.wait(timeout=10) == -signal.SIGTERM


def test_a_worker_whose_starter_lives_keeps_working() -> None:
    child = watching(parent=os.getpid())
    try:
        assert child.stdout is not None and child.stdout.readline() == "watching\n"
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=2.5)  # two of the watch's checks
    finally:
        child.kill()
        child.wait()
