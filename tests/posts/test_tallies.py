"""The sidebar's tallies follow every write to posts and labels, in the write's transaction,
and give the archive and label counts the posts themselves give."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection

from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts import actions, tallies
from broadsheet.posts.models import DayTally, Label, LabelTally, Post
from broadsheet.reader import gadgets
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
Tallies = tuple[set[tuple[int, str, int]], set[tuple[int, int]]]


def kept() -> Tallies:
    days = {(t.blog_id, str(t.day), t.n) for t in DayTally.objects.exclude(n=0)}
    labels = {(t.label_id, t.n) for t in LabelTally.objects.exclude(n=0)}
    return days, labels


def assert_exact(blog: Blog, now: dt.datetime = NOON) -> None:
    """The kept tallies are what counting afresh gives, and the sidebar shows the ORM's counts."""
    before = kept()
    tallies.rebuild(connection)
    assert kept() == before
    assert sorted(gadgets.tallied.month_counts(blog, now)) == sorted(
        gadgets.orm_month_counts(blog, now)
    )
    shown = [(label.name, label.n) for label in gadgets.label_counts(blog, now)]  # type: ignore[attr-defined]
    assert shown == [(label.name, label.n) for label in gadgets.orm_label_counts(blog, now)]  # type: ignore[attr-defined]


def test_publish_trash_restore_and_relabel_keep_the_counts(
    blog: Blog, author: User, make_post: MakePost
) -> None:
    member = Membership.objects.get(blog=blog, user=author)
    first = make_post("First", labels=("Kale", "Beans"))
    make_post("Second", published_at=NOON - 40 * 24 * HOUR, labels=("Kale",))
    make_post("A draft", status=Post.Status.DRAFT, published_at=None, labels=("Kale",))
    assert_exact(blog)
    assert [(label.name, label.n) for label in gadgets.label_counts(blog, NOON)] == [  # type: ignore[attr-defined]
        ("Beans", 1),
        ("Kale", 2),
    ]
    actions.trash(member, first, now=NOON)
    assert_exact(blog)
    actions.restore(member, first)
    assert_exact(blog)
    first.status = Post.Status.PUBLISHED
    actions.save_post(first, labels=("Beans", "Peas"), now=NOON)
    assert_exact(blog)
    first.published_at = NOON - 400 * 24 * HOUR  # another year
    actions.save_post(first, labels=("Peas",), now=NOON)
    assert_exact(blog)


def test_writes_around_the_actions_keep_the_counts_too(blog: Blog, make_post: MakePost) -> None:
    """Bulk updates and deletes, as the admin's actions and the importers make them."""
    posts = [
        make_post(f"Post {n}", published_at=NOON - n * 24 * HOUR, labels=("Kale",))
        for n in range(4)
    ]
    Post.objects.filter(pk=posts[0].pk).update(status=Post.Status.DRAFT)
    Post.objects.filter(pk=posts[1].pk).delete()
    Label.objects.filter(blog=blog, name="Kale").delete()
    assert_exact(blog)
    assert sum(n for _, n in gadgets.tallied.month_counts(blog, NOON)) == 2
    assert gadgets.label_counts(blog, NOON) == []


def test_a_scheduled_post_counts_from_its_time_with_no_write(
    blog: Blog, make_post: MakePost
) -> None:
    make_post("Now", labels=("Kale",))
    make_post(
        "Soon", status=Post.Status.SCHEDULED, published_at=NOON + HOUR, labels=("Kale", "Later")
    )
    before = {label.name: label.n for label in gadgets.label_counts(blog, NOON)}  # type: ignore[attr-defined]
    after = {label.name: label.n for label in gadgets.label_counts(blog, NOON + 2 * HOUR)}  # type: ignore[attr-defined]
    assert before == {"Kale": 1}
    assert after == {"Kale": 2, "Later": 1}
    assert sum(n for _, n in gadgets.tallied.month_counts(blog, NOON)) == 1
    assert sum(n for _, n in gadgets.tallied.month_counts(blog, NOON + 2 * HOUR)) == 2
    assert_exact(blog, NOON + HOUR)


def test_changing_the_time_zone_moves_a_post_across_a_month_edge(
    blog: Blog, make_post: MakePost
) -> None:
    make_post("Early on the first", published_at=dt.datetime(2024, 3, 1, 7, tzinfo=dt.UTC))
    for zone, month in (("UTC", dt.date(2024, 3, 1)), ("America/Los_Angeles", dt.date(2024, 2, 1))):
        Blog.objects.filter(pk=blog.pk).update(time_zone=zone)
        blog.refresh_from_db()
        assert gadgets.tallied.month_counts(blog, NOON) == [(month, 1)]
        assert_exact(blog)
