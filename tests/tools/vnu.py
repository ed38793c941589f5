"""The Nu Html Checker (vnu), run once as a local HTTP service.

Starting the checker's JVM costs a few seconds, checking one page a few milliseconds: so the
suite starts one service per test process, on first use, and posts every page to it.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
STARTUP_TIMEOUT = 90.0  # seconds; a cold JVM on a busy 2-core CI machine is slow
REQUEST_TIMEOUT = 60.0

Message = dict[str, Any]

_MINIMAL_DOCUMENT = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>warm-up</title></head>"
    "<body><main><h1>Warm-up</h1><p>A <a href=/>link</a>.</p></main></body></html>"
)


class VnuError(RuntimeError):
    """The checker could not be started or did not answer sensibly."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class VnuService:
    """One running checker; `validate` posts a document and returns its errors."""

    def __init__(self, jar: Path = VNU_JAR, java: str | None = None) -> None:
        self.jar = jar
        self.java = java or shutil.which("java") or "java"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        # The JVM's output, for error messages; kept open as long as the service object.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._ready = False
        self._failure: VnuError | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Start the JVM and wait, at most `timeout` seconds, until it answers."""
        self.launch()
        self.wait_until_ready(timeout)

    def launch(self) -> None:
        """Start the JVM without waiting for it (it takes seconds: overlap them with work)."""
        if self.process is not None or self._failure is not None:
            return
        self._check_prerequisites()
        self.port = free_port()
        self._ready = False
        self.process = subprocess.Popen(
            self._command(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def wait_until_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Block until the checker answers; a clear VnuError if it dies or takes too long."""
        # A failure is final: every later test gets the same error at once, not a new wait.
        if self._failure is not None:
            raise self._failure
        deadline = time.monotonic() + timeout
        while not self._ready:
            if self.process is None or self.process.poll() is not None:
                self._fail("the checker exited during start-up")
            if time.monotonic() > deadline:
                self._fail(f"the checker did not answer within {timeout:.0f}s")
            self._ready = self._answers()
            if not self._ready:
                time.sleep(0.1)

    def _fail(self, reason: str) -> None:
        self._failure = VnuError(f"{reason}; its output:\n{self._log_tail()}")
        self.stop()
        raise self._failure

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def messages(self, html: str | bytes) -> list[Message]:
        """Every message the checker has about `html` (errors, warnings, info)."""
        body = html.encode() if isinstance(html, str) else html
        request = urllib.request.Request(
            self.url + "?out=json",
            data=body,
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            messages: list[Message] = json.load(response)["messages"]
        broken = [m for m in messages if m.get("type") == "non-document-error"]
        if broken:
            raise VnuError(f"the checker could not check the document: {broken}")
        return messages

    def validate(self, html: str | bytes, *, warnings: bool = False) -> list[Message]:
        """The errors in `html` (and its warnings too, if asked): empty means valid."""
        return [m for m in self.messages(html) if _is_error(m) or (warnings and _is_warning(m))]

    def _command(self) -> list[str]:
        return [
            self.java,
            # No -Xss512k (an old vnu tip): loading the schemas then overflows the stack.
            "-Xmx512m",
            "-cp",
            str(self.jar),
            "-Dnu.validator.servlet.bind-address=127.0.0.1",
            "nu.validator.servlet.Main",
            str(self.port),
        ]

    def _check_prerequisites(self) -> None:
        if not self.jar.is_file():
            raise VnuError(f"{self.jar} is missing: run `npm ci` at the repository root")
        if shutil.which(self.java) is None and not os.path.isfile(self.java):
            raise VnuError("no `java` on PATH: apt-get install default-jre-headless")

    def _answers(self) -> bool:
        # A real check, not just a GET: it also warms the JIT, which would otherwise make
        # the first test's check take seconds.
        try:
            self.messages(_MINIMAL_DOCUMENT)
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            return False
        return True

    def _log_tail(self, size: int = 4000) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-size:]


def _die_with_parent() -> None:
    # A killed test run (CI time-out, ^C twice) skips atexit: have the kernel stop the JVM too,
    # rather than leave it holding memory and a port.
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _is_error(message: Message) -> bool:
    return message.get("type") == "error"


def _is_warning(message: Message) -> bool:
    return message.get("type") == "info" and message.get("subType") == "warning"


@contextmanager
def vnu_service(jar: Path = VNU_JAR) -> Iterator[VnuService]:
    """A checker that lives for the `with` block."""
    service = VnuService(jar)
    service.start()
    try:
        yield service
    finally:
        service.stop()


_shared: VnuService | None = None


def shared_service(*, wait: bool = True) -> VnuService:
    """The one checker of this process, started on first call and stopped at exit.

    One per process rather than per fixture definition: the `vnu` fixture may be reachable
    both through the plugin and through a conftest that re-exports it, and each pytest-xdist
    worker is its own process. `wait=False` only launches it (see tests/tools/fixtures.py).
    """
    global _shared
    if _shared is None:
        _shared = VnuService()
        atexit.register(_shared.stop)
    _shared.launch()
    if wait:
        _shared.wait_until_ready()
    return _shared


def stop_shared_service() -> None:
    """Stop this process's checker, if one was started (it is also stopped at exit)."""
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def format_messages(messages: list[Message], *, limit: int = 20) -> str:
    """Messages as `line:column: text [extract]` lines, for assertion messages."""
    lines = [
        f"{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: "
        f"{m.get('type')}: {m.get('message')}  [{(m.get('extract') or '').strip()[:80]!r}]"
        for m in messages[:limit]
    ]
    if len(messages) > limit:
        lines.append(f"... and {len(messages) - limit} more")
    return "\n".join(lines)
