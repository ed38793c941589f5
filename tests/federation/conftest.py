"""A blog on the fediverse, served on loopback, and a peer (bovine) to talk to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
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
