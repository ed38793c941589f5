"""E-mail about comments (comments/notifications.py, queued by comments/tasks.py), sent after the commit by the task queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions
from broadsheet.comments.models import Comment, ReplyAddress
from broadsheet.posts.models import Post
from tests.commenting import PostAs
from tests.conftest import MakeComment

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def test_new_comment_mails_the_author_and_the_admins(
    post: Post, admin: User, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post)
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "grace@example.com"]
    message = mail.outbox[0]
    assert "New comment on “Rhubarb, forced”" in message.subject
    assert "Forced rhubarb is the sweetest." in message.body
    assert f"http://localhost{post.permalink}#c" in message.body


def test_held_comment_mail_links_the_moderation_list(
    blog: Blog, post: Post, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post)
    (message,) = mail.outbox
    assert "Awaiting moderation" in message.subject
    assert "/studio/comments/notes/?status=pending" in message.body


def test_spam_mails_no_one(
    post: Post, make_comment: MakeComment, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, status=Comment.Status.SPAM)
    assert mail.outbox == []


def test_a_reply_mails_the_opted_in_commenter_with_one_click_unsubscribe(
    post: Post,
    author: User,
    make_comment: MakeComment,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    parent = make_comment(post, "Q?", author_email="mary@example.com", notify_replies=True)
    actions.confirm_replies(post.blog, "Mary@example.com")
    member = Membership.of(author, post.blog)
    assert member is not None
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(member, parent, "An answer.")
    (message,) = [m for m in mail.outbox if m.to == ["mary@example.com"]]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body and "An answer." in message.body
    path = re.sub(r"^http://localhost", "", link)
    assert Client().post(path).status_code == 200  # what a mail client's one click does
    assert not Comment.objects.get(pk=parent.pk).notify_replies
    assert not ReplyAddress.objects.confirmed(post.blog, "mary@example.com")


def test_no_reply_mail_without_opting_in(
    post: Post, author: User, make_comment: MakeComment, django_capture_on_commit_callbacks: Capture
) -> None:
    parent = make_comment(post, "Q?", author_email="mary@example.com")
    member = Membership.of(author, post.blog)
    assert member is not None
    with django_capture_on_commit_callbacks(execute=True):
        actions.reply(member, parent, "An answer.")
    assert not [m for m in mail.outbox if m.to == ["mary@example.com"]]


def test_a_removed_author_gets_no_moderation_mail(
    post: Post,
    author: User,
    admin: User,
    post_as: PostAs,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    Membership.objects.filter(user=author).delete()
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post)
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]


def test_an_author_made_contributor_gets_no_moderation_mail(
    post: Post,
    author: User,
    admin: User,
    post_as: PostAs,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    Membership.objects.filter(user=author).update(role=Membership.Role.CONTRIBUTOR)
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post)
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]


def test_a_removed_admin_gets_no_moderation_mail(
    post: Post, admin: User, post_as: PostAs, django_capture_on_commit_callbacks: Capture
) -> None:
    Membership.objects.filter(user=admin).delete()
    with django_capture_on_commit_callbacks(execute=True):
        post_as(Client(), post)
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
