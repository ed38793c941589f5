"""Control characters that XML 1.0 cannot carry, typed into a post or a comment, must not
take the blog's feeds down (they did: one post holding `\\x02` made every feed carrying it
answer 500, because the HTML parser keeps such characters and lxml refuses them)."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import etree

from broadsheet.blogs.models import Blog
from tests.conftest import MakeComment, MakePost

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
