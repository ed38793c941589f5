"""What a page miss asks after a new post, read without a round trip of its own: the blog's
next scheduled publish comes with the blog (`reader.pagecache.next_columns`), and the feed's
total sums only the days the `history` stamp does not watch (`tallied.public_total`). Each
answer must be the one the posts themselves give, whatever was written since."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.blogs import hosts
from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from broadsheet.reader import tallied
from broadsheet.reader.pagecache import NEXT_MARGIN, next_publish
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)


def _found(blog: Blog) -> Blog:
    found = hosts.blog_for_host(settings.BASE_DOMAIN)
    assert found is not None and found.pk == blog.pk
    return found


def _publish_asks(blog: Blog, after: dt.datetime) -> tuple[dt.datetime | None, int]:
    """`next_publish` for the blog as a request's host finds it, and the queries it made."""
    found = _found(blog)
    with CaptureQueriesContext(connection) as queries:
        answer = next_publish(found, after)
    return answer, len(queries.captured_queries)


# Posts around the moment of the lookup, in seconds from it: (status, offset).
AROUND = {
    "nothing scheduled": [],
    "one in an hour": [("scheduled", 3600)],
    "one a moment ago and one in an hour": [("published", -5), ("scheduled", 3600)],
    "one half a margin ago only": [("published", -30)],
    "a draft and a trashed post ahead, one in a day": [
        ("draft", 60),
        ("trash", 120),
        ("scheduled", 86400),
    ],
    "two close together": [("scheduled", 3), ("scheduled", 4)],
}


@pytest.mark.parametrize("around", AROUND)
def test_the_blog_comes_with_the_next_publish_the_posts_give(
    blog: Blog, make_post: MakePost, around: str
) -> None:
    start = timezone.now()
    for at, (status, seconds) in enumerate(AROUND[around]):
        post = Post(
            blog=blog, title=f"Around {at}", source="x", status=status,
            published_at=start + dt.timedelta(seconds=seconds),
        )  # fmt: skip
        save_post(post, now=start)
    asked_from = timezone.now()
    # The page cache asks for the moment the request arrived (before the lookup), the
    # page for moments after it; any moment from the margin before on gets the posts' answer.
    moments = [asked_from - NEXT_MARGIN + SECOND, asked_from - 10 * SECOND, asked_from]
    moments += [asked_from + dt.timedelta(seconds=s) for s in (2, 3, 5, 3599, 3601, 90000)]
    for moment in moments:
        answer = _publish_asks(blog, moment)[0]
        assert answer == Post.objects.next_publish(blog, moment), (around, moment)
    # A moment just after the lookup, as a view asks for: no query of its own. Taken once
    # the blog is read: the database's clock is read with it, to the millisecond on SQLite,
    # and a moment taken before the read could fall before that clock's.
    found = _found(blog)
    after = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        next_publish(found, after)
    assert len(queries.captured_queries) == 0


def test_a_post_scheduled_after_the_lookup_is_not_missed(blog: Blog, make_post: MakePost) -> None:
    found = _found(blog)
    soon = timezone.now() + dt.timedelta(minutes=5)
    make_post("Soon", published_at=soon, status=Post.Status.SCHEDULED)  # moves the version
    fresh = Blog.objects.get(pk=blog.pk)
    found.content_version = fresh.content_version  # as the next request's blog would be
    assert next_publish(found, timezone.now()) == soon
    assert next_publish(_found(blog), timezone.now()) == soon


def test_the_page_cache_expires_a_page_at_the_next_publish_without_a_query(
    blog: Blog, make_post: MakePost
) -> None:
    from broadsheet.reader.pagecache import candidate

    soon = timezone.now() + dt.timedelta(minutes=5)
    make_post("Soon", published_at=soon, status=Post.Status.SCHEDULED)
    arrived = timezone.now().timestamp()  # the front notes the time before the lookup
    found = _found(blog)
    with CaptureQueriesContext(connection) as queries:
        made = candidate(found, arrived)
    assert made.expires == pytest.approx(soon.timestamp())
    assert not [q for q in queries.captured_queries if "posts_post" in q["sql"]]


TOTAL = "<openSearch:totalResults>{}</openSearch:totalResults>"


def _total() -> int:
    feed = Client().get("/feeds/posts/default").content.decode()
    return int(feed.split("<openSearch:totalResults>")[1].split("<")[0])


def _days_summed(blog: Blog) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        tallied.public_total(_found(blog), timezone.now())
    return [q["sql"] for q in queries.captured_queries if "posts_daytally" in q["sql"]]


def test_after_a_new_post_only_the_open_days_are_summed(blog: Blog, make_post: MakePost) -> None:
    for day in range(5):
        make_post(f"Old {day}", published_at=NOON - dt.timedelta(days=day))
    assert _total() == 5
    assert [sql for sql in _days_summed(blog) if "t.day <" in sql] == []  # kept by the feed
    make_post("New", published_at=timezone.now() - SECOND)
    summed = _days_summed(blog)
    assert len(summed) == 1 and "t.day <" not in summed[0], summed
    assert _total() == 6 == Post.objects.public(blog).count()


def _backdated(blog: Blog, make_post: MakePost) -> None:
    make_post("Imported", published_at=NOON - dt.timedelta(days=400))


def _old_one_deleted(blog: Blog, make_post: MakePost) -> None:
    Post.objects.filter(blog=blog, title="Old 3").delete()
    bump_content_version(blog)


def _old_one_drafted(blog: Blog, make_post: MakePost) -> None:
    post = Post.objects.get(blog=blog, title="Old 2")
    post.status = Post.Status.DRAFT
    save_post(post)


def _old_one_moved_to_today(blog: Blog, make_post: MakePost) -> None:
    post = Post.objects.get(blog=blog, title="Old 1")
    post.published_at = timezone.now() - SECOND
    save_post(post)


def _scheduled_ahead(blog: Blog, make_post: MakePost) -> None:
    make_post("Ahead", published_at=timezone.now() + dt.timedelta(days=3))


WRITES = {
    "a post backdated into a closed month": (_backdated, 6),
    "an old post deleted": (_old_one_deleted, 4),
    "an old post drafted": (_old_one_drafted, 4),
    "an old post moved to today": (_old_one_moved_to_today, 5),
    "a post scheduled ahead": (_scheduled_ahead, 5),
}


@pytest.mark.parametrize("write", WRITES)
def test_the_feed_total_after_any_write_is_the_posts_count(
    blog: Blog, make_post: MakePost, write: str
) -> None:
    for day in range(5):
        make_post(f"Old {day}", published_at=NOON - dt.timedelta(days=day))
    assert _total() == 5  # the closed days' sum kept
    do, expected = WRITES[write]
    do(blog, make_post)
    assert _total() == expected == Post.objects.public(blog).count()


def test_a_scheduled_post_counts_from_its_time_and_midnight_moves_the_edge(
    blog: Blog, make_post: MakePost
) -> None:
    make_post("Old", published_at=NOON - dt.timedelta(days=10))
    make_post("Later", published_at=NOON + dt.timedelta(hours=1))
    make_post("Next day", published_at=NOON + dt.timedelta(days=1))
    for moment, expected in [
        (NOON, 1),
        (NOON + dt.timedelta(hours=2), 2),
        (NOON + dt.timedelta(days=1, hours=1), 3),
        (NOON + dt.timedelta(days=4), 3),  # both now behind the closed days' edge
    ]:
        with time_machine.travel(moment, tick=False):
            assert _total() == expected, moment
