"""The aggregation keeps itself going on the database queue: one chain, never two."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.stats import tasks

pytestmark = pytest.mark.django_db
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue() -> Iterator[None]:
    with override_settings(TASKS=DATABASE_QUEUE):
        yield


def waiting_runs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=tasks.aggregate.module_path))


def test_scheduling_twice_queues_one_run_for_later(queue: None) -> None:
    tasks.schedule(dt.timedelta(minutes=5))
    tasks.schedule(dt.timedelta(minutes=5))
    [run] = waiting_runs()
    assert run.run_after > timezone.now() + dt.timedelta(minutes=4)


def test_each_run_queues_the_next(queue: None) -> None:
    assert tasks.aggregate.call() == 0
    [run] = waiting_runs()
    assert run.status == "READY"


def test_a_stale_stats_page_queues_a_run_now(
    queue: None, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        tasks.refresh_if_stale()
    [run] = waiting_runs()
    assert run.task.run_after is None  # as soon as a worker is free
