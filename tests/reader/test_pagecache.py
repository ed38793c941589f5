"""Parts of pages kept per content version (`fragments.remember`)."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.reader.pagecache import remember
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_part_is_computed_once_per_content_version(blog: Blog) -> None:
    compute = Counter()
    assert remember(blog, "sidebar", compute, NOON) == 1
    assert remember(blog, "sidebar", compute, NOON) == 1
    bump_content_version(blog)
    assert remember(blog, "sidebar", compute, NOON) == 2
    assert remember(blog, "other", compute, NOON) == 3


def test_a_part_expires_at_the_next_scheduled_publish(blog: Blog, make_post: MakePost) -> None:
    make_post("Later", published_at=NOON + dt.timedelta(hours=1))
    blog.refresh_from_db()
    compute = Counter()
    remember(blog, "sidebar", compute, NOON)
    assert remember(blog, "sidebar", compute, NOON + dt.timedelta(minutes=59)) == 1
    assert remember(blog, "sidebar", compute, NOON + dt.timedelta(hours=1, seconds=1)) == 2


def test_the_next_publish_is_asked_once_per_page_and_never_stale(
    blog: Blog, make_post: MakePost
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from broadsheet.reader.pagecache import next_publish

    later = NOON + dt.timedelta(hours=2)
    make_post("Later", published_at=later)
    blog.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        assert next_publish(blog, NOON) == later
        assert next_publish(blog, NOON + dt.timedelta(minutes=1)) == later
    assert len(queries) == 1
    # A post scheduled sooner (a write: the content version moves) is seen at once.
    sooner = NOON + dt.timedelta(hours=1)
    make_post("Sooner", published_at=sooner)
    assert next_publish(blog, NOON + dt.timedelta(minutes=2)) == sooner
    # Once its time has passed, the next one is asked for.
    assert next_publish(blog, sooner + dt.timedelta(seconds=1)) == later
