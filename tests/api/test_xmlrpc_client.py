"""A real WordPress XML-RPC client from PyPI (python-wordpress-xmlrpc) and the standard
library's MetaWeblog/Blogger calls, against a live server, signed in with app passwords."""

from __future__ import annotations

import collections
import collections.abc
import io
import xmlrpc.client
from typing import Any

import pytest
from PIL import Image

from broadsheet.blogs import app_passwords
from broadsheet.posts.models import Post

# The client was written before Python 3.10 moved Iterable to collections.abc; it reads every
# list answer through the old name. Put the name back for it (the client, not the server).
collections.Iterable = collections.abc.Iterable  # type: ignore[attr-defined]

from wordpress_xmlrpc import Client, WordPressPost  # noqa: E402
from wordpress_xmlrpc.methods import media, posts, taxonomies, users  # noqa: E402


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def live(transactional_db: Any, live_server: Any) -> str:
    return str(live_server.url) + "/xmlrpc.php"


def wordpress(url: str, user: Any, blog: Any, scopes: tuple[str, ...] = ("write",)) -> Client:
    secret = app_passwords.create(user, "xmlrpc", scopes)[1]
    return Client(url, user.username, secret, blog_id=str(blog.pk))


def test_wordpress_client_writes_reads_and_trashes_a_post(
    live: str, blog: Any, author: Any, post: Any
) -> None:
    wp = wordpress(live, author, blog)
    assert [found.id for found in wp.call(users.GetUsersBlogs())] == [str(blog.pk)]
    draft = WordPressPost()
    draft.title, draft.content = "Leeks", "<p>Dib them.</p><script>x()</script>"
    draft.terms_names = {"category": ["veg"], "post_tag": ["winter"]}
    made = wp.call(posts.NewPost(draft))
    got = wp.call(posts.GetPost(made))
    assert got.post_status == "draft" and "<script>" not in got.content
    assert sorted(term.name for term in got.terms) == ["veg", "winter"]
    got.post_status = "publish"
    assert wp.call(posts.EditPost(made, got)) is True
    assert Post.objects.get(pk=made).is_public()
    assert made in [found.id for found in wp.call(posts.GetPosts())]
    assert "veg" in [term.name for term in wp.call(taxonomies.GetTerms("category"))]
    assert wp.call(posts.DeletePost(made)) is True
    assert Post.objects.get(pk=made).status == Post.Status.TRASH


def test_wordpress_client_uploads_an_image_and_refuses_a_script(
    live: str, blog: Any, author: Any
) -> None:
    wp = wordpress(live, author, blog)
    image = {"name": "tart.png", "type": "image/png", "bits": xmlrpc.client.Binary(png())}
    stored = wp.call(media.UploadFile(image))
    assert stored["url"].startswith("/media/") or "/media/" in stored["url"]
    hostile = {"name": "x.png", "type": "image/png", "bits": xmlrpc.client.Binary(b"<?php x")}
    with pytest.raises(xmlrpc.client.Fault) as refused:
        wp.call(media.UploadFile(hostile))
    assert refused.value.faultCode == 400


def test_contributor_cannot_publish_and_outsider_finds_no_blog(
    live: str, blog: Any, contributor: Any, outsider: Any
) -> None:
    kit = wordpress(live, contributor, blog)
    asked = WordPressPost()
    asked.title, asked.content, asked.post_status = "Mine", "<p>x</p>", "publish"
    with pytest.raises(xmlrpc.client.Fault) as refused:
        kit.call(posts.NewPost(asked))
    assert refused.value.faultCode == 401 and "ontributor" in refused.value.faultString
    asked.post_status = "draft"
    assert Post.objects.get(pk=kit.call(posts.NewPost(asked))).status == Post.Status.DRAFT
    with pytest.raises(xmlrpc.client.Fault) as hidden:
        wordpress(live, outsider, blog).call(posts.GetPosts())
    assert hidden.value.faultCode == 404


def test_metaweblog_and_blogger_calls_from_the_standard_library(
    live: str, blog: Any, author: Any, other_author: Any, post: Any
) -> None:
    secret = app_passwords.create(author, "mw", ["write"])[1]
    with xmlrpc.client.ServerProxy(live, use_builtin_types=True) as rpc:
        made = rpc.metaWeblog.newPost(
            str(blog.pk),
            "ada",
            secret,
            {"title": "Kale", "description": "<p>Hardy.</p>", "categories": ["veg"]},
            True,
        )
        assert rpc.metaWeblog.getPost(made, "ada", secret)["categories"] == ["veg"]
        assert rpc.metaWeblog.editPost(made, "ada", secret, {"title": "Kale!"}, True) is True
        recent = rpc.metaWeblog.getRecentPosts(str(blog.pk), "ada", secret, 5)
        assert recent[0]["title"] == "Kale!" and recent[0]["post_status"] == "publish"
        assert [
            c["categoryName"] for c in rpc.metaWeblog.getCategories(str(blog.pk), "ada", secret)
        ] == ["veg"]
        one = rpc.blogger.newPost(
            "", str(blog.pk), "ada", secret, "<title>Chard</title><p>Red.</p>", False
        )
        assert Post.objects.get(pk=one).title == "Chard"
        assert rpc.blogger.getUserInfo("", "ada", secret)["nickname"] == "ada"
        assert rpc.blogger.deletePost("", one, "ada", secret, True) is True
