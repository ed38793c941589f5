"""Hostile and broken files, through the importers: a clear error and the blog untouched.
Imported HTML full of attacks comes out sanitised."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.core import markup
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.errors import (
    ImportFileError,
    MalformedXMLError,
    UnsafeXMLError,
    WrongFormatError,
)
from broadsheet.posts.models import Post
from tests.portability.conftest import BLOGGER, CORPORA, NOW, WXR, snapshot

pytestmark = pytest.mark.django_db

XML = CORPORA / "xml"
IMPORTERS = [import_blogger, import_wordpress]


@pytest.fixture
def filled(blog: Blog) -> Blog:
    """A blog that already has content, so that "untouched" means something."""
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)
    return blog


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("path", "error", "says"),
    [
        (
            XML / "payloadsallthethings/Deny_Of_Service_-_Billion_Laugh_Attack.xml",
            UnsafeXMLError,
            "billion laughs",
        ),
        (XML / "defusedxml/xmlbomb.xml", UnsafeXMLError, "DOCTYPE"),
        (XML / "defusedxml/quadratic.xml", UnsafeXMLError, "DOCTYPE"),
        (XML / "defusedxml/external.xml", UnsafeXMLError, "external entities"),
        (XML / "defusedxml/external_file.xml", UnsafeXMLError, "DOCTYPE"),
        (XML / "defusedxml/dtd.xml", UnsafeXMLError, "DTDs"),
        (XML / "payloadsallthethings/XXE_OOB_Attack_Yunusov_2013.xml", WrongFormatError, "not"),
        (XML / "defusedxml/simple.xml", WrongFormatError, "root element is <root>"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else "",
)
def test_attacks_are_refused_and_the_blog_is_untouched(
    filled: Blog, importer: Any, path: Path, error: type[Exception], says: str
) -> None:
    before = snapshot(filled)
    with pytest.raises(error, match=says):
        importer(filled, path, now=NOW)
    assert snapshot(filled) == before


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b'{"posts": [{"title": "JSON"}]}', "JSON document"),
        (b"", "empty"),
    ],
)
def test_other_formats_are_named_and_the_blog_is_untouched(
    filled: Blog, importer: Any, write_file: Any, content: bytes, says: str
) -> None:
    before = snapshot(filled)
    with pytest.raises(WrongFormatError, match=says):
        importer(filled, write_file(content), now=NOW)
    assert snapshot(filled) == before


def test_truncated_blogger_file_rolls_back_what_it_had_written(
    filled: Blog, write_file: Any
) -> None:
    text = (BLOGGER / "pelican-bloggerexport-2018.xml").read_bytes()
    cut = text[: text.index(b"The Steel Windpipe") + 5000]  # after the first posts
    before = snapshot(filled)
    with pytest.raises(MalformedXMLError, match=r"line \d+, column \d+"):
        import_blogger(filled, write_file(cut), now=NOW)
    assert snapshot(filled) == before


def test_truncated_wxr_file_rolls_back(filled: Blog, write_file: Any) -> None:
    text = (WXR / "theme-unit-test-data.xml").read_bytes()
    before = snapshot(filled)
    with pytest.raises(MalformedXMLError, match=r"line \d+, column \d+"):
        import_wordpress(filled, write_file(text[: len(text) // 2]), now=NOW)
    assert snapshot(filled) == before


def test_each_importer_names_the_other_format(blog: Blog) -> None:
    with pytest.raises(WrongFormatError, match="<rss>"):
        import_blogger(blog, WXR / "valid-wxr-1.1.xml", now=NOW)
    with pytest.raises(WrongFormatError, match="Blogger backup"):
        import_wordpress(blog, BLOGGER / "blogger-sample2.xml", now=NOW)


def xss_payloads() -> list[str]:
    lines = (CORPORA / "xss" / "xss_payloads_quick.txt").read_text().splitlines()
    return [line for line in lines if line.strip()]


def blogger_file_with(payloads: list[str]) -> str:
    entries = []
    for number, payload in enumerate(payloads):
        escaped = html.escape(payload)
        entries.append(f"""
  <entry>
    <id>tag:blogger.com,1999:blog-1.post-{number}</id>
    <published>2020-01-01T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
    <category scheme='http://www.blogger.com/atom/ns#' term='{escaped}'/>
    <title type='html'>{escaped}</title>
    <content type='html'>&lt;p&gt;before&lt;/p&gt;{escaped}&lt;p&gt;after&lt;/p&gt;</content>
    <link rel='alternate' type='text/html' href='https://x.blogspot.com/2020/01/p{number}.html'/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-1.post-c{number}</id>
    <published>2020-01-02T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>{escaped}</content>
    <author><name>{escaped}</name><uri>javascript:alert({number})</uri></author>
    <thr:in-reply-to ref='tag:blogger.com,1999:blog-1.post-{number}'/>
  </entry>""")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>" + "".join(entries) + "\n</feed>"
    )


FORBIDDEN_TAGS = ("script", "iframe", "object", "embed", "form", "base", "meta", "style", "svg")
URL_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)


def assert_inert(fragment: str) -> None:
    tree = etree.HTML(f"<div>{fragment}</div>")
    if tree is None:
        return
    for element in tree.iter():
        assert element.tag not in FORBIDDEN_TAGS, fragment
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), fragment
            assert not URL_SCHEMES.match(value), fragment
    assert markup.sanitize(fragment) == fragment  # re-sanitising moves nothing


def assert_page_inert(content: bytes) -> None:
    """Only the site's own scripts, and JSON data that stayed JSON (no `</script>` breakout)."""
    page = etree.HTML(content)
    for element in page.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        if element.tag == "script":
            if element.get("src"):
                assert element.get("src", "").startswith("/static/")
            else:
                assert element.get("type") == "application/ld+json"
                json.loads(element.text or "")


def test_xss_payloads_in_a_blogger_file_come_out_sanitised(
    blog: Blog, write_file: Any, client: Client
) -> None:
    payloads = xss_payloads()
    assert len(payloads) > 30
    import_blogger(blog, write_file(blogger_file_with(payloads)), now=NOW)

    posts = Post.objects.filter(blog=blog)
    assert posts.count() == len(payloads)
    for post in posts:
        assert_inert(post.body_html)
    for post in posts.order_by("pk")[:8]:  # pages are slower: the first few stand for all
        assert_page_inert(client.get(post.permalink).content)
    for comment in Comment.objects.filter(post__blog=blog):
        assert comment.author_url == ""  # only http(s) addresses are kept
        assert "<script" not in comment.body.lower()  # plain text, no tags at all
        assert "<img" not in comment.body.lower()


def test_errors_say_nothing_was_written(blog: Blog) -> None:
    with pytest.raises(ImportFileError) as refused:
        import_blogger(blog, XML / "defusedxml/xmlbomb.xml", now=NOW)
    assert "refused" in str(refused.value)
