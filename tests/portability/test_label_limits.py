"""An imported post with more labels than a post may carry keeps its first ones; the rest are
named in the report, and the import goes on."""

from __future__ import annotations

from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger
from broadsheet.posts.models import Post
from tests.portability.conftest import NOW

pytestmark = pytest.mark.django_db

LABEL = "<category scheme='http://www.blogger.com/atom/ns#' term='{}'/>"
POST = """  <entry>
    <id>{key}</id>
    <published>2019-12-31T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
    {labels}
    <title>{title}</title>
    <content type='html'>Body</content>
  </entry>
"""


def feed(*posts: tuple[str, list[str]]) -> str:
    entries = "".join(
        POST.format(key=f"p-{n}", title=title, labels="".join(LABEL.format(x) for x in labels))
        for n, (title, labels) in enumerate(posts)
    )
    return f"<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>\n{entries}</feed>\n"


def test_labels_past_the_limit_are_dropped_and_reported(blog: Blog, write_file: Any) -> None:
    many = [f"tag{i:02}" for i in range(25)]
    long = ["a" * 150, "b" * 60, "c" * 40]

    report = import_blogger(
        blog, write_file(feed(("Tag soup", many), ("Long", long), ("Plain", ["x"]))), now=NOW
    )

    assert report.created == {"posts": 3}
    labels = {
        post.title: sorted(post.labels.values_list("name", flat=True))
        for post in Post.objects.all()
    }
    assert labels == {"Tag soup": many[:20], "Long": ["a" * 150, "c" * 40], "Plain": ["x"]}
    lines = report.lines()
    assert "skipped 6 labels past a post's limit (20 labels, 200 characters together)" in lines
    assert any(
        line.startswith("note: “Tag soup” kept 20 labels; dropped: tag20, tag21, tag22")
        for line in lines
    )


def test_a_post_past_the_size_bound_is_skipped_and_reported(
    blog: Blog, write_file: Any, settings: Any
) -> None:
    settings.MAX_POST_BYTES = 1000
    long = POST.format(key="p-long", title="Long", labels="").replace("Body", "word " * 300)
    text = feed(("Short", ["x"])).replace("</feed>", long + "</feed>")

    report = import_blogger(blog, write_file(text), now=NOW)

    assert report.created == {"posts": 1}
    assert list(Post.objects.values_list("title", flat=True)) == ["Short"]
    assert "skipped 1 posts and pages longer than BROADSHEET_MAX_POST_BYTES" in report.lines()
