"""`/feeds/pages/default`: the blog's published static pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_page
from broadsheet.posts.models import Page
from tests.conftest import NOON
from tests.feeds.conftest import ORIGIN, entries_titles, hours
from tests.feeds.rules import read_feed, read_jsonfeed

pytestmark = pytest.mark.django_db


def page(blog: Blog, title: str, status: str = Page.Status.PUBLISHED, **fields: object) -> Page:
    return save_page(
        Page(blog=blog, title=title, source=f"About {title}.", status=status, **fields)
    )


def test_pages_feed_lists_published_pages(
    client: Client, blog: Blog, author: User, other_blog: Blog
) -> None:
    about = page(blog, "About", author=author, published_at=NOON)
    page(blog, "Contact", published_at=NOON + hours(1))
    page(blog, "Unfinished", status=Page.Status.DRAFT)
    page(other_blog, "Elsewhere")
    for path in ("/feeds/pages/default", "/feeds/pages/default?alt=rss"):
        assert entries_titles(read_feed(client.get(path))) == ["Contact", "About"]
    entry = read_feed(client.get("/feeds/pages/default")).entries[1]
    assert entry.link == f"{ORIGIN}/p/about.html"
    assert entry.id == "tag:localhost,2024:/p/about.html"
    assert entry.author == "Ada Byron"
    assert "About About." in entry.content[0].value
    assert about.author == author
    document = read_jsonfeed(client.get("/feeds/pages/default?alt=jsonfeed"))
    assert [item["title"] for item in document["items"]] == ["Contact", "About"]
    assert document["items"][0]["authors"] == [{"name": "Field Notes"}]  # no author: the blog


def test_pages_feed_of_private_blog_is_404(client: Client, blog: Blog) -> None:
    page(blog, "About")
    blog.is_private = True
    blog.save()
    assert client.get("/feeds/pages/default").status_code == 404
