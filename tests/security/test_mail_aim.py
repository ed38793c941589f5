"""No request can aim a mail: every link in every mail a request sets off names the configured
origin, whatever the request said about where it was sent.

Each door that mails (the password reset, an invitation, Follow by Email, a comment asking
for replies and the moderators' notice) is knocked on in every way a client can describe the
site: another name of the same blog, the canonical host on another port, the proxy headers
(`X-Forwarded-Host`, `-Port`, `-Proto`) with and without a trusted proxy in front. The mail is
read as the recipient reads it, from a real SMTP server on loopback; every link in it, in the
text, the HTML and the headers, must be `http://localhost` or a path under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.commenting import post_as
from tests.subscribers.conftest import Inbox, smtp

__all__ = ["smtp"]  # the loopback SMTP server

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost"
LINK = re.compile(r"https?://[^\s\"'<>]+")
EVIL = {
    "another name, another port": {"HTTP_HOST": "notes.localhost:666"},
    "the canonical host, another port": {"HTTP_HOST": "localhost:666"},
    "forwarded host, port and scheme": {
        "HTTP_X_FORWARDED_HOST": "evil.example",
        "HTTP_X_FORWARDED_PORT": "666",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_FORWARDED": "host=evil.example;proto=https",
    },
}
Capture = Callable[..., Any]


def reset(world: dict[str, Any], headers: dict[str, str]) -> None:
    address = reverse("studio:password-reset")
    Client(**headers).post(address, {"email": world["admin"].email})


def invite(world: dict[str, Any], headers: dict[str, str]) -> None:
    client = Client(**headers)
    client.force_login(world["admin"])
    address = reverse("studio:invite", args=[world["blog"].slug])
    client.post(address, {"email": "newcomer@example.com", "role": "author"})


def follow(world: dict[str, Any], headers: dict[str, str]) -> None:
    Client(**headers).post(
        "/follow-by-email", {"email": "follower@example.com", "frequency": "each"}
    )


def comment(world: dict[str, Any], headers: dict[str, str]) -> None:
    # The commenter's confirmation, and the admin's notice of a new comment.
    post_as(Client(**headers), world["post"], email="mary@example.com", notify="on")


DOORS = {
    "password reset": reset,
    "invitation": invite,
    "follow by email": follow,
    "comment": comment,
}


def links(message: EmailMessage) -> list[str]:
    found = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found += LINK.findall(str(part.get_content()))
    found = [link.rstrip(".,;:)") for link in found]  # a sentence's full stop is no part
    for name in ("List-Unsubscribe", "List-Id", "Message-ID"):
        found += LINK.findall(str(message.get(name, "")))
    return found


@pytest.mark.parametrize("trusted_proxy", [False, True], ids=["direct", "behind a proxy"])
@pytest.mark.parametrize("shape", list(EVIL))
@pytest.mark.parametrize("door", list(DOORS))
def test_every_link_in_every_mail_names_the_configured_origin(
    blog: Blog,
    admin: User,
    post: Post,
    smtp: Inbox,
    settings: Any,
    django_capture_on_commit_callbacks: Capture,
    door: str,
    shape: str,
    trusted_proxy: bool,
) -> None:
    if trusted_proxy:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    world = {"blog": blog, "admin": admin, "post": post}
    with django_capture_on_commit_callbacks(execute=True):
        DOORS[door](world, EVIL[shape])
    assert smtp.messages, "the door sent no mail"
    found = [link for message in smtp.messages for link in links(message)]
    assert found and all(link == ORIGIN or link.startswith(ORIGIN + "/") for link in found), found
