"""Parts of pages kept per content version (`fragments.remember`)."""

from __future__ import annotations

import datetime as dt

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache.fragments import remember
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
    blog.bump_content_version()
    assert remember(blog, "sidebar", compute, NOON) == 2
    assert remember(blog, "other", compute, NOON) == 3


def test_a_part_expires_at_the_next_scheduled_publish(blog: Blog, make_post: MakePost) -> None:
    make_post("Later", published_at=NOON + dt.timedelta(hours=1))
    blog.refresh_from_db()
    compute = Counter()
    remember(blog, "sidebar", compute, NOON)
    assert remember(blog, "sidebar", compute, NOON + dt.timedelta(minutes=59)) == 1
    assert remember(blog, "sidebar", compute, NOON + dt.timedelta(hours=1, seconds=1)) == 2
