"""Whether queued work is being done: the question behind the studio's "no worker" notice."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from broadsheet.worker.models import Heartbeat

# A worker polls the queue every second, so a job a minute old has been missed, and a worker
# beats every few seconds, so one silent for a minute is gone.
WAIT_LIMIT = dt.timedelta(seconds=60)
SEEN_WITHIN = dt.timedelta(seconds=60)


def jobs_waiting_without_worker(now: dt.datetime | None = None) -> bool:
    """True when a job has waited over a minute to start and no worker has beaten lately.

    Asks the cheap question first: the queue's READY rows sit in a partial index, so an idle
    install answers with one query that reads no table rows.
    """
    now = now or timezone.now()
    if not _waiting_since(now - WAIT_LIMIT).exists():
        return False
    return not Heartbeat.seen_since(now - SEEN_WITHIN)


def _waiting_since(cutoff: dt.datetime) -> QuerySet[DBTaskResult]:
    # A job queued with `run_after` starts waiting then, not when it was queued; django-tasks
    # stores "no delay" as the largest date.
    due = Q(run_after=get_date_max()) | Q(run_after__lte=cutoff)
    return DBTaskResult.objects.filter(due, status=TaskResultStatus.READY, enqueued_at__lte=cutoff)
