"""The blog settings' "Ask commenters a question": three choices, kept when a form omits it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from tests.conftest import SignIn
from tests.studio.conftest import url
from tests.studio.test_blog_settings import SETTINGS_PUBLIC

pytestmark = pytest.mark.django_db


def test_admin_turns_the_question_on_and_an_old_form_leaves_it(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    client = signed_in(admin)
    page = client.get(url("blog-settings", blog.slug)).content.decode()
    assert "<legend>Ask commenters a question</legend>" in page
    assert 'name="comment_challenge" value="off"' in page
    client.post(
        url("blog-settings", blog.slug), SETTINGS_PUBLIC | {"comment_challenge": "everyone"}
    )
    blog.refresh_from_db()
    assert blog.comment_challenge == Blog.CommentChallenge.EVERYONE
    client.post(url("blog-settings", blog.slug), SETTINGS_PUBLIC)
    blog.refresh_from_db()
    assert blog.comment_challenge == Blog.CommentChallenge.EVERYONE


def test_an_unknown_choice_is_refused_with_a_message(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    data = SETTINGS_PUBLIC | {"comment_challenge": "robots", "title": "Kept title"}
    response = signed_in(admin).post(url("blog-settings", blog.slug), data)
    page = response.content.decode()
    assert response.status_code == 400 and "Select a valid choice" in page
    assert 'value="Kept title"' in page
