"""Revision history: the list, a readable comparison, and restoring."""

from __future__ import annotations

from broadsheet.blogs.models import Membership
from broadsheet.posts.actions import Content, Intent, write_post
from broadsheet.posts.models import Post
from tests.studio.conftest import NOON, url


def two_versions(blog, author) -> Post:
    ada = Membership.of(author, blog)
    post = write_post(
        ada,
        None,
        Content(title="Beans", source="Runner beans.\nThey climb."),
        Intent.PUBLISH,
        now=NOON,
    )
    return write_post(
        ada,
        post,
        Content(title="Beans!", source="Runner beans.\nThey fall over."),
        Intent.PUBLISH,
        now=NOON,
    )


def test_history_lists_each_saved_version(blog, author, signed_in):
    post = two_versions(blog, author)
    page = signed_in(author).get(url("revisions", blog.slug, "posts", post.pk)).content.decode()
    assert page.count("Published") == 2 and "Ada Byron" in page


def test_a_revision_shows_what_restoring_changes(blog, author, signed_in):
    post = two_versions(blog, author)
    first = post.revisions.last()
    page = (
        signed_in(author)
        .get(url("revision", blog.slug, "posts", post.pk, first.pk))
        .content.decode()
    )
    assert (
        '<del class="diff-removed">Beans!</del>' in page
        and '<ins class="diff-added">Beans</ins>' in page
    )
    assert "<mark>fall over.</mark>" in page and "<mark>climb.</mark>" in page
    assert "Restore this version" in page


def test_restore_puts_the_old_text_on_the_site(blog, author, signed_in, client):
    post = two_versions(blog, author)
    first = post.revisions.last()
    response = signed_in(author).post(
        url("revision-restore", blog.slug, "posts", post.pk, first.pk)
    )
    assert response["Location"] == url("post-edit", blog.slug, post.pk)
    assert b"They climb." in client.get(post.permalink).content


def test_another_posts_revision_is_404(blog, author, signed_in):
    post = two_versions(blog, author)
    other = Post.objects.create(blog=blog, author=author, title="Other")
    revision = post.revisions.first()
    ada = signed_in(author)
    assert ada.get(url("revision", blog.slug, "posts", other.pk, revision.pk)).status_code == 404
    assert (
        ada.post(url("revision-restore", blog.slug, "posts", other.pk, revision.pk)).status_code
        == 404
    )
    assert ada.get(url("revisions", blog.slug, "pages", post.pk)).status_code == 404  # no such page


def test_revision_views_methods_and_csrf(blog, author, signed_in):
    post = two_versions(blog, author)
    revision = post.revisions.last()
    ada = signed_in(author)
    assert ada.post(url("revisions", blog.slug, "posts", post.pk)).status_code == 405
    assert ada.post(url("revision", blog.slug, "posts", post.pk, revision.pk)).status_code == 405
    assert (
        ada.get(url("revision-restore", blog.slug, "posts", post.pk, revision.pk)).status_code
        == 405
    )
    strict = signed_in(author, csrf=True)
    assert (
        strict.post(url("revision-restore", blog.slug, "posts", post.pk, revision.pk)).status_code
        == 403
    )
    post.refresh_from_db()
    assert post.title == "Beans!"
