"""`jobs_waiting_without_worker`: a job queued over a minute ago while no worker beats."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries

from broadsheet.worker.health import jobs_waiting_without_worker
from broadsheet.worker.models import Heartbeat
from tests.worker.tasks import beating_workers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_queue")]

QUEUED = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def queue_job(run_after: dt.datetime | None = None) -> None:
    with time_machine.travel(QUEUED, tick=False):
        task = beating_workers.using(run_after=run_after) if run_after else beating_workers
        task.enqueue()


def worker_seen(at: dt.datetime) -> None:
    Heartbeat.objects.create(host="box", pid=1, started=QUEUED, last_seen=at)


def at(seconds: int) -> dt.datetime:
    return QUEUED + dt.timedelta(seconds=seconds)


def test_nothing_queued_is_nothing_waiting() -> None:
    assert not jobs_waiting_without_worker(at(3600))


def test_a_job_waiting_a_minute_with_no_worker_is_noticed() -> None:
    queue_job()
    assert not jobs_waiting_without_worker(at(30))
    assert jobs_waiting_without_worker(at(61))


def test_a_worker_seen_lately_means_no_alarm() -> None:
    queue_job()
    worker_seen(at(50))
    assert not jobs_waiting_without_worker(at(90))
    assert jobs_waiting_without_worker(at(111))  # its last beat is over a minute old


def test_a_delayed_job_waits_from_its_start_time() -> None:
    queue_job(run_after=at(600))
    assert not jobs_waiting_without_worker(at(620))
    assert jobs_waiting_without_worker(at(661))


def test_finished_jobs_are_not_waiting() -> None:
    queue_job()
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert not jobs_waiting_without_worker(at(3600))


def test_it_answers_with_one_query_when_the_queue_is_idle(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(1):
        jobs_waiting_without_worker(at(0))
