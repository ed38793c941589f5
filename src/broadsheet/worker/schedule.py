"""Queueing a task for a moment ahead, on any task backend."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks.base import Task


def enqueue_at(task: Task, when: dt.datetime, *args: object) -> None:
    """Queue `task` to run at `when`. A backend that cannot defer (the tests' immediate one)
    runs it now, or not at all when `when` lies ahead."""
    if task.get_backend().supports_defer:
        task.using(run_after=when).enqueue(*args)
    elif when <= timezone.now():
        task.enqueue(*args)
