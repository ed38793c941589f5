"""Imported posts and comments keep their Blogger identity: the entry ids feed readers know,
the `#c<id>` anchors old links point at, and the old comment-feed addresses, through any
number of exports and imports."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import feedparser
import pytest
from django.conf import settings
from django.test import Client, override_settings
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.portability.actions import import_blogger
from broadsheet.portability.blogger_export import export_blogger
from broadsheet.portability.models import Redirect
from broadsheet.posts.models import Post
from tests.portability.conftest import BLOGGER, NOW

pytestmark = pytest.mark.django_db

SAMPLE = BLOGGER / "blogger-sample2.xml"
BLOG_TAG = "tag:blogger.com,1999:blog-3113891067179933828"
POST_ID = f"{BLOG_TAG}.post-7031156583478223661"
COMMENT_ID = f"{BLOG_TAG}.post-1066271041639903470"
PERMALINK = "/2008/04/this-about-sums-up-my-life.html"
MIDDLEWARE = "broadsheet.portability.middleware.RedirectMiddleware"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def with_redirects() -> Iterator[None]:
    stack = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in stack:
        stack.append(MIDDLEWARE)
    with override_settings(MIDDLEWARE=stack):
        yield


@pytest.fixture
def imported(blog: Blog) -> Blog:
    import_blogger(blog, SAMPLE, now=NOW)
    return blog


def file_ids(path: Any) -> set[str]:
    """The ids of the post and comment entries of a Blogger file."""
    root = etree.parse(str(path) if not isinstance(path, bytes) else io.BytesIO(path))
    ids = set()
    for entry in root.iter(f"{ATOM}entry"):
        kinds = [c.get("term", "") for c in entry.iter(f"{ATOM}category")]
        if any(kind.endswith(("#post", "#comment")) for kind in kinds):
            ids.add(entry.findtext(f"{ATOM}id"))
    return ids


def exported(blog: Blog) -> bytes:
    out = io.BytesIO()
    export_blogger(blog, out, base="https://notes.example")
    return out.getvalue()


def test_posts_feed_serves_the_blogger_entry_ids(imported: Blog, client: Client) -> None:
    feed = feedparser.parse(client.get("/feeds/posts/default?max-results=500").content)

    ids = {entry.id for entry in feed.entries}
    assert POST_ID in ids
    assert all(entry_id.startswith(BLOG_TAG + ".post-") for entry_id in ids)


def test_rss_guid_is_the_blogger_id_too(imported: Blog, client: Client) -> None:
    feed = feedparser.parse(client.get("/feeds/posts/default?alt=rss").content)

    assert POST_ID in {entry.id for entry in feed.entries}


def test_comment_feeds_serve_the_blogger_comment_ids(imported: Blog, client: Client) -> None:
    post = Post.objects.get(blog=imported, permalink=PERMALINK)
    whole = feedparser.parse(client.get("/feeds/comments/default").content)
    one = feedparser.parse(client.get(f"/feeds/{post.pk}/comments/default").content)

    assert COMMENT_ID in {entry.id for entry in whole.entries}
    assert COMMENT_ID in {entry.id for entry in one.entries}


def test_a_reply_names_its_parent_by_the_parents_kept_id(imported: Blog, client: Client) -> None:
    post = Post.objects.get(blog=imported, permalink=PERMALINK)
    parent = Comment.objects.get(source_id=COMMENT_ID)
    Comment.objects.create(
        post=post, parent=parent, body="Thanks!", status=Comment.Status.PUBLISHED
    )

    text = client.get("/feeds/comments/default").content.decode()

    assert f'ref="{COMMENT_ID}"' in text


def test_the_post_page_carries_the_old_comment_anchor(imported: Blog, client: Client) -> None:
    comment = Comment.objects.get(source_id=COMMENT_ID)

    page = client.get(PERMALINK).content.decode()

    assert 'id="c1066271041639903470"' in page
    assert f'id="c{comment.pk}"' in page  # and our own


def test_blogger_show_comment_links_land_on_the_page(imported: Blog, client: Client) -> None:
    # The address Blogger gave the comment, as the file has it.
    response = client.get(f"{PERMALINK}?showComment=1226448600000")

    assert response.status_code == 200
    assert 'id="c1066271041639903470"' in response.content.decode()


def test_old_comment_feed_redirect_keeps_the_query(imported: Blog, client: Client) -> None:
    post = Post.objects.get(blog=imported, permalink=PERMALINK)

    response = client.get("/feeds/7031156583478223661/comments/default?alt=rss")

    assert response.status_code == 301
    assert response["Location"] == f"/feeds/{post.pk}/comments/default?alt=rss"
    assert client.get(response["Location"])["Content-Type"].startswith("application/rss+xml")


def test_the_blogger_export_writes_the_original_ids_back(imported: Blog) -> None:
    assert file_ids(SAMPLE) <= file_ids(exported(imported))


def test_our_own_posts_are_exported_under_the_ids_our_feeds_serve(
    blog: Blog, make_post: Any, client: Client
) -> None:
    post = make_post()
    feed = feedparser.parse(client.get("/feeds/posts/default").content)

    assert feed.entries[0].id in file_ids(exported(blog))
    assert post.source_id is None


def test_export_import_export_keeps_every_id_and_redirect(
    imported: Blog, other_blog: Blog, make_post: Any, write_file: Any
) -> None:
    make_post(title="Written here")  # an id of our own, not Blogger's
    first = exported(imported)

    import_blogger(other_blog, write_file(first), now=NOW)
    second = exported(other_blog)

    assert file_ids(first) == file_ids(second)
    assert len(file_ids(first)) == Post.objects.filter(blog=imported).count() + 3
    assert redirects(imported) == redirects(other_blog)
    assert re.search(rb"#c1066271041639903470", second)


def redirects(blog: Blog) -> set[tuple[str, str]]:
    return {
        (r.old_path, r.post.permalink if r.post else r.new_path)
        for r in Redirect.objects.filter(blog=blog).select_related("post")
    }
