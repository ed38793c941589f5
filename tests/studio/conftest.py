"""Helpers for the studio's tests: its URLs, posts written as loaders write them, the
editor's form. The people are the suite's one cast (tests/cast.py, fixtures in
tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post

NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)


def url(name: str, *args: Any) -> str:
    return reverse(f"studio:{name}", args=args)


def write(
    blog: Blog,
    author: User | None,
    title: str = "Rhubarb notes",
    *,
    status: str = Post.Status.DRAFT,
    published_at: dt.datetime | None = None,
    source: str = "Forced under a bucket.",
    **fields: Any,
) -> Post:
    """A post stored the way loaders store them (no rules checked)."""
    post = Post(
        blog=blog,
        author=author,
        title=title,
        source=source,
        status=status,
        published_at=published_at,
        **fields,
    )
    return save_post(post)


def write_page(blog: Blog, title: str = "About", status: str = Page.Status.DRAFT) -> Page:
    return save_page(Page(blog=blog, title=title, source="Who we are.", status=status))


def editor_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Seed potatoes",
        "source": "Chitting on the *windowsill*.",
        "source_format": "markdown",
        "labels": "potatoes, spring",
        "permalink": "",
        "search_description": "",
        "publish_at": "",
        "comments_allowed": "on",
        "intent": "draft",
    }
    data.update(overrides)
    return data
