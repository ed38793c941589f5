"""Move to trash and restore, for posts and pages."""

from __future__ import annotations

import pytest

from broadsheet.posts.models import Post
from tests.studio.conftest import NOON, url, write, write_page


def test_trash_a_published_post_then_restore_it(blog, author, signed_in, client):
    post = write(blog, author, status=Post.Status.PUBLISHED, published_at=NOON)
    assert client.get(post.permalink).status_code == 200
    ada = signed_in(author)
    response = ada.post(url("trash", blog.slug, "posts", post.pk), follow=True)
    assert "is in the trash" in response.content.decode()
    assert client.get(post.permalink).status_code == 404
    response = ada.post(url("restore", blog.slug, "posts", post.pk))
    assert response["Location"] == url("post-edit", blog.slug, post.pk)
    post.refresh_from_db()
    assert post.status == "draft" and post.permalink
    assert client.get(post.permalink).status_code == 404  # back as a draft, not public


def test_trash_and_restore_a_page(blog, admin, signed_in, client):
    page = write_page(blog, status="published")
    grace = signed_in(admin)
    grace.post(url("trash", blog.slug, "pages", page.pk))
    assert client.get("/p/about.html").status_code == 404
    grace.post(url("restore", blog.slug, "pages", page.pk))
    page.refresh_from_db()
    assert page.status == "draft"


def test_restoring_what_is_not_in_the_trash_is_refused(blog, author, signed_in):
    post = write(blog, author)
    assert signed_in(author).post(url("restore", blog.slug, "posts", post.pk)).status_code == 403
    post.status = "trash"
    post.save()
    assert signed_in(author).post(url("trash", blog.slug, "posts", post.pk)).status_code == 403


@pytest.mark.parametrize("name", ["trash", "restore"])
def test_someone_elses_post_is_404(blog, author, other_author, name, signed_in):
    theirs = write(blog, other_author, status="trash" if name == "restore" else "draft")
    assert signed_in(author).post(url(name, blog.slug, "posts", theirs.pk)).status_code == 404
    assert Post.objects.get(pk=theirs.pk).status == theirs.status


@pytest.mark.parametrize("name", ["trash", "restore"])
def test_trash_and_restore_are_post_only_with_csrf(blog, author, name, signed_in):
    post = write(blog, author, status="trash" if name == "restore" else "draft")
    assert signed_in(author).get(url(name, blog.slug, "posts", post.pk)).status_code == 405
    assert (
        signed_in(author, csrf=True).post(url(name, blog.slug, "posts", post.pk)).status_code == 403
    )
    assert Post.objects.get(pk=post.pk).status == post.status
