"""GET /comments/token/<post_id>: the tokens form.js puts into the cached form."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments import defences
from broadsheet.posts.models import Post
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def test_hands_out_a_csrf_token_with_its_cookie_and_a_form_token(post: Post) -> None:
    response = Client().get(f"/comments/token/{post.pk}")
    data = response.json()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response.cookies["csrftoken"].value and data["csrf"]
    assert defences.check_token(data["token"], post.pk, now=9e12) is defences.TokenVerdict.EXPIRED
    assert defences.check_token(data["token"], post.pk) is defences.TokenVerdict.TOO_FAST


def test_each_request_gets_its_own_form_token(post: Post) -> None:
    first = Client().get(f"/comments/token/{post.pk}").json()["token"]
    second = Client().get(f"/comments/token/{post.pk}").json()["token"]
    assert first != second


def test_another_blogs_post_or_closed_comments_are_not_found(
    post: Post, make_post: MakePost, other_blog: Blog
) -> None:
    theirs = make_post("Theirs", target=other_blog)
    closed = make_post("Closed", comments_allowed=False)
    for target in (theirs, closed):
        assert Client().get(f"/comments/token/{target.pk}").status_code == 404


def test_only_get_and_head(post: Post) -> None:
    assert Client().post(f"/comments/token/{post.pk}").status_code == 405
    assert Client().head(f"/comments/token/{post.pk}").status_code == 200
