"""The sidebar's stamps move, in the write's transaction, with every change the gadgets show,
whatever the write path, and an edit of a post's body moves only the featured post's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection

from broadsheet.blogs.models import Blog
from broadsheet.posts import actions, stamps
from broadsheet.posts.models import Label, Page, Post
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def stamp(blog: Blog) -> dict[str, int]:
    return stamps.stamps(connection, blog.pk)


def moved(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_posts_going_public_labels_and_times_move_the_counts(
    blog: Blog, make_post: MakePost
) -> None:
    before = stamp(blog)
    post = make_post("Rhubarb, forced", labels=("Veg",))
    assert "counts" in moved(before, first := stamp(blog))
    actions.save_post(post, labels=("Veg", "Fruit"))
    assert "counts" in moved(first, second := stamp(blog))
    Label.objects.filter(blog=blog, name="Fruit").update(name="Stalks")  # a write around us
    assert moved(second, third := stamp(blog)) == {"counts"}
    later = post.published_at + dt.timedelta(hours=1)  # type: ignore[operator]
    Post.objects.filter(pk=post.pk).update(published_at=later)  # the same day, a bulk write
    assert moved(third, fourth := stamp(blog)) == {"counts", "history"}  # a day before today
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    assert "counts" in moved(fourth, stamp(blog))


def test_an_edit_of_a_body_moves_only_what_the_featured_post_shows(
    blog: Blog, make_post: MakePost
) -> None:
    post = make_post("Rhubarb, forced", labels=("Veg",))
    before = stamp(blog)
    post.source = "Under a bucket since January."
    actions.save_post(post, labels=("Veg",))
    assert moved(before, after := stamp(blog)) == {"posts"}
    make_post("A draft", status=Post.Status.DRAFT, published_at=None, labels=("Veg",))
    assert stamp(blog) == after


def test_pages_and_people_move_theirs_and_other_blogs_keep_their_pages(
    blog: Blog, author: User, make_post: MakePost
) -> None:
    other = Blog.objects.create(slug="other", title="Other")
    make_post("Rhubarb, forced")
    mine, theirs = stamp(blog), stamp(other)
    actions.save_page(Page(blog=blog, title="About", slug="about", source="Hi", status="published"))
    assert moved(mine, pages := stamp(blog)) == {"pages"}
    assert stamp(other) == theirs
    author.first_name = "Augusta"
    author.save()
    assert moved(pages, named := stamp(blog)) == {"people"}
    author.last_login = dt.datetime.now(dt.UTC)  # every sign-in: no name moved
    author.save()
    assert stamp(blog) == named


def test_history_moves_with_days_before_today_and_not_with_todays_posts(
    blog: Blog, make_post: MakePost
) -> None:
    now = dt.datetime.now(dt.UTC)
    before = stamp(blog)
    today = make_post("Fresh rhubarb", published_at=now - dt.timedelta(seconds=1), labels=("Veg",))
    assert moved(before, first := stamp(blog)) == {"counts"}  # a new post: history stays
    Post.objects.filter(pk=today.pk).update(published_at=now - dt.timedelta(seconds=2))
    assert moved(first, second := stamp(blog)) == {"counts"}
    old = make_post("Forced rhubarb", published_at=now - dt.timedelta(days=40), labels=("Veg",))
    assert moved(second, third := stamp(blog)) >= {"counts", "history"}
    Post.objects.filter(pk=old.pk).update(published_at=old.published_at + dt.timedelta(hours=1))
    assert moved(third, fourth := stamp(blog)) == {"counts", "history"}  # within its old day
    Post.objects.filter(pk=today.pk).update(published_at=now - dt.timedelta(days=3))
    assert moved(fourth, fifth := stamp(blog)) >= {"counts", "history"}  # moved back into the past
    old.delete()
    assert moved(fifth, stamp(blog)) >= {"counts", "history"}
