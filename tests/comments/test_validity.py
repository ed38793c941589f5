"""The pages comments add pass the Nu Html Checker: the post page with its form, the form page
with a message on every field, the confirm step, and the studio's moderation list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.cast import signed_in
from tests.comments.conftest import comment_data
from tests.conftest import MakeComment
from tests.tools.vnu import VnuService

pytestmark = pytest.mark.django_db


def test_comment_pages_are_valid_html(
    vnu: VnuService, post: Post, admin: User, make_comment: MakeComment
) -> None:
    parent = make_comment(post, "A question?")
    make_comment(post, "Held", status=Comment.Status.PENDING)
    client = Client()
    pages = {
        "post": client.get(post.permalink),
        "reply form": client.get(f"/comments/post/{post.pk}?parent={parent.pk}"),
        "errors": client.post(
            f"/comments/post/{post.pk}", comment_data(post, body="", url="x:y", email="no")
        ),
        "confirm": client.post(f"/comments/post/{post.pk}", comment_data(post, token="")),
        "moderation": signed_in(admin).get("/studio/comments/notes/"),
    }
    errors = {name: vnu.validate(page.content.decode()) for name, page in pages.items()}
    assert not any(errors.values()), errors
