"""`broadsheet serve` as an operator runs it: one command after `broadsheet setup`, and an import
started in the studio finishes, because serve runs the task worker too. The worker comes back
when killed, and stopping serve leaves no process behind.

Everything runs for real: the production settings (the database task queue, not the immediate
backend of the other tests), granian, `broadsheet worker`, a signed-in `requests` session.
Every wait is bounded, so a bug fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.faults.server import free_port
from tests.portability.conftest import BLOGGER

REPO = Path(__file__).resolve().parents[2]
ADMIN, PASSWORD = "ops@example.com", "a long and careful passphrase"


@dataclass
class Install:
    data: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "broadsheet", *args]
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=180)

    def heartbeat_pids(self) -> list[int]:
        with contextlib.closing(sqlite3.connect(self.data / "broadsheet.sqlite3")) as db:
            return [row[0] for row in db.execute("SELECT pid FROM worker_heartbeat")]


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    data = tmp_path_factory.mktemp("install")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BROADSHEET_"))}
    for name in ("DATABASE_URL", "REDIS_URL", "MEDIA_STORAGE"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        BROADSHEET_DATA_DIR=str(data),
        BROADSHEET_BASE_DOMAIN="127.0.0.1",
        BROADSHEET_ADMIN_EMAIL=ADMIN,
        BROADSHEET_ADMIN_PASSWORD=PASSWORD,
        BROADSHEET_LOG_LEVEL="WARNING",
    )
    made = Install(data, env)
    setup = made.run("setup")
    assert setup.returncode == 0, setup.stderr
    return made


def wait_for(what: str, check: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException, OSError, sqlite3.Error):
            found = check()
            if found:
                return found
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
    found = [pid]
    for each in found:
        found += [child for child, parent in parents.items() if parent == each]
    return found[1:]


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Serving:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def worker(self) -> int | None:
        children = descendants(self.process.pid)
        workers = [pid for pid in children if " worker " in command_line(pid) + " "]
        return workers[0] if len(workers) == 1 and alive(workers[0]) else None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def serving(install: Install) -> Iterator[Serving]:
    port = free_port()
    log = install.data / f"serve-{port}.log"
    argv = [sys.executable, "-m", "broadsheet", "serve", "--port", str(port), "--workers", "1"]
    with log.open("w") as out:
        process = subprocess.Popen(
            argv, env=install.env, stdout=out, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
    started = Serving(process, f"http://127.0.0.1:{port}", log)
    seen: set[int] = set()
    try:
        wait_for("the server answers", lambda: requests.get(started.url + "/", timeout=2).ok)
        seen.update(descendants(process.pid))
        yield started
    finally:
        seen.update(descendants(process.pid))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        for pid in seen:  # the worker has a process group of its own
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def sign_in(url: str) -> requests.Session:
    session = requests.Session()
    form = session.get(url + "/studio/login/", timeout=10).text
    data = {"username": ADMIN, "password": PASSWORD, "csrfmiddlewaretoken": csrf(form)}
    answer = session.post(url + "/studio/login/", data=data, timeout=10, allow_redirects=False)
    assert answer.status_code == 302, answer.status_code
    return session


def csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def import_backup(session: requests.Session, url: str) -> str:
    page = session.get(url + "/studio/demo/import/", timeout=10)
    assert page.status_code == 200
    sample = BLOGGER / "blogger-sample.xml"
    with sample.open("rb") as file:
        answer = session.post(
            url + "/studio/demo/import/",
            data={"format": "blogger", "csrfmiddlewaretoken": csrf(page.text)},
            files={"file": (sample.name, file, "application/xml")},
            timeout=30,
            allow_redirects=False,
        )
    assert answer.status_code == 302, answer.text[-2000:]
    return url + answer.headers["Location"]


def test_serve_runs_the_imports_it_queues_and_restarts_its_worker(
    install: Install, serving: Serving
) -> None:
    out = serving.output()
    assert "task worker: 1 (supervised)" in out and serving.url in out
    session = sign_in(serving.url)
    home = session.get(serving.url + "/studio/", timeout=10).text
    assert "Field Notes from Plot 14" in home  # the site admin sees the install's blog

    job = import_backup(session, serving.url)
    page = wait_for("the import finishes", lambda: done(session.get(job, timeout=10).text), 60)
    assert "posts: 3 new, 0 updated" in page

    worker = wait_for("a task worker", serving.worker)
    assert worker in wait_for("its heartbeat", install.heartbeat_pids)
    os.kill(worker, signal.SIGKILL)
    again = wait_for("a new task worker", lambda: serving.worker() not in (None, worker))
    assert again, serving.output()
    assert "The task worker stopped (-9); restarting in 1 s." in serving.output()

    children = descendants(serving.process.pid)
    serving.process.send_signal(signal.SIGTERM)
    assert serving.process.wait(timeout=90) == 0
    wait_for("every child gone", lambda: not any(alive(pid) for pid in children), 10)


def done(html: str) -> str | None:
    return html if 'Status: <strong id="import-status-label">Done' in html else None


def test_when_the_web_server_dies_serve_stops_the_worker_with_its_status(
    serving: Serving,
) -> None:
    worker = wait_for("a task worker", serving.worker)
    granian = next(p for p in descendants(serving.process.pid) if "granian" in command_line(p))
    os.kill(granian, signal.SIGKILL)
    assert serving.process.wait(timeout=90) == 128 + signal.SIGKILL
    wait_for("the worker gone", lambda: not alive(worker), 10)
    assert "The web server stopped" in serving.output()
