"""/comments/unsubscribe/<token>: GET asks, POST stops the reply mails."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.comments.models import Comment
from broadsheet.comments.notifications import unsubscribe_token
from broadsheet.posts.models import Post
from tests.conftest import MakeComment

pytestmark = pytest.mark.django_db


def test_get_asks_and_changes_nothing(post: Post, make_comment: MakeComment) -> None:
    make_comment(post, author_email="mary@example.com", notify_replies=True)
    url = f"/comments/unsubscribe/{unsubscribe_token(post.blog.pk, 'mary@example.com')}"
    response = Client().get(url)
    assert response.status_code == 200 and "Stop these mails" in response.content.decode()
    assert Comment.objects.get().notify_replies


def test_post_stops_the_mails(post: Post, make_comment: MakeComment) -> None:
    make_comment(post, author_email="mary@example.com", notify_replies=True)
    make_comment(post, "other", author_email="lu@example.com", notify_replies=True)
    url = f"/comments/unsubscribe/{unsubscribe_token(post.blog.pk, 'mary@example.com')}"
    response = Client(enforce_csrf_checks=True).post(url)
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert list(
        Comment.objects.filter(notify_replies=True).values_list("author_email", flat=True)
    ) == ["lu@example.com"]


def test_a_forged_token_is_not_found(post: Post) -> None:
    assert Client().post("/comments/unsubscribe/forged:token").status_code == 404


def test_wrong_method(post: Post) -> None:
    url = f"/comments/unsubscribe/{unsubscribe_token(post.blog.pk, 'mary@example.com')}"
    assert Client().put(url).status_code == 405
