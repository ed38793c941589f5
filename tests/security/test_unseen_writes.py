"""A write readers cannot see moves none of a page's validators.

Every write moves the blog's content version, so every page is rendered again. When the
write is one readers cannot see (a draft saved, a post scheduled, a comment held, marked as
spam or deleted), the page's bytes are the same: its ETag is, and so must its Last-Modified
be. A date that moved would tell anyone polling a page that the author was writing just then,
and make every If-Modified-Since fetch the page again for nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils.http import http_date

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.core.pagecache import store
from broadsheet.posts.models import Post
from tests.conftest import MakeComment, MakePost
from tests.core.pagecache.conftest import Front

pytestmark = pytest.mark.django_db

LATER = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
PAGES = [
    "/",
    "/search/label/Garden",
    "/feeds/posts/default",
    "/feeds/comments/default?alt=rss",
    "/sitemap.xml",
    "/2024/",
]
Write = Callable[[Post, MakePost, MakeComment], Any]
UNSEEN: dict[str, Write] = {
    "a draft": lambda post, make_post, make_comment: make_post(
        "Not yet", labels=("Garden",), status=Post.Status.DRAFT
    ),
    "a scheduled post": lambda post, make_post, make_comment: make_post(
        "Coming", labels=("Garden",), status=Post.Status.SCHEDULED, published_at=LATER
    ),
    "a held comment": lambda post, make_post, make_comment: make_comment(
        post, "Wait.", status=Comment.Status.PENDING
    ),
    "a spam comment": lambda post, make_post, make_comment: make_comment(
        post, "Buy.", status=Comment.Status.SPAM
    ),
}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The page cache's wall clock, moved by the test: `clock[0] += 60`."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(store, "wall_clock", lambda: now[0])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield now
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("write", list(UNSEEN))
def test_an_unseen_write_keeps_every_pages_date(
    blog: Blog,
    make_post: MakePost,
    make_comment: MakeComment,
    clock: list[float],
    django_capture_on_commit_callbacks: Any,
    write: str,
) -> None:
    front = Front()
    post = make_post("In the open", labels=("Garden",))
    before = {page: front.get(page) for page in PAGES}
    clock[0] += 600
    with django_capture_on_commit_callbacks(execute=True):  # the version moves on commit
        UNSEEN[write](post, make_post, make_comment)
    for page in PAGES:
        after = front.get(page)
        assert after.body == before[page].body, page  # the premise: readers see no change
        assert after.headers["ETag"] == before[page].headers["ETag"], page
        assert after.headers["Last-Modified"] == before[page].headers["Last-Modified"], page
        since = front.get(page, if_modified_since=before[page].headers["Last-Modified"])
        assert since.status == 304, page


def test_a_write_readers_see_dates_the_page_anew(
    blog: Blog, make_post: MakePost, clock: list[float], django_capture_on_commit_callbacks: Any
) -> None:
    front = Front()
    make_post("In the open", labels=("Garden",))
    before = front.get("/")
    clock[0] += 600
    with django_capture_on_commit_callbacks(execute=True):
        make_post("Out now", labels=("Garden",))
    after = front.get("/")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.headers["Last-Modified"] == http_date(clock[0])
