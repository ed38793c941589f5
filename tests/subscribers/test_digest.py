"""The weekly digest: the week's posts, once, to those who chose it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.subscribers import digest
from broadsheet.subscribers.models import Send, Subscriber
from tests.subscribers.conftest import Inbox, text_part

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)  # a Sunday
MONDAY = dt.datetime(2024, 10, 21, 7, 0, tzinfo=dt.UTC)  # the digest's hour after it


@pytest.fixture
def weekly(blog: Blog) -> Subscriber:
    return Subscriber.objects.create(
        blog=blog, email="weekly@example.org", status="confirmed", frequency="weekly"
    )


def run(when: dt.datetime, capture: Any) -> int:
    """A run of the digest task at `when`, its mail sent as the queue would send it."""
    with capture(execute=True):
        return digest.run_weekly(when)


def test_weekly_subscribers_get_one_digest_of_the_weeks_posts(
    blog: Blog,
    weekly: Subscriber,
    make_post: Any,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Subscriber.objects.create(blog=blog, email="each@example.org", status="confirmed")
    make_post(title="Old news", published_at=NOON - dt.timedelta(days=9))
    make_post(title="Beans", published_at=NOON - dt.timedelta(days=2))
    later = MONDAY + dt.timedelta(minutes=1)
    assert run(later, django_capture_on_commit_callbacks) == 1
    assert run(later, django_capture_on_commit_callbacks) == 0  # one digest a week
    (mail,) = smtp.messages
    assert mail["To"] == "weekly@example.org"
    assert "Beans" in text_part(mail) and "Old news" not in text_part(mail)
    assert Send.objects.get().kind == Send.Kind.DIGEST


def test_the_digest_runs_on_monday_morning() -> None:
    assert digest.next_monday(NOON) == MONDAY
    assert digest.next_monday(MONDAY - dt.timedelta(hours=1)) == MONDAY  # not a week later
    assert digest.next_monday(MONDAY) == MONDAY + digest.WEEK


def test_a_late_run_sends_the_digest_owed_and_leaves_newer_posts_for_next_week(
    weekly: Subscriber, make_post: Any, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    make_post(title="Beans", published_at=NOON)
    make_post(title="Leeks", published_at=MONDAY + dt.timedelta(days=1))
    wednesday = MONDAY + dt.timedelta(days=2)  # the worker was down on Monday
    assert run(wednesday, django_capture_on_commit_callbacks) == 1
    assert run(wednesday + dt.timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert run(MONDAY + digest.WEEK, django_capture_on_commit_callbacks) == 1
    first, second = (text_part(mail) for mail in smtp.messages)
    assert "Beans" in first and "Leeks" not in first
    assert "Leeks" in second and "Beans" not in second


def test_a_week_whose_run_never_came_is_carried_by_the_next_digest(
    weekly: Subscriber, make_post: Any, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    make_post(title="Beans", published_at=NOON)
    assert run(MONDAY, django_capture_on_commit_callbacks) == 1
    make_post(title="Leeks", published_at=MONDAY + dt.timedelta(days=2))
    make_post(title="Peas", published_at=MONDAY + dt.timedelta(days=9))
    # No run on the next Monday (the chain was broken): the one after carries both weeks.
    assert run(MONDAY + 2 * digest.WEEK, django_capture_on_commit_callbacks) == 1
    later = text_part(smtp.messages[-1])
    assert "Leeks" in later and "Peas" in later and "Beans" not in later
    assert Send.objects.filter(kind=Send.Kind.DIGEST).count() == 2
