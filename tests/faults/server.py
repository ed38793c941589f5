"""A real Broadsheet server (`broadsheet serve`: granian) on a free loopback port, and the
clients that write to it the way browsers do, recording each write the server acknowledged.

Used by the fault tests (SIGKILL mid-burst, a database restart under load) and by the soak
(`bench/soak/`). The server runs in its own process group, so killing the group kills the
granian main process and every worker at once, as a crash or an OOM kill of the service would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from django.core import signing

REPO = Path(__file__).resolve().parents[2]
SECRET = "fault-test-secret-" + "s" * 40
TOKEN_SALT = "broadsheet.comments.form-token"
SETUP = r"""
import django
django.setup()
from django.contrib.auth.models import User
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post

blog = Blog.objects.create(slug="notes", title="Field Notes", is_default=True)
user = User.objects.create_user("grace", "grace@example.com", "fault-test-password")
Membership.objects.create(blog=blog, user=user, role=Membership.Role.ADMIN)
for number in range(3):
    post = save_post(Post(blog=blog, author=user, title=f"Post {number}", source="Words.",
                          status=Post.Status.PUBLISHED))
print(post.pk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    data_dir: Path
    database_url: str = ""
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BROADSHEET_"))}
        keep.pop("DATABASE_URL", None)
        env = {
            **keep,
            "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
            "BROADSHEET_DATA_DIR": str(self.data_dir),
            "BROADSHEET_SECRET_KEY": SECRET,
            "BROADSHEET_LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(REPO),
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "broadsheet", *args],
            env=self.environment(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
        return result.stdout

    def prepare(self) -> int:
        """Migrate and create the blog; returns the id of a post that takes comments."""
        self.manage("migrate", "--verbosity", "0")
        result = subprocess.run(
            [sys.executable, "-c", SETUP],
            env=self.environment(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return int(result.stdout.strip().splitlines()[-1])

    def start(self, timeout: float = 30) -> None:
        self.log = self.data_dir / "server.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "broadsheet",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                env=self.environment(),
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 30) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/robots.txt", timeout=2).status_code == 200:
                    return time.monotonic() - started
            time.sleep(0.05)
        raise TimeoutError(f"the server did not answer within {timeout} s: {self.tail()}")

    def kill(self) -> None:
        """SIGKILL the whole process group: the master and every worker, mid-request."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def pids(self) -> list[int]:
        """Serve and every process under it (granian's main and workers, the task worker), for
        memory samples: granian's workers are serve's grandchildren."""
        if self.process is None:
            return []
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    parents[int(entry.name)] = int(fields[1])
        found = [self.process.pid]
        for pid in found:  # grows as it goes: a breadth-first walk down the tree
            found += [child for child, parent in parents.items() if parent == pid]
        return found

    def tail(self) -> str:
        return (
            self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else ""
        )


def form_token(post_id: int, nonce: str) -> str:
    """A comment form token as the server would have issued it a minute ago (the form wants a
    few seconds of typing; a test has none to spare)."""
    payload = {"p": post_id, "t": int(time.time()) - 60, "n": nonce}
    # The signer's own arguments, not django.conf.settings: the soak runs outside Django.
    signer = signing.TimestampSigner(key=SECRET, salt=TOKEN_SALT, fallback_keys=[])
    return signer.sign_object(payload, serializer=signing.JSONSerializer, compress=False)


@dataclass
class Writer:
    """One browser-like client writing comments (and, signed in, posts) in a loop."""

    server: Server
    post_id: int
    name: str
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (kind, unique text)
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)
    count: int = 0

    def comment(self) -> None:
        self.count += 1
        text = f"{self.name} comment {self.count} {time.monotonic_ns()}"
        csrf = self._csrf(f"/comments/token/{self.post_id}")
        data = {
            "body": text,
            "name": self.name,
            "csrfmiddlewaretoken": csrf,
            "token": form_token(self.post_id, f"{self.name}-{self.count}-{time.monotonic_ns()}"),
        }
        self._send("comment", text, f"/comments/post/{self.post_id}", data)

    def sign_in(self) -> None:
        csrf = self._csrf("/studio/login/")
        data = {"username": "grace", "password": "fault-test-password", "csrfmiddlewaretoken": csrf}
        response = self.session.post(
            self.server.url + "/studio/login/", data=data, timeout=10, allow_redirects=False
        )
        assert response.status_code == 302, response.status_code

    def publish(self) -> None:
        self.count += 1
        title = f"{self.name} post {self.count} {time.monotonic_ns()}"
        csrf = self._csrf("/studio/login/")
        data = {
            "title": title,
            "source": "Written under load.",
            "source_format": "markdown",
            "labels": "",
            "permalink": "",
            "search_description": "",
            "publish_at": "",
            "comments_allowed": "on",
            "intent": "publish",
            "csrfmiddlewaretoken": csrf,
        }
        self._send("post", title, "/studio/notes/posts/new/", data)

    def read(self, path: str) -> None:
        response = self.session.get(self.server.url + path, timeout=10)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1

    def _csrf(self, path: str) -> str:
        response = self.session.get(self.server.url + path, timeout=10)
        response.raise_for_status()
        return (
            self.session.cookies.get("csrftoken", domain="127.0.0.1")
            or self.session.cookies["csrftoken"]
        )

    def _send(self, kind: str, text: str, path: str, data: dict[str, Any]) -> None:
        response = self.session.post(
            self.server.url + path, data=data, timeout=10, allow_redirects=False
        )
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if 200 <= response.status_code < 400 and "login" not in response.headers.get(
            "Location", ""
        ):
            self.acknowledged.append((kind, text))
        elif response.status_code >= 500:
            self.errors.append(f"{kind} {response.status_code}")


def run_until(stop: threading.Event, work: Any) -> None:
    """Call `work` until told to stop; connection errors (a killed server) end nothing."""
    while not stop.is_set():
        try:
            work()
        except (requests.RequestException, AssertionError, KeyError):
            time.sleep(0.02)


@contextlib.contextmanager
def writers_running(writers: list[Writer], jobs: list[Any]) -> Iterator[threading.Event]:
    stop = threading.Event()
    threads = [threading.Thread(target=run_until, args=(stop, job), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    try:
        yield stop
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
