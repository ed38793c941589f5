"""The studio's cast, on top of the shared one (the blog "Field Notes" and its author Ada):

- Grace, the blog's admin;
- Ada (shared), an author, and Alan, another author;
- Kit, a contributor;
- Oscar, an outsider to Field Notes who runs "Another Blog".
Anonymous visitors are a plain `Client()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post

NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)


def member(blog: Blog, username: str, role: str, **fields: Any) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", "pw", **fields)
    Membership.objects.create(blog=blog, user=user, role=role)
    return user


@pytest.fixture
def admin(blog: Blog) -> User:
    return member(blog, "grace", Membership.Role.ADMIN, first_name="Grace", last_name="Hopper")


@pytest.fixture
def other_author(blog: Blog) -> User:
    return member(blog, "alan", Membership.Role.AUTHOR, first_name="Alan", last_name="Turing")


@pytest.fixture
def contributor(blog: Blog) -> User:
    return member(blog, "kit", Membership.Role.CONTRIBUTOR, first_name="Kit", last_name="Marlowe")


@pytest.fixture
def outsider(other_blog: Blog) -> User:
    return member(other_blog, "oscar", Membership.Role.ADMIN, first_name="Oscar")


SignIn = Callable[..., Client]


@pytest.fixture
def signed_in() -> SignIn:
    """A client signed in as `user`; `csrf=True` makes it check CSRF tokens as browsers do."""

    def make(user: User, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user)
        return client

    return make


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
