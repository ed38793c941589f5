"""Reply mails go only to an address that confirmed itself by the mailed link
(comments/notifications.ask_to_confirm, reader/comment_views.confirm_replies)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions
from broadsheet.comments.models import Comment, ReplyAddress
from broadsheet.comments.notifications import confirm_token
from broadsheet.posts.models import Post
from tests.commenting import PostAs

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]
MARY = "mary@example.com"
NOON = dt.datetime(2024, 10, 21, 12, 0, tzinfo=dt.UTC)


def to_mary() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [MARY]]


def confirm_path(message: mail.EmailMessage) -> str:
    found = re.search(r"^http://localhost(/comments/confirm/\S+)$", message.body, re.M)
    assert found is not None, message.body
    return found.group(1)


def answer(post: Post, author: User, capture: Capture) -> None:
    """Ada, the post's author, replies from the studio to Mary's published comment."""
    parent = Comment.objects.get(author_email=MARY)
    member = Membership.of(author, post.blog)
    assert member is not None
    with capture(execute=True):
        actions.reply(member, parent, f"An answer {Comment.objects.count()}.")


def test_no_reply_mail_before_confirmation_and_one_after(
    post: Post, author: User, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post, email=MARY, notify="on")
    (confirmation,) = to_mary()
    assert "Confirm your address" in confirmation.subject
    answer(post, author, django_capture_on_commit_callbacks)
    assert len(to_mary()) == 1  # the reply told no one: the address is not confirmed yet
    page = Client().get(confirm_path(confirmation))  # what a mail scanner does
    assert b"Yes, mail me about replies" in page.content
    assert not ReplyAddress.objects.confirmed(post.blog, MARY)
    done = Client(enforce_csrf_checks=True).post(confirm_path(confirmation))
    assert done.status_code == 200 and b"Done" in done.content
    answer(post, author, django_capture_on_commit_callbacks)
    reply_mail = to_mary()[-1]
    assert "A reply to your comment" in reply_mail.subject
    assert reply_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_confirmation_mail_a_day_however_many_comments(
    post: Post, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post, email=MARY, notify="on")
        post_as(Client(), post, email=MARY, notify="on", body="And another thing.")
    assert len(to_mary()) == 1
    later = NOON + dt.timedelta(days=1, minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post, email=MARY.upper(), notify="on", body="A day later.")
    assert len(to_mary()) == 2


def test_a_confirmed_address_is_not_asked_again(
    post: Post, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    actions.confirm_replies(post.blog, MARY)
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post, email=MARY, notify="on")
    assert to_mary() == []


def test_a_held_comment_asks_only_once_approved(
    blog: Blog,
    post: Post,
    admin: User,
    post_as: PostAs,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post, email=MARY, notify="on")
    assert to_mary() == []  # a spammer's held comment mails no one it named
    member = Membership.of(admin, blog)
    assert member is not None
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve(member, Comment.objects.get(author_email=MARY))
    assert len(to_mary()) == 1


def test_a_forged_or_expired_link_is_not_found(post: Post) -> None:
    assert Client().post("/comments/confirm/forged:token").status_code == 404
    with time_machine.travel(NOON, tick=False):
        token = confirm_token(post.blog.pk, MARY)
    with time_machine.travel(NOON + dt.timedelta(days=8), tick=False):
        assert Client().post(f"/comments/confirm/{token}").status_code == 404
    assert not ReplyAddress.objects.confirmed(post.blog, MARY)


def test_wrong_method(post: Post) -> None:
    assert Client().put(f"/comments/confirm/{confirm_token(post.blog.pk, MARY)}").status_code == 405


def test_one_confirmation_a_day_per_inbox_however_the_address_is_spelled(
    post: Post, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    # Someone else's address typed into the form, spelled anew for each comment: its case and
    # a +tag (most providers deliver mary+x@ to mary@), each from another client.
    spellings = [MARY, "Mary+1@example.com", "mary+news@example.com", "MARY@EXAMPLE.COM"]
    with time_machine.travel(NOON, tick=False):
        for n, email in enumerate(spellings):
            with django_capture_on_commit_callbacks(execute=True):
                post_as(Client(REMOTE_ADDR=f"198.51.100.{n}"), post, email=email, notify="on",
                        body=f"Comment number {n}.")  # fmt: skip
    asked = [m for m in mail.outbox if "Confirm your address" in m.subject]
    assert len(asked) == 1
