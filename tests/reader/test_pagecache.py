"""Parts of pages kept per content version (`fragments.remember`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
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


class CountedReads:
    """The shared cache, counting the reads that reach it."""

    def __init__(self, cache: Any) -> None:
        self.cache, self.reads = cache, 0

    def get(self, key: str, default: Any = None) -> Any:
        self.reads += 1
        return self.cache.get(key, default)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self.cache.set(*args, **kwargs)

    def clear(self) -> None:
        self.cache.clear()


def test_a_part_is_read_from_the_shared_cache_once_a_process(
    blog: Blog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the layout from the shared cache (a file, or Redis) on every miss was as much as
    the page's own query; a process reads a part once, and keeps its copy until its time."""
    remember(blog, "sidebar", Counter(), NOON)  # drawn by another process
    store.fragments.clear()
    counted = CountedReads(store.shared())
    monkeypatch.setattr(store, "shared", lambda: counted)
    compute = Counter()
    assert [remember(blog, "sidebar", compute, NOON) for _ in range(3)] == [1, 1, 1]
    assert (compute.calls, counted.reads) == (0, 1)
    bump_content_version(blog)  # another version: read (and drawn) again
    assert remember(blog, "sidebar", compute, NOON) == 1
    assert (compute.calls, counted.reads) == (1, 2)


def test_a_part_past_its_time_is_read_again_as_another_process_drew_it(
    blog: Blog, make_post: MakePost
) -> None:
    """A process's copy holds no longer than the part: once a scheduled post has gone up, the
    part another process drew since is read, not the copy."""
    make_post("Later", published_at=NOON + dt.timedelta(hours=1))
    blog.refresh_from_db()
    remember(blog, "sidebar", lambda: "before the post", NOON)
    key = f"fragment:{blog.lasting_id}:{blog.content_version}:sidebar"
    after = (NOON + dt.timedelta(hours=3)).timestamp()
    store.shared().set(key, ("drawn by another process", after))  # as it keeps a part
    moment = NOON + dt.timedelta(hours=1, seconds=1)
    assert remember(blog, "sidebar", lambda: "drawn here", moment) == "drawn by another process"
    assert remember(blog, "sidebar", lambda: "drawn here", NOON) == "drawn by another process"


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
