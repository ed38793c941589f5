"""Sending to many subscribers on the real queue: batches, a server that stops taking mail
halfway, a worker that dies between the server's "250" and our record of it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.subscribers import sending
from broadsheet.subscribers.models import Delivery, Send, Subscriber, Suppression
from tests.subscribers.conftest import Inbox, run_queue
from tests.subscribers.publishing import publish

# The worker closes its database connection between tasks, as a worker process must; inside a
# test's transaction that would leave PostgreSQL's connection unusable, so these tests commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_queue")]
COUNT = 30


@pytest.fixture
def readers(blog: Blog, settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    settings.NEWSLETTER_RATE = 1_000_000  # no pacing wait in tests
    monkeypatch.setattr(sending, "BATCH", 7)  # several batches of a small list
    emails = [f"r{n:02d}@example.org" for n in range(COUNT)]
    Subscriber.objects.bulk_create(
        Subscriber(blog=blog, email=e, status=Subscriber.Status.CONFIRMED) for e in emails
    )
    return emails


def published(blog: Blog, author: User, capture: Any) -> None:
    with capture(execute=True):
        publish(blog, author)
    run_queue()


def test_every_subscriber_gets_the_post_once(
    readers: list[str],
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    published(blog, author, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients()) == readers
    assert Send.objects.get().finished_at is not None


def test_a_server_that_stops_midway_resumes_with_no_duplicate_and_no_one_skipped(
    readers: list[str],
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    smtp.refuse_after = 11
    published(blog, author, django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 11
    states = Counter(Delivery.objects.values_list("state", flat=True))
    assert states == {"sent": 11, "pending": COUNT - 11}
    send = Send.objects.get()
    assert send.paused_until is not None  # the next batch waits for the server
    smtp.refuse_after = None
    with time_machine.travel(send.paused_until + dt.timedelta(seconds=1)):
        run_queue()  # the batch queued for when the pause ends carries on
    assert Counter(smtp.recipients()) == Counter(readers)


def test_a_worker_killed_after_the_server_accepted_never_mails_twice(
    readers: list[str],
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marked = sending.mark_sent
    calls = 0

    def killed_on_the_ninth(delivery: Delivery) -> None:
        nonlocal calls
        calls += 1
        if calls == 9:  # the process dies after "250 OK", before it writes anything
            raise SystemExit("killed")
        marked(delivery)

    monkeypatch.setattr(sending, "mark_sent", killed_on_the_ninth)
    # The worker records the dead task as failed; the next batch, queued before the crash,
    # carries on.
    published(blog, author, django_capture_on_commit_callbacks)
    assert Counter(smtp.recipients()) == Counter(readers)  # each exactly once
    unknown = Delivery.objects.get(state=Delivery.State.SENDING)
    with time_machine.travel(timezone.now() + sending.STALE + dt.timedelta(seconds=5)):
        run_queue()  # the send waits until the unknown one is stale, then decides
    unknown.refresh_from_db()
    assert unknown.state == Delivery.State.FAILED and "unknown" in unknown.error
    assert Send.objects.get().finished_at is not None
    assert len(smtp.messages) == COUNT


def test_suppressed_and_unsubscribed_addresses_are_not_mailed(
    readers: list[str],
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Suppression.objects.create(email=readers[0], reason=Suppression.Reason.BOUNCE)
    Subscriber.objects.filter(email=readers[1]).update(status=Subscriber.Status.UNSUBSCRIBED)
    published(blog, author, django_capture_on_commit_callbacks)
    assert sorted(smtp.recipients()) == readers[2:]


def test_a_scheduled_post_is_sent_when_its_time_comes(
    readers: list[str],
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    soon = timezone.now() + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        post = publish(blog, author, at=soon)
    run_queue()
    assert smtp.messages == []  # not yet: the task waits for its time
    assert sending.start_post_send(post.pk, now=soon + dt.timedelta(seconds=1)) is not None
    assert sending.start_post_send(post.pk, now=soon + dt.timedelta(seconds=2)) is None
