"""The task worker's CPU priority: below every web process, so readers never wait behind it.

Plain Python (no Django), so that a test can check it in a bare interpreter."""

from __future__ import annotations

import os


def run_when_idle() -> None:
    """Give way to every other process: a web worker that wakes takes the core at once.

    `nice` only shrinks the worker's share: at nice 10 it still gets a tenth of a core that
    two web processes want, and lands in their slowest requests. SCHED_IDLE runs it only in
    the gaps. Starvation cannot deadlock: a web process waiting on a lock the worker holds
    sleeps, which leaves the core to the worker until it lets go."""
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    else:
        os.nice(19)
