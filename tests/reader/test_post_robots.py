"""A post's custom robots tags (Blogger's) reach search engines as `<meta name="robots">`."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from tests.conftest import MakePost
from tests.reader.test_head import head

pytestmark = pytest.mark.django_db


def test_a_post_with_robots_tags_says_so_in_its_head(client: Client, make_post: MakePost) -> None:
    post = make_post("Private musings", robots="noindex, nofollow")
    assert head(client, post.permalink).meta["robots"] == ["noindex, nofollow"]


def test_a_post_with_the_default_says_nothing(client: Client, make_post: MakePost) -> None:
    post = make_post("Open to all")
    assert "robots" not in head(client, post.permalink).meta


def test_a_hidden_blog_says_it_once(client: Client, blog: Blog, make_post: MakePost) -> None:
    blog.hide_from_search_engines = True
    blog.save()
    post = make_post("Quiet", robots="noarchive")
    assert head(client, post.permalink).meta["robots"] == ["noindex, nofollow"]
