"""The sidebar's archive and label counts: the tallies give the ORM's answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader import gadgets, tallied
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def moments() -> list[dt.datetime]:
    """Times that fall on either side of a month's edge in Los Angeles (the blog's zone),
    across both changes of daylight saving time, and the edges themselves."""
    found = []
    for month_start in (
        dt.datetime(2024, 3, 1, 8, tzinfo=UTC),  # 00:00 PST on March 1
        dt.datetime(2024, 4, 1, 7, tzinfo=UTC),  # 00:00 PDT on April 1
        dt.datetime(2024, 11, 1, 7, tzinfo=UTC),  # 00:00 PDT on November 1
        dt.datetime(2024, 12, 1, 8, tzinfo=UTC),  # 00:00 PST on December 1
    ):
        for offset in (-3600, -1, 0, 1, 3600, 6 * 3600):
            found.append(month_start + dt.timedelta(seconds=offset))
    found.append(dt.datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    return found


def test_month_and_label_counts_agree_with_the_orm(
    blog: Blog, other_blog: Blog, make_post: MakePost
) -> None:
    for index, moment in enumerate(moments()):
        labels = ("Edges",) if index % 2 else ("Edges", "Odd one")
        make_post(f"At {moment}", published_at=moment, labels=labels)
    make_post("A draft", status=Post.Status.DRAFT, published_at=None, labels=("Draft",))
    make_post("Later", published_at=NOON + dt.timedelta(days=1), labels=("Later",))
    make_post("Elsewhere", target=other_blog, published_at=NOON, labels=("Edges",))
    exactly_now = make_post("Now", published_at=NOON, labels=("Now",))
    for now in (NOON, NOON + dt.timedelta(days=2), exactly_now.published_at):
        assert now is not None
        fast = sorted(tallied.month_counts(blog, now))
        assert fast == sorted(gadgets.orm_month_counts(blog, now))
        assert sum(n for _, n in fast) == Post.objects.public(blog, now).count()
        fast_labels = [(label.name, label.n) for label in gadgets.label_counts(blog, now)]
        orm = [(label.name, label.n) for label in gadgets.orm_label_counts(blog, now)]
        assert fast_labels == orm
    # The March edge in Los Angeles time: one second before is February.
    months = dict(tallied.month_counts(blog, NOON))
    assert months[dt.date(2024, 2, 1)] == 2  # 07:00 and 07:59:59 UTC on March 1
    assert months[dt.date(2023, 12, 1)] == 1  # New Year's Eve in UTC, still December there


def test_a_blog_with_no_public_post_has_no_archive(blog: Blog, make_post: MakePost) -> None:
    make_post("A draft", status=Post.Status.DRAFT, published_at=None)
    assert gadgets.archive(blog, NOON) == []
    assert gadgets.label_counts(blog, NOON) == []


def test_a_blog_whose_only_post_is_still_to_come_has_no_archive(
    blog: Blog, make_post: MakePost
) -> None:
    # Its first counted day is in a later month than now: no month to show, and no error.
    make_post("Next year", published_at=NOON + dt.timedelta(days=400))
    assert gadgets.archive(blog, NOON) == []


def test_closed_months_kept_under_history_agree_with_the_orm_after_every_write(
    blog: Blog, make_post: MakePost
) -> None:
    """The closed months' counts are kept (`tallied._closed_counts`): after each kind of write
    the archive is what the ORM counts from the posts, month by month, in the blog's zone."""
    now = dt.datetime.now(UTC)
    back = (now - dt.timedelta(days=70)).astimezone(blog.tzinfo)
    edge = dt.datetime(back.year, back.month, 1, tzinfo=blog.tzinfo)  # a month's first instant
    assert edge.astimezone(UTC).hour  # not a UTC midnight: the month's edges cut UTC days
    posts = [make_post(f"At {m}", published_at=m) for m in (edge, edge - dt.timedelta(days=40))]

    def check() -> None:
        fresh = Blog.objects.get(pk=blog.pk)  # as a request reads it, with its stamps
        assert sorted(tallied.month_counts(fresh, now)) == sorted(
            gadgets.orm_month_counts(fresh, now)
        )

    check()
    make_post("Today", published_at=now - dt.timedelta(minutes=1))  # history stays
    check()
    # Across a month's edge in Los Angeles within one UTC day: no day's tally moves.
    Post.objects.filter(pk=posts[0].pk).update(published_at=edge - dt.timedelta(hours=1))
    check()
    make_post("Back-dated", published_at=edge - dt.timedelta(days=100))
    check()
    Post.objects.filter(pk=posts[1].pk).update(status=Post.Status.DRAFT)
    check()
    posts[0].delete()
    check()
    blog.time_zone = "Asia/Tokyo"
    blog.save()
    check()


def test_a_new_post_counts_only_the_open_months_again(blog: Blog, make_post: MakePost) -> None:
    now = dt.datetime.now(UTC)
    for days in range(0, 400, 30):
        make_post(f"{days} days back", published_at=now - dt.timedelta(days=days, minutes=1))
    assert len(tallied.month_counts(Blog.objects.get(pk=blog.pk), now)) >= 13
    make_post("Today", published_at=now - dt.timedelta(seconds=1))
    fresh = Blog.objects.get(pk=blog.pk)
    with CaptureQueriesContext(connection) as queries:
        months = tallied.month_counts(fresh, now)
    assert months == sorted(gadgets.orm_month_counts(fresh, now))
    counted = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("WITH m(")]
    assert len(counted) == 1
    assert counted[0].count("), (") <= 1  # one or two open months' rows, not thirteen
