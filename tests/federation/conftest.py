"""A blog on the fediverse, served on loopback, and a peer (bovine) to talk to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import Content, Intent, write_post
from broadsheet.posts.models import Post
from tests.cast import signed_in
from tests.federation.peer import Peer


@pytest.fixture
def peer() -> Iterator[Peer]:
    running = Peer()
    yield running
    running.stop()


@pytest.fixture
def site(live_server: Any, settings: Any, blog: Blog) -> str:
    """The blog's origin, the live server's: ids built without a request name its port."""
    settings.PUBLIC_PORT = int(live_server.url.rsplit(":", 1)[1])
    return f"http://localhost:{settings.PUBLIC_PORT}"


def approve_in_studio(moderator: User, blog: Blog, comment: Comment) -> None:
    """Approve `comment` as a moderator does, in the studio's queue, where it waits like any
    comment, whether a reader or another server sent it."""
    studio = signed_in(moderator)
    queue = f"/studio/comments/{blog.slug}/"
    assert comment.body[:20] in studio.get(queue).content.decode()
    approved = studio.post(f"{queue}{comment.pk}/approve/", {"shelf": "pending"})
    assert approved.status_code == 302


def publish(author: User, blog: Blog, post: Post | None = None, title: str = "Frost") -> Post:
    """Publish (or edit) the peer tests' post: a picture, and two labels to become hashtags."""
    member = Membership.of(author, blog)
    assert member is not None
    text = "The first frost came early.\n\n![A frosted leaf](https://images.example/leaf.png)"
    content = Content(title=title, source=text, labels=("garden", "weather"))
    return write_post(member, post, content, Intent.PUBLISH)
