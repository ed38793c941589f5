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
NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)


def test_weekly_subscribers_get_one_digest_of_the_weeks_posts(
    blog: Blog, make_post: Any, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    Subscriber.objects.create(
        blog=blog, email="weekly@example.org", status="confirmed", frequency="weekly"
    )
    Subscriber.objects.create(blog=blog, email="each@example.org", status="confirmed")
    make_post(title="Old news", published_at=NOON - dt.timedelta(days=9))
    make_post(title="Beans", published_at=NOON - dt.timedelta(days=2))
    later = NOON + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.run_weekly(later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.run_weekly(later) == 0  # one digest a week
    (mail,) = smtp.messages
    assert mail["To"] == "weekly@example.org"
    assert "Beans" in text_part(mail) and "Old news" not in text_part(mail)
    assert Send.objects.get().kind == Send.Kind.DIGEST


def test_the_digest_runs_on_monday_morning() -> None:
    assert digest.next_monday(NOON) == dt.datetime(2024, 10, 21, 7, 0, tzinfo=dt.UTC)
