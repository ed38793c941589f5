"""What the feed tests share besides the project-wide cast in tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Label, Post
from tests.conftest import NOON

# The test client's host is "testserver"; absolute URLs name the blog's canonical host, which
# for the default blog is the base domain.
ORIGIN = "http://localhost"

ManyPosts = Callable[..., list[Post]]


@pytest.fixture
def many_posts(blog: Blog, author: User) -> ManyPosts:
    """n public posts an hour apart, newest first, written straight to the database (fast),
    each labelled Garden."""

    def make(n: int, target: Blog | None = None) -> list[Post]:
        owner = target or blog
        label, _ = Label.objects.get_or_create(blog=owner, name="Garden")
        posts = Post.objects.bulk_create(
            Post(
                blog=owner,
                author=author,
                title=f"Diary {i}",
                permalink=f"/2024/10/diary-{i}.html",
                body_html=f"<p>Entry {i}</p>",
                text=f"Entry {i}",
                snippet=f"Entry {i}",
                status=Post.Status.PUBLISHED,
                published_at=NOON - dt.timedelta(hours=i),
                updated_at=NOON - dt.timedelta(hours=i),
            )
            for i in range(n)
        )
        label.posts.add(*posts)
        return posts

    return make


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


def entries_titles(feed: Any) -> list[str]:
    return [entry.title for entry in feed.entries]
