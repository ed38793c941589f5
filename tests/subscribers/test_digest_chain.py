"""The weekly digest's chain of tasks on the real queue: it outlives a run that fails, and a
publish mends a chain that a killed worker broke."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.blogs.models import Blog
from broadsheet.subscribers import digest, tasks
from broadsheet.subscribers.models import Subscriber
from tests.subscribers.conftest import Inbox, run_queue
from tests.subscribers.publishing import publish

# The worker closes its connection between tasks (see test_sending.py): these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_queue")]


def waiting_runs() -> list[Any]:
    ready = DBTaskResult.objects.filter(task_path=digest.TASK_PATH, status="READY")
    return list(ready.values_list("run_after", flat=True))


@pytest.fixture
def weekly(blog: Blog) -> Subscriber:
    return Subscriber.objects.create(
        blog=blog, email="weekly@example.org", status="confirmed", frequency="weekly"
    )


def test_a_run_that_fails_leaves_next_mondays_run_queued(
    weekly: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(*args: object) -> None:
        raise RuntimeError("the database went away mid-run")

    monkeypatch.setattr(digest, "make_digest", dies)
    tasks.weekly_digest.enqueue()
    run_queue()
    assert waiting_runs() == [digest.next_monday(timezone.now())]
    assert DBTaskResult.objects.filter(task_path=digest.TASK_PATH, status="FAILED").exists()


def test_a_publish_mends_a_chain_a_killed_worker_broke(
    blog: Blog, author: User, weekly: Subscriber, smtp: Inbox, settings: Any
) -> None:
    settings.NEWSLETTER_RATE = 1_000_000
    # A worker killed inside the digest task leaves it running forever and nothing waiting.
    DBTaskResult.objects.filter(task_path=digest.TASK_PATH).delete()
    assert waiting_runs() == []
    publish(blog, author)
    run_queue()
    assert waiting_runs() == [digest.next_monday(timezone.now())]
    digest.ensure_scheduled()
    assert len(waiting_runs()) == 1  # one chain, however many ask
