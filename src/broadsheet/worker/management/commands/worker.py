"""`broadsheet worker`: run the database task queue (imports, notification mail, WebSub pings)
and record a heartbeat every few seconds, so the studio can tell when nobody runs the queue.

It is django-tasks-db's `db_worker` with every one of its options; `broadsheet db_worker`
still works, but without a heartbeat the studio cannot see it and would warn that jobs wait.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from broadsheet.worker.heart import Heart
from broadsheet.worker.parent import exit_with_parent
from broadsheet.worker.priority import run_when_idle


class Command(DatabaseWorkerCommand):
    help = "Run the task queue (django-tasks on the database), recording a heartbeat."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--beat-every",
            type=float,
            default=5.0,
            help="seconds between heartbeats (default: 5; the studio waits 60 before it warns)",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=0,
            help="lower this process's CPU priority by this much",
        )
        parser.add_argument(
            "--idle",
            action="store_true",
            help="run only on CPU time nothing else wants (Linux SCHED_IDLE; broadsheet serve"
            " runs its worker so); elsewhere the same as --nice 19",
        )
        parser.add_argument(
            "--exit-with-parent",
            nargs="?",
            const=0,
            type=int,
            metavar="PID",
            help="stop (gracefully) when the process that started this one dies (PID: that"
            " process, as broadsheet serve gives it; without it, the parent at start)",
        )

    def handle(self, **options: Any) -> None:
        beat_every = options.pop("beat_every")
        if nice := options.pop("nice"):
            os.nice(nice)
        if options.pop("idle"):
            run_when_idle()
        if (parent := options.pop("exit_with_parent")) is not None:
            exit_with_parent(parent)
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's parent only watches files; the child it starts does the work
            # and beats.
            super().handle(**options)
            return
        heart = Heart(beat_every)
        heart.start()
        try:
            super().handle(**options)
        finally:
            heart.stop()
