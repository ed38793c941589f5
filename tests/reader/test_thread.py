"""The comment thread's anchors go out unescaped: they can only be `c` and digits."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader.postpage import Node, Shown
from broadsheet.reader.thread import thread_html

pytestmark = pytest.mark.django_db

SOURCES = [
    None,
    "tag:blogger.com,1999:blog-7.post-4242",
    'tag:blogger.com,1999:blog-7.post-1"><script>alert(1)</script>',
    "tag:blogger.com,1999:blog-7.post-99\n",
    "<b>not blogger</b>",
]


@pytest.mark.parametrize("source", SOURCES)
def test_an_anchor_needs_no_escaping_whatever_the_source_id(
    blog: Blog, post: Post, source: str | None
) -> None:
    when = dt.datetime(2024, 10, 20, 12, tzinfo=dt.UTC)
    shown = Shown(31, None, "published", "Ada", "", "Hi", "<p>Hi</p>", when, source)
    assert escape(shown.anchor) == shown.anchor == "c31"
    assert escape(shown.kept_anchor) == shown.kept_anchor
    assert shown.kept_anchor[0] == "c" and shown.kept_anchor[1:].isdigit()
    html = thread_html([Node(shown)], post, blog)
    assert "<script>" not in html and "<b>" not in html
