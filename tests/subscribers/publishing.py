"""Publishing through the editor's action, as the studio does, so the publish hook fires."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import Content, Intent, write_post
from broadsheet.posts.models import Post


def publish(
    blog: Blog,
    author: User,
    title: str = "Spring sowing",
    source: str = "Sow *early*.\n\n![bed](/media/bed.jpg)\n\n<!--more-->\n\nThe rest.",
    *,
    at: dt.datetime | None = None,
    post: Post | None = None,
) -> Post:
    member = Membership.of(author, blog)
    assert member is not None
    intent = Intent.SCHEDULE if at is not None else Intent.PUBLISH
    return write_post(member, post, Content(title=title, source=source, publish_at=at), intent)
