"""Writing a Blogger backup: feedparser reads it cleanly and the Blogger importer reads
everything back."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from django.contrib.auth.models import User
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.blogger import ATOM
from broadsheet.portability.blogger_export import export_blogger
from broadsheet.posts.models import Post
from tests.portability.conftest import NOW, WXR, content_of
from tests.portability.pictures import add_pictures, largest_url

pytestmark = pytest.mark.django_db
BASE = "https://notes.example"


@pytest.fixture
def rich_blog(blog: Blog) -> Blog:
    """Drafts, a scheduled post, pages, labels, ten-deep threads, pending comments."""
    import_wordpress(blog, WXR / "theme-unit-test-data.xml", now=NOW)
    return blog


def exported(blog: Blog) -> bytes:
    out = io.BytesIO()
    export_blogger(blog, out, base=BASE)
    return out.getvalue()


def test_feedparser_reads_it_cleanly_and_finds_every_post(rich_blog: Blog) -> None:
    text = exported(rich_blog)
    feed = feedparser.parse(text)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == rich_blog.title
    titles = {entry.get("title", "") for entry in feed.entries}
    assert set(Post.objects.filter(blog=rich_blog).values_list("title", flat=True)) <= titles
    links = {entry.get("link") for entry in feed.entries}
    posts = Post.objects.filter(blog=rich_blog).exclude(permalink="")
    assert {BASE + path for path in posts.values_list("permalink", flat=True)} <= links
    # Keyboard navigation: 2018-10-21 03:03:48 UTC, in Los Angeles (PDT).
    assert b"<published>2018-10-20T20:03:48.000-07:00</published>" in text


def test_the_blogger_importer_reads_everything_back(
    rich_blog: Blog, other_blog: Blog, write_file: Any
) -> None:
    report = import_blogger(other_blog, write_file(exported(rich_blog)), now=NOW)

    assert report.created == {"posts": 58, "pages": 21, "comments": 28}
    original, copy = content_of(rich_blog), content_of(other_blog)
    # Titles, permalinks, statuses, dates, bodies, authors, counts and labels of posts;
    # pages; comments with their authors, text, status, time and the comment they answer.
    assert copy["posts"] == original["posts"]
    assert copy["pages"] == original["pages"]
    assert copy["comments"] == original["comments"]
    post = Post.objects.get(blog=other_blog, title="Template: Comments")
    assert post.comments.filter(status="pending").count() == 1
    deepest, depth = post.comments.get(body__startswith="Comment Depth 10"), 0
    while deepest.parent is not None:
        deepest, depth = deepest.parent, depth + 1
    assert depth == 9


def test_empty_blog_exports_a_valid_feed(other_blog: Blog) -> None:
    feed = feedparser.parse(exported(other_blog))
    assert not feed.bozo
    assert feed.entries and all("settings" in entry.id for entry in feed.entries)


def test_uploaded_pictures_are_written_at_absolute_addresses(
    blog: Blog, author: User, settings: Any, tmp_path: Path
) -> None:
    pictures = add_pictures(blog, author, settings, tmp_path)

    feed = etree.fromstring(exported(blog))

    # Read with lxml: feedparser's sanitiser would take srcset out before the test saw it.
    bodies = {
        entry.findtext(f"{{{ATOM}}}title"): entry.findtext(f"{{{ATOM}}}content") or ""
        for entry in feed.iter(f"{{{ATOM}}}entry")
    }
    kale = bodies["Kale"]
    # The picture, every width of its srcset, and the link around it: all under the blog.
    assert f'href="{BASE}{largest_url(pictures.kale)}"' in kale
    assert f'src="{BASE}{pictures.kale.src}"' in kale
    srcset = re.search(r'srcset="([^"]+)"', kale)
    assert srcset is not None
    assert [url.split()[0] for url in srcset.group(1).split(", ")] == [
        BASE + url.split()[0] for url in pictures.kale.srcset.split(", ")
    ]
    for body in bodies.values():
        assert '"/media/' not in body and " /media/" not in body, body
    assert f'src="{BASE}{pictures.leek.src}"' in bodies["Garden"]
