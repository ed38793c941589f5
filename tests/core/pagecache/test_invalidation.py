"""Exact invalidation: every write reaches the very next reader; scheduled posts appear."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.comments import actions as comments
from broadsheet.core.pagecache import store
from broadsheet.federation import inbox
from broadsheet.federation.models import RemoteActor
from broadsheet.posts.actions import save_post
from broadsheet.webmention import actions as webmention
from broadsheet.webmention.sources import Entry
from tests.conftest import NOON, MakeComment, MakePost
from tests.core.pagecache.conftest import Front

pytestmark = pytest.mark.django_db


def test_a_new_comment_is_on_the_very_next_page(
    front: Front,
    make_post: MakePost,
    make_comment: MakeComment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = make_post()
    before = front.get(post.permalink)
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, "Slugs got the lettuces.")
    after = front.get(post.permalink, if_none_match=before.headers["ETag"])
    assert after.status == 200 and "Slugs got the lettuces." in after.text
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "1 comment" in front.get("/").text


def test_a_comment_revised_and_likes_and_boosts_are_on_the_very_next_page(
    front: Front,
    blog: Blog,
    make_post: MakePost,
    make_comment: MakeComment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Writes that move neither the post's comment count nor its last edit (issue 19's
    stale static pages): the cache hears of them through the content version all the same."""
    post = make_post()
    comment = make_comment(post, "Slugs got the lettuces.")
    assert "Slugs got the lettuces." in front.get(post.permalink).text
    remote = RemoteActor.objects.create(
        uri="https://peer.example/u/a", key_id="https://peer.example/u/a#key",
        public_key_pem="-", inbox="https://peer.example/inbox", domain="peer.example",
    )  # fmt: skip
    liked = Entry("like", "Ann", "", "", "", "")
    boost = {"id": "https://peer.example/a/1", "object": origin(blog) + post.permalink}
    for write, shown in [
        (lambda: comments.revise(comment, "Slugs got the chard."), "Slugs got the chard."),
        (lambda: webmention.record(post, "https://site.example/1", liked), "1 like"),
        (lambda: inbox.HANDLERS["Announce"](blog, boost, remote), "1 boost"),
    ]:
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert shown in front.get(post.permalink).text
    with django_capture_on_commit_callbacks(execute=True):
        webmention.forget(post, "https://site.example/1")
    assert "1 like" not in front.get(post.permalink).text


def test_an_edit_is_on_the_very_next_page(
    front: Front, make_post: MakePost, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post("Onions")
    assert "Onions" in front.get(post.permalink).text
    post.title = "Shallots"
    with django_capture_on_commit_callbacks(execute=True):
        save_post(post, now=NOON)
    assert "Shallots" in front.get(post.permalink).text
    assert "Shallots" in front.get("/feeds/posts/default").text


def test_any_version_bump_gives_a_new_etag_only_if_the_bytes_change(
    front: Front, blog: Blog, make_post: MakePost, django_capture_on_commit_callbacks: Any
) -> None:
    make_post()
    etag = front.get("/").headers["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        Blog.objects.filter(pk=blog.pk).update(title="Renamed")
        bump_content_version(blog)
    renamed = front.get("/", if_none_match=etag)
    assert renamed.status == 200 and "Renamed" in renamed.text
    with django_capture_on_commit_callbacks(execute=True):
        bump_content_version(blog)
    # Rendered again, to the same bytes: the reader's copy is still good.
    assert front.get("/", if_none_match=renamed.headers["ETag"]).status == 304


def test_the_cache_hears_of_a_write_only_when_it_commits(
    front: Front, blog: Blog, make_post: MakePost, django_capture_on_commit_callbacks: Any
) -> None:
    make_post()
    front.get("/")
    announced = store.versions().get(blog.pk)
    assert announced is not None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bump_content_version(blog)
        assert store.versions().get(blog.pk) == announced
    assert store.versions().get(blog.pk) == announced + 1


def test_a_scheduled_post_appears_at_its_time_with_a_warm_cache(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post("Already up")
    later = NOON + dt.timedelta(hours=2)
    make_post("Potato day", published_at=later)
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        assert "Potato day" not in front.get("/").text
        with django_assert_num_queries(0):
            assert "Potato day" not in front.get("/").text
    with time_machine.travel(later + dt.timedelta(seconds=1), tick=False):
        assert "Potato day" in front.get("/").text
        assert "Potato day" in front.get("/feeds/posts/default").text


def test_pages_expire_after_the_time_limit_without_a_scheduled_post(
    front: Front, make_post: MakePost, settings: Any, django_assert_num_queries: Any
) -> None:
    make_post()
    settings.PAGE_CACHE_SECONDS = 60
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        front.get("/")
    with time_machine.travel(NOON + dt.timedelta(days=1, seconds=61), tick=False):
        assert store.fresh(next(iter(store.local.entries)), store.wall_clock()) is None


def test_another_blog_writing_leaves_this_blog_cached(
    front: Front,
    make_post: MakePost,
    other_blog: Blog,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    make_post()
    front.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        bump_content_version(other_blog)
    with django_assert_num_queries(0):
        front.get("/")
