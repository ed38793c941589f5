"""Every link in comment mail names the blog's configured origin, whatever Host header the
request that set the mail off carried (here another allowed name of the same blog, on another
port: `notes.localhost:666` reaches the default blog, whose canonical host is `localhost`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from broadsheet.comments import actions
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.commenting import PostAs

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]
HOSTILE = "notes.localhost:666"
LINK = re.compile(r"https?://\S+")


def links(messages: list[mail.EmailMessage]) -> set[str]:
    found = {link for m in messages for link in LINK.findall(m.body)}
    found |= {m.extra_headers.get("List-Unsubscribe", "").strip("<>") for m in messages} - {""}
    return found


def mail_every_kind(post: Post, post_as: PostAs, capture: Capture) -> list[mail.EmailMessage]:
    """A comment asking for replies, its confirmation, and a reply, all through `HOSTILE`."""
    with capture(execute=True):
        post_as(Client(HTTP_HOST=HOSTILE), post, email="mary@example.com", notify="on")
    actions.confirm_replies(post.blog, "mary@example.com")
    parent = Comment.objects.get()
    with capture(execute=True):
        post_as(Client(HTTP_HOST=HOSTILE), post, body="Agreed!", parent=str(parent.pk))
    return list(mail.outbox)


def test_comment_mail_links_ignore_the_request_host(
    post: Post, admin: Any, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    messages = mail_every_kind(post, post_as, django_capture_on_commit_callbacks)
    subjects = " | ".join(m.subject for m in messages)
    assert "Confirm your address" in subjects and "A reply to your comment" in subjects
    assert "New comment" in subjects
    found = links(messages)
    assert found and all(link.startswith("http://localhost/") for link in found), found


@override_settings(SECURE=True, PUBLIC_PORT=8443)
def test_comment_mail_links_take_the_configured_scheme_and_port(
    post: Post, admin: Any, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    messages = mail_every_kind(post, post_as, django_capture_on_commit_callbacks)
    found = links(messages)
    assert found and all(link.startswith("https://localhost:8443/") for link in found), found
