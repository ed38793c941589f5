"""Control characters that XML 1.0 cannot carry, typed into a post or a comment, must not
take the blog's feeds down (they did: one post holding `\\x02` made every feed carrying it
answer 500, because the HTML parser keeps such characters and lxml refuses them)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.conftest import MakeComment, MakePost
from tests.security.browser import browser

pytestmark = pytest.mark.django_db

CONTROLS = "".join(chr(n) for n in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
FEEDS = [
    "/feeds/posts/default",
    "/feeds/posts/default?alt=rss",
    "/feed.json",
    "/feeds/comments/default",
    "/sitemap.xml?page=1",
]


@pytest.mark.parametrize(
    "where",
    ["body", "title", "comment"],
)
def test_feeds_survive_control_characters(
    blog: Blog, make_post: MakePost, make_comment: MakeComment, where: str
) -> None:
    text = f"before{CONTROLS}after &#2; &#x1f;"
    post = make_post(
        title=text if where == "title" else "Plain title",
        source=text if where == "body" else "Plain words.",
        source_format="html",
    )
    if where == "comment":
        make_comment(post, body=text, author_name=text)
    client = Client()
    for path in FEEDS:
        response = client.get(path)
        assert response.status_code == 200, (where, path, response.status_code)
        if "json" not in path:
            etree.fromstring(response.content, etree.XMLParser(resolve_entities=False))


def test_the_studio_takes_them_out_of_what_is_typed(blog: Blog, author: Any) -> None:
    """Typed into the editor and the settings, they never reach the database or a page."""
    from broadsheet.blogs.models import Membership

    Membership.objects.filter(blog=blog, user=author).update(role=Membership.Role.ADMIN)
    client = browser()
    client.force_login(author)
    response = client.post(
        f"/studio/{blog.slug}/posts/new/",
        {
            "title": f"Frost{CONTROLS}report",
            "source": "Cold\x0bmorning\x02.",
            "source_format": "markdown",
            "labels": "Weather\x1f, Gar\x02den",
            "intent": "publish",
            "comments_allowed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = Post.objects.get(blog=blog)
    assert post.title == "Frost" + " " * 6 + "report"  # \x0b \x0c \x1c-\x1f become spaces
    assert sorted(post.labels.values_list("name", flat=True)) == ["Garden", "Weather"]
    assert "\x02" not in post.source and "Cold morning." in post.source
    page = Client().get(post.permalink).content.decode()
    assert not set(CONTROLS) & set(page)
