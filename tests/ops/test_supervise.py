"""The supervisor behind `broadsheet serve`, with small stand-in children: the web server's end
is the service's end, a dead worker comes back, a signal stops both."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from broadsheet.ops import supervise
from broadsheet.ops.supervise import Supervisor, exit_status

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def dies_with(status: int, after: float = 0.3) -> list[str]:
    return [sys.executable, "-c", f"import sys, time; time.sleep({after}); sys.exit({status})"]


def records_pid(folder: Path) -> list[str]:
    code = f"import os, time; open('{folder}/' + str(os.getpid()), 'w').close(); time.sleep(60)"
    return [sys.executable, "-c", code]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(supervise, "FIRST_BACKOFF", 0.1)
    monkeypatch.setattr(supervise, "POLL_SECONDS", 0.05)


@pytest.fixture(autouse=True)
def own_signal_handlers() -> object:
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def test_the_web_servers_status_is_the_services_and_the_worker_stops(tmp_path: Path) -> None:
    said: list[str] = []
    supervisor = Supervisor(dies_with(3, after=2), records_pid(tmp_path), said.append)
    assert supervisor.run() == 3
    assert "The web server stopped (status 3)" in said[0]
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert workers and not any(alive(pid) for pid in workers)


def test_a_dead_worker_is_started_again_with_a_growing_back_off(tmp_path: Path) -> None:
    said: list[str] = []
    supervisor = Supervisor(SLEEPER, dies_with(1), said.append)
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert supervisor.run() == 0
    finally:
        timer.cancel()
    restarts = [line for line in said if line.startswith("The task worker stopped (1)")]
    assert len(restarts) >= 2
    assert "restarting in 0.1 s" in restarts[0] and "restarting in 0.2 s" in restarts[1]


def test_a_signal_stops_web_and_worker(tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    supervisor = Supervisor(records_pid(web), records_pid(tmp_path), print)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
    started = time.monotonic()
    assert supervisor.run() == 0
    assert time.monotonic() - started < 10
    pids = [int(p.name) for p in [*web.iterdir(), *tmp_path.glob("[0-9]*")]]
    assert len(pids) == 2 and not any(alive(pid) for pid in pids)


def test_a_child_killed_by_a_signal_reports_as_a_shell_does() -> None:
    assert exit_status(-9) == 137 and exit_status(0) == 0 and exit_status(2) == 2


def test_a_front_starts_once_the_web_answers_and_its_end_is_the_service_s(tmp_path: Path) -> None:
    said: list[str] = []
    asked: list[float] = []
    ready = lambda: bool(asked.append(time.monotonic()) or len(asked) > 3)  # noqa: E731
    supervisor = Supervisor(SLEEPER, None, said.append, front=dies_with(4), web_ready=ready)
    assert supervisor.run() == 4
    assert len(asked) == 4  # not started before the web answered, and asked no more after
    assert "The nginx front stopped (status 4)" in said[0]
    assert supervisor.web is not None and supervisor.web.poll() is not None  # web stopped too
