"""Tasks the worker tests queue: each reports what it could see while the worker ran it."""

from __future__ import annotations

from django_tasks import task

from broadsheet.worker.models import Heartbeat


@task()
def beating_workers() -> list[int]:
    """The process ids whose heartbeat is recorded while this task runs."""
    return list(Heartbeat.objects.values_list("pid", flat=True))
