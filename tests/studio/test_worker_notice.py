"""The studio warns when background jobs wait with no task worker to run them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from broadsheet.blogs.models import Blog
from broadsheet.worker.models import Heartbeat
from tests.studio.conftest import url
from tests.worker.tasks import beating_workers

QUEUED = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
NOTICE = "no task worker is running"


@pytest.fixture(autouse=True)
def database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued_job(db: Any) -> None:
    with time_machine.travel(QUEUED, tick=False):
        beating_workers.enqueue()


def dashboard(client: Client, seconds_later: int) -> str:
    with time_machine.travel(QUEUED + dt.timedelta(seconds=seconds_later), tick=False):
        response = client.get(url("dashboard", "notes"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_job_waiting_over_a_minute_without_a_worker_is_shown(
    blog: Blog, author: User, signed_in: Any, queued_job: None
) -> None:
    page = dashboard(signed_in(author), 61)
    assert NOTICE in page and "broadsheet worker" in page and "--no-worker" in page


def test_no_notice_for_a_fresh_job(
    blog: Blog, author: User, signed_in: Any, queued_job: None
) -> None:
    assert NOTICE not in dashboard(signed_in(author), 30)


def test_no_notice_while_a_worker_beats(
    blog: Blog, author: User, signed_in: Any, queued_job: None
) -> None:
    seen = QUEUED + dt.timedelta(seconds=55)
    Heartbeat.objects.create(host="box", pid=42, started=QUEUED, last_seen=seen)
    assert NOTICE not in dashboard(signed_in(author), 90)
    assert NOTICE in dashboard(signed_in(author), 120)  # its beats stopped a minute ago


def test_no_notice_once_the_job_has_run(
    blog: Blog, author: User, signed_in: Any, queued_job: None
) -> None:
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert NOTICE not in dashboard(signed_in(author), 3600)


def test_the_sign_in_page_says_nothing(queued_job: None) -> None:
    with time_machine.travel(QUEUED + dt.timedelta(seconds=120), tick=False):
        assert NOTICE not in Client().get(url("login")).content.decode()


def test_the_check_costs_one_query_on_an_idle_queue(
    blog: Blog, author: User, signed_in: Any
) -> None:
    client = signed_in(author)
    client.get(url("dashboard", "notes"))
    with CaptureQueriesContext(connection) as counted:
        client.get(url("dashboard", "notes"))
    queue = [q for q in counted.captured_queries if "django_tasks_database" in q["sql"]]
    beats = [q for q in counted.captured_queries if "worker_heartbeat" in q["sql"]]
    assert (len(queue), len(beats)) == (1, 0)
