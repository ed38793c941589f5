"""A post's comment option (allow, stop new ones, hide) survives every way in and out: Blogger
and WordPress files, and the Broadsheet backup."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.backup import export_backup
from broadsheet.portability.blogger_export import export_blogger
from broadsheet.portability.restore import restore_backup
from broadsheet.portability.wordpress_export import export_wordpress
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post, ReaderComments
from tests.conftest import MakePost
from tests.portability.conftest import NOW

pytestmark = pytest.mark.django_db

ENTRY = """<entry>
    <id>tag:blogger.com,1999:blog-42.post-{n}</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    {option}
    <title>Post {n}</title>
    <content type='html'>Text</content>
    <published>2023-05-0{n}T08:00:00Z</published>
    <blogger:filename>/2023/05/post-{n}.html</blogger:filename>
  </entry>"""
OPTIONS = ["", "ALLOW", "DONT_ALLOW_SHOW_EXISTING", "DONT_ALLOW_HIDE_EXISTING", "SOMETIMES"]
EXPECTED = ["allow", "allow", "stop", "hide", "allow"]


def takeout() -> str:
    entries = [
        ENTRY.format(n=n, option=f"<blogger:readerComments>{option}</blogger:readerComments>")
        for n, option in enumerate(OPTIONS, start=1)
    ]
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'"
        " xmlns:blogger='http://schemas.google.com/blogger/2018'>\n"
        + "\n".join(entries)
        + "\n</feed>"
    )


def options(blog: Blog) -> list[str]:
    return [post.reader_comments for post in Post.objects.filter(blog=blog).order_by("title")]


@pytest.fixture
def three_posts(make_post: MakePost) -> Blog:
    for option in ReaderComments:
        post = make_post(f"Post {option}")
        post.set_reader_comments(option)
        save_post(post)
    return post.blog


def test_blogger_reader_comments_are_mapped(blog: Blog, write_file: Any) -> None:
    import_blogger(blog, write_file(takeout()), now=NOW)
    assert options(blog) == EXPECTED


def test_our_blogger_export_reads_back_the_same(
    three_posts: Blog, other_blog: Blog, tmp_path: Path
) -> None:
    path = tmp_path / "blog.xml"
    with path.open("wb") as out:
        export_blogger(three_posts, out, base="https://notes.example")
    import_blogger(other_blog, path, now=NOW)
    assert options(other_blog) == options(three_posts) == ["allow", "hide", "stop"]


def test_wordpress_has_open_and_closed_only(
    three_posts: Blog, other_blog: Blog, tmp_path: Path
) -> None:
    path = tmp_path / "blog.xml"
    with path.open("wb") as out:
        export_wordpress(three_posts, out, base="https://notes.example")
    import_wordpress(other_blog, path, now=NOW)
    # WordPress's "closed" shows the comments already there: hiding reads back as stopping.
    assert options(other_blog) == ["allow", "stop", "stop"]


def test_a_backup_keeps_all_three(three_posts: Blog, tmp_path: Path) -> None:
    out = io.BytesIO()
    export_backup(three_posts, out)
    (tmp_path / "backup.zip").write_bytes(out.getvalue())
    restore_backup("copy", tmp_path / "backup.zip")
    assert options(Blog.objects.get(slug="copy")) == ["allow", "hide", "stop"]
