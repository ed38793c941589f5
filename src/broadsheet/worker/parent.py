"""A supervised worker leaves when its supervisor is gone.

`broadsheet serve` runs the worker in a process group of its own (so that a Ctrl+C meant for
the service reaches it once, through serve); the price is that killing serve's group no longer
reaches the worker, so the worker watches for itself.
"""

from __future__ import annotations

import os
import signal
import threading

CHECK_SECONDS = 1.0


def exit_with_parent(parent: int | None = None) -> threading.Thread:
    """Send this process SIGTERM (the worker's graceful stop) once its parent has died.

    `parent` is the pid the starter gave (`broadsheet serve` passes its own): read here,
    after Django's set-up, `os.getppid()` may already be the reaper's when serve was killed
    meanwhile, and the watch would wait for it forever; with the starter's pid, a parent
    gone before the watch began stops the worker at once."""
    parent = parent or os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="worker-parent-watch", daemon=True)
    thread.start()
    return thread
