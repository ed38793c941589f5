"""`broadsheet serve`'s children: the web server (granian) and the task worker, kept running
together as one service.

The web server's life is the service's: when it stops, everything stops, with its status. The
task worker is restarted when it dies, after a back-off that doubles while it keeps dying
young, so a worker that cannot start (a broken database) does not spin a core.

The worker runs in its own process group: a Ctrl+C in the terminal reaches granian and this
process but not the worker, which gets one SIGTERM from here and so finishes its current job
instead of being forced by a second signal. It leaves by itself if this process is SIGKILLed
(`broadsheet worker --exit-with-parent`). Granian stays in our group, so killing the group
(an OOM kill of the service, the fault tests) still takes every web process at once.

With `--front nginx` (`ops.front`) nginx is a third child, in our group too, and as much the
service as granian: when either stops, everything stops. The kernel sends it SIGTERM if this
process dies without stopping it, so a SIGKILLed serve does not leave nginx holding the port.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType

POLL_SECONDS = 0.2
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
# A worker that ran this long before dying was working, not failing to start: retry soon.
STEADY_SECONDS = 60.0
# How long each child may take to stop cleanly before it is killed: the worker finishes the
# job in hand (systemd's own stop timeout is 90 s).
STOP_SECONDS = {"web": 10.0, "front": 10.0, "worker": 60.0}
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def exit_status(returncode: int) -> int:
    """A child's status as a shell reports it: 128 + N for a child killed by signal N."""
    return 128 - returncode if returncode < 0 else returncode


def _ends_with_parent() -> None:
    """In the child, before it runs nginx: SIGTERM when serve dies, however it dies."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    def __init__(
        self,
        web: list[str],
        worker: list[str] | None,
        say: Callable[[str], None],
        front: list[str] | None = None,
        tick: Callable[[float], None] | None = None,
        web_ready: Callable[[], bool] = lambda: True,
    ) -> None:
        self.web_argv, self.worker_argv, self.say = web, worker, say
        self.front_argv, self.tick, self.web_ready = front, tick, web_ready
        self.web: subprocess.Popen[bytes] | None = None
        self.front: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_started = 0.0
        self.backoff = FIRST_BACKOFF
        self.restart_at = 0.0
        self.signalled: int | None = None

    def run(self) -> int:
        """Start both, watch them until a signal or the web server's end; return the status."""
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._on_signal)
        try:
            self.web = subprocess.Popen(self.web_argv)
            return self._watch()
        finally:
            self._stop_all()

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self.signalled = number

    def _watch(self) -> int:
        assert self.web is not None
        while self.signalled is None:
            for name, child in (("web server", self.web), ("nginx front", self.front)):
                returncode = None if child is None else child.poll()
                if returncode is not None:
                    self.say(f"The {name} stopped (status {returncode}); stopping the rest.")
                    return exit_status(returncode)
            self._keep_worker()
            self._start_front()
            if self.tick is not None:
                self.tick(time.time())
            time.sleep(POLL_SECONDS)
        return 0

    def _start_front(self) -> None:
        """nginx once granian answers: a reader is never sent to an app not listening yet."""
        if self.front_argv is None or self.front is not None or not self.web_ready():
            return
        # preexec_fn is safe here: serve runs no thread.
        self.front = subprocess.Popen(self.front_argv, preexec_fn=_ends_with_parent)

    def _keep_worker(self) -> None:
        if self.worker_argv is None:
            return
        if self.worker is not None and self.worker.poll() is not None:
            self._worker_died(self.worker.returncode)
        if self.worker is None and time.monotonic() >= self.restart_at:
            self.worker = subprocess.Popen(self.worker_argv, process_group=0)
            self.worker_started = time.monotonic()

    def _worker_died(self, returncode: int) -> None:
        ran = time.monotonic() - self.worker_started
        self.backoff = FIRST_BACKOFF if ran >= STEADY_SECONDS else self.backoff
        self.restart_at = time.monotonic() + self.backoff
        self.say(f"The task worker stopped ({returncode}); restarting in {self.backoff:g} s.")
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)
        self.worker = None

    def _stop_all(self) -> None:
        children = {"web": self.web, "front": self.front, "worker": self.worker}
        running = {name: c for name, c in children.items() if c is not None and c.poll() is None}
        for child in running.values():
            child.send_signal(signal.SIGTERM)
        for name, child in running.items():
            try:
                child.wait(timeout=STOP_SECONDS[name])
            except subprocess.TimeoutExpired:
                self.say(f"The {name} did not stop in {STOP_SECONDS[name]:g} s; killing it.")
                child.kill()
                child.wait()
