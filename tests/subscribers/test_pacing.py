"""A send keeps to its pace mail by mail, so that the worker never takes a core in one burst
while the web serves readers (bench/RESULTS.md, "Newsletter send")."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.subscribers import sending
from broadsheet.subscribers.models import Subscriber
from tests.conftest import MakePost
from tests.subscribers.conftest import Inbox

pytestmark = pytest.mark.django_db


def test_a_batch_holds_five_seconds_of_mail_at_the_pace(settings: Any) -> None:
    for rate, size in ((600, 50), (60, 5), (1, 1), (1_000_000, sending.BATCH)):
        settings.NEWSLETTER_RATE = rate
        assert sending.batch_size() == size


def test_the_mails_of_a_batch_are_spread_over_its_time(
    blog: Blog, make_post: MakePost, smtp: Inbox, settings: Any
) -> None:
    settings.NEWSLETTER_RATE = 600  # the default: a mail every 100 ms, four gaps for five
    emails = [f"r{n}@example.org" for n in range(5)]
    Subscriber.objects.bulk_create(
        Subscriber(blog=blog, email=e, status="confirmed") for e in emails
    )
    post = make_post(published_at=timezone.now())
    started = time.monotonic()
    sending.start_post_send(post.pk)  # the tests' queue runs the one batch at once
    assert time.monotonic() - started >= 0.4  # unpaced, five mails take some 40 ms
    assert sorted(smtp.recipients()) == emails
