"""Blogger's "Post feed redirect URL": readers of the posts feed go to FeedBurner (or
wherever), the blog's members and the hub still read the feed itself."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from broadsheet.blogs.models import Blog
from broadsheet.feeds import websub
from tests.conftest import MakePost, SignIn
from tests.feeds.conftest import ORIGIN
from tests.feeds.rules import read_feed

pytestmark = pytest.mark.django_db

TARGET = "https://feeds.feedburner.com/fieldnotes"


@pytest.fixture
def redirected(blog: Blog, make_post: MakePost) -> Blog:
    make_post()
    blog.feed_redirect_url = TARGET
    blog.save()
    return blog


@pytest.mark.parametrize(
    "path", ["/feeds/posts/default", "/feeds/posts/default?alt=rss", "/atom.xml", "/rss.xml"]
)
def test_readers_of_the_posts_feed_are_sent_on(redirected: Blog, client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == TARGET


def test_redirect_false_gets_the_feed(redirected: Blog, client: Client) -> None:
    response = client.get("/feeds/posts/default?redirect=false")

    assert response.status_code == 200
    assert len(read_feed(response).entries) == 1


def test_members_get_the_feed(redirected: Blog, author: User, signed_in: SignIn) -> None:
    assert signed_in(author).get("/feeds/posts/default").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/posts/summary",
        "/feeds/posts/default/-/Garden",
        "/feeds/comments/default",
        "/feeds/posts/default?start-index=2",
    ],
)
def test_other_feeds_are_not_redirected(redirected: Blog, client: Client, path: str) -> None:
    assert client.get(path).status_code == 200


def test_no_redirect_without_the_setting(blog: Blog, make_post: MakePost, client: Client) -> None:
    make_post()

    assert client.get("/feeds/posts/default").status_code == 200


@override_settings(WEBSUB_HUB="https://hub.example/")
def test_the_hub_is_told_of_the_feed_it_can_read(redirected: Blog, client: Client) -> None:
    topic = websub.topic_url(redirected, "atom")

    assert topic == f"{ORIGIN}/feeds/posts/default?redirect=false"
    response = client.get("/feeds/posts/default?redirect=false")
    assert f'href="{topic}"' in response.content.decode()
