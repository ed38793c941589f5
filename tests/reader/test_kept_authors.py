"""The Profile gadget's people, those of older posts kept under the `history` stamp
(`reader.gadgets.authors`): after every kind of write, the people the ORM finds from the
posts, in the same order, and after a new post by a known author, no one read again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from broadsheet.reader import gadgets
from tests.cast import member
from tests.conftest import NOON

pytestmark = pytest.mark.django_db


def orm_authors(blog: Blog, now: dt.datetime) -> list[str]:
    """The gadget's people straight from the posts, as it read them before keeping them."""
    bylined = Post.objects.public(blog, now).filter(author_name="", author_id=OuterRef("pk"))
    people = User.objects.filter(Exists(bylined)).order_by("date_joined", "pk")
    return [gadgets._author(p).name for p in people[: gadgets.AUTHORS_SHOWN]]


def write(blog: Blog, title: str, by: User, at: dt.datetime) -> Post:
    post = Post(
        blog=blog, author=by, title=title, source="Words.", published_at=at, status="published"
    )
    return save_post(post, now=NOON)


def shown(blog: Blog, now: dt.datetime) -> list[str]:
    fresh = Blog.objects.get(pk=blog.pk)  # as a request reads it, with its stamps
    return [author.name for author in gadgets.authors(fresh, now)]


def test_the_kept_authors_agree_with_the_orm_after_every_write(
    blog: Blog, author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gadgets, "AUTHORS_SHOWN", 3)  # so that a newcomer can push one out
    people = [member(blog, f"writer{n}", "author", first_name=f"Writer {n}") for n in range(4)]
    for n, person in enumerate(people):
        User.objects.filter(pk=person.pk).update(date_joined=NOON + dt.timedelta(days=n - 1))
    now = dt.datetime.now(dt.UTC)
    old = [write(blog, f"By {p.first_name}", p, NOON) for p in people[1:3]]

    def check() -> list[str]:
        names = shown(blog, now)
        assert names == orm_authors(blog, now)
        return names

    assert check() == ["Writer 1", "Writer 2"]
    write(blog, "Another by writer 1", people[1], now - dt.timedelta(minutes=1))
    with CaptureQueriesContext(connection) as queries:
        names = shown(blog, now)
    assert names == orm_authors(blog, now) == ["Writer 1", "Writer 2"]
    assert not [q for q in queries.captured_queries if "auth_user" in q["sql"]]  # all known
    write(blog, "By author", author, now - dt.timedelta(minutes=5))  # a newcomer today
    check()
    write(blog, "Writer 0's first", people[0], now - dt.timedelta(minutes=1))
    assert check() == ["Writer 0", "Writer 1", "Writer 2"]  # joined first: pushes one out
    Post.objects.filter(pk=old[0].pk).update(author_name="An imported byline")
    check()
    Post.objects.filter(pk=old[1].pk).update(author=people[3])  # reassigned, bulk
    check()
    Post.objects.filter(pk=old[1].pk).update(status=Post.Status.DRAFT)
    check()
    write(blog, "Back-dated", people[2], NOON - dt.timedelta(days=30))
    check()
