"""The aggregation task, which keeps itself going: each run queues the next for
`BROADSHEET_STATS_EVERY_SECONDS` later. `broadsheet setup` and the Stats page start the chain
(`schedule`), so counting needs no extra command or timer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from broadsheet.stats import actions
from broadsheet.stats.models import Aggregation


@task()
def aggregate() -> int:
    """Fold the spool into the daily tables, then queue the next run."""
    try:
        return actions.aggregate()
    finally:
        schedule(dt.timedelta(seconds=settings.STATS_EVERY_SECONDS))


def schedule(after: dt.timedelta) -> None:
    """Queue a run `after` from now, unless one is already waiting (the chain is running).

    Backends that run tasks at once (the tests' immediate backend) cannot defer: there the
    chain would never end, so nothing is queued and callers run `actions.aggregate` themselves.
    """
    if not default_task_backend.supports_defer or waiting():
        return
    aggregate.using(run_after=timezone.now() + after).enqueue()


def waiting() -> bool:
    """A run is queued and not yet begun (the one running now is not waiting)."""
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    return ready.filter(task_path=aggregate.module_path).exists()


def refresh_if_stale(now: dt.datetime | None = None) -> None:
    """Queue a run now if none is waiting and the last finished over an interval ago (the
    Stats page asks: it also restarts a chain that was never started or was lost)."""
    now = now or timezone.now()
    last = Aggregation.objects.filter(pk=1).values_list("finished_at", flat=True).first()
    fresh = last is not None and now - last < dt.timedelta(seconds=settings.STATS_EVERY_SECONDS)
    if not fresh and not waiting():
        transaction.on_commit(aggregate.enqueue)
