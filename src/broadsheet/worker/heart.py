"""The worker's heartbeat: a thread that touches this process's `Heartbeat` row every few
seconds until the worker stops.

A thread, not a step of the worker's loop: an import can keep the loop inside one task for
minutes, and a worker busy with a long job is alive, not missing. The thread only writes one
small row of its own; it does no work of the queue's.
"""

from __future__ import annotations

import logging
import os
import platform
import threading

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from broadsheet.worker.models import Heartbeat

logger = logging.getLogger(__name__)


class Heart(threading.Thread):
    def __init__(self, every: float) -> None:
        # A daemon, so that a worker stopped by a second Ctrl+C never waits on it.
        super().__init__(name="worker-heartbeat", daemon=True)
        self.every = every
        self.host = platform.node()[:255]
        self.pid = os.getpid()
        self.started = timezone.now()
        self.stopping = threading.Event()

    def start(self) -> None:
        """Beat once before the worker takes its first job, then every `every` seconds."""
        self.beat()
        super().start()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                self.beat()
            self.forget()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)

    def beat(self) -> None:
        # A database that is restarting or locked costs one beat, not the heartbeat: the next
        # beat opens a new connection.
        try:
            close_old_connections()
            Heartbeat.beat(self.host, self.pid, self.started)
        except DatabaseError as exc:
            logger.warning("The worker's heartbeat could not be written: %s", exc)
            connection.close()

    def forget(self) -> None:
        """A worker that stops cleanly is gone at once, not in a minute."""
        try:
            Heartbeat.objects.filter(host=self.host, pid=self.pid).delete()
        except DatabaseError as exc:
            logger.warning("The worker's heartbeat could not be removed: %s", exc)
