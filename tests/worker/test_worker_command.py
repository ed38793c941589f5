"""`broadsheet worker`: django-tasks-db's worker, with a heartbeat while it runs."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.worker.models import Heartbeat
from tests.worker.tasks import beating_workers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_queue", "own_signal_handlers"),
]


def run_worker(*args: str) -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0", *args)


def test_a_running_worker_has_a_heartbeat_and_forgets_it_when_it_stops() -> None:
    queued = beating_workers.enqueue()
    run_worker()
    done = DBTaskResult.objects.get(pk=queued.id)
    assert done.status == "SUCCESSFUL"
    assert done.return_value == [os.getpid()]  # seen while the job ran
    assert not Heartbeat.objects.exists()  # stopped cleanly: gone at once


def test_a_beat_prunes_workers_gone_for_long() -> None:
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Heartbeat.objects.create(host="old-box", pid=7, started=long_ago, last_seen=long_ago)
    recent = timezone.now() - dt.timedelta(minutes=5)
    Heartbeat.objects.create(host="other-box", pid=8, started=recent, last_seen=recent)
    beating_workers.enqueue()
    run_worker()
    assert list(Heartbeat.objects.values_list("host", flat=True)) == ["other-box"]


def test_db_worker_still_runs_the_queue() -> None:
    queued = beating_workers.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")
    assert DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL"


def test_a_nonsense_beat_interval_is_refused() -> None:
    with pytest.raises(Exception, match="beat-every"):
        run_worker("--beat-every", "soon")
