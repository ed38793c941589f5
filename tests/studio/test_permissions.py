"""The role rules, pressed directly: forged POSTs, not only hidden buttons.

An author reaches no other author's post and no other blog, through any studio address; a
contributor never publishes. Each refusal leaves the data as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from broadsheet.posts.models import Autosave, Post
from tests.studio.conftest import editor_data, url, write

# (method, url name, extra URL args after the blog slug, POST data)
PostCall = tuple[str, str, Callable[[Post], list[Any]], dict[str, Any]]

ON_A_POST: list[PostCall] = [
    ("get", "post-edit", lambda p: [p.pk], {}),
    ("post", "post-edit", lambda p: [p.pk], editor_data(title="Hijacked", intent="publish")),
    ("post", "trash", lambda p: ["posts", p.pk], {}),
    ("post", "restore", lambda p: ["posts", p.pk], {}),
    ("post", "autosave", lambda p: ["posts", p.pk], {"title": "Hijacked", "source": "x"}),
    ("post", "autosave", lambda p: ["posts", p.pk], {"discard": "1"}),
    ("get", "revisions", lambda p: ["posts", p.pk], {}),
    ("get", "revision", lambda p: ["posts", p.pk, p.revisions_pk], {}),
    ("post", "revision-restore", lambda p: ["posts", p.pk, p.revisions_pk], {}),
]

ON_A_BLOG = [
    ("get", "dashboard", (), {}),
    ("get", "post-list", (), {}),
    ("get", "post-new", (), {}),
    ("post", "post-new", (), editor_data(intent="publish")),
    ("post", "autosave-new", ("posts",), {"title": "x"}),
    ("post", "preview", (), {"source": "x", "source_format": "markdown"}),
    ("get", "images", (), {}),
    ("get", "page-list", (), {}),
    ("get", "blog-settings", (), {}),
    ("post", "blog-settings", (), {"title": "Hijacked"}),
    ("get", "members", (), {}),
    ("post", "invite", (), {"email": "eve@example.com", "role": "admin"}),
]


def with_revision(post: Post) -> Post:
    from broadsheet.posts.models import Revision

    revision = Revision.objects.create(post=post, title="Old", source="Old text")
    post.revisions_pk = revision.pk  # type: ignore[attr-defined]
    return post


def unchanged(post: Post) -> None:
    fresh = Post.objects.get(pk=post.pk)
    assert (fresh.title, fresh.status, fresh.source) == (post.title, post.status, post.source)
    assert not Autosave.objects.exists()


def call(client: Client, method: str, path: str, data: dict[str, Any]) -> int:
    return getattr(client, method)(path, data).status_code


@pytest.mark.parametrize(("method", "name", "args", "data"), ON_A_POST)
def test_author_cannot_touch_another_authors_post(
    blog, author, other_author, signed_in, method, name, args, data
):
    theirs = with_revision(write(blog, other_author, status=Post.Status.TRASH))
    path = url(name, blog.slug, *args(theirs))
    assert call(signed_in(author), method, path, data) == 404
    unchanged(theirs)


@pytest.mark.parametrize(("method", "name", "args", "data"), ON_A_POST)
def test_author_cannot_touch_another_blogs_post(
    blog, other_blog, author, outsider, signed_in, method, name, args, data
):
    elsewhere = with_revision(write(other_blog, outsider))
    ada = signed_in(author)
    # Through the other blog's addresses (not a member there) and through her own blog's.
    for slug in (other_blog.slug, blog.slug):
        assert call(ada, method, url(name, slug, *args(elsewhere)), data) == 404
    unchanged(elsewhere)


@pytest.mark.parametrize(("method", "name", "extra", "data"), ON_A_BLOG)
def test_nobody_reaches_a_blog_they_are_not_a_member_of(
    other_blog, author, signed_in, method, name, extra, data
):
    assert call(signed_in(author), method, url(name, other_blog.slug, *extra), data) == 404
    other_blog.refresh_from_db()
    assert other_blog.title == "Another Blog"
    assert not Post.objects.exists()


@pytest.mark.parametrize(("method", "name", "extra", "data"), ON_A_BLOG)
def test_signed_out_visitors_are_sent_to_sign_in(blog, method, name, extra, data):
    response = getattr(Client(), method)(url(name, blog.slug, *extra), data)
    if name in ("autosave-new", "preview", "images"):
        assert response.status_code == 401  # the editor's script tells the writer
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/studio/login/?next=")


def test_contributor_cannot_publish_a_new_post(blog, contributor, signed_in):
    kit = signed_in(contributor)
    for intent in ("publish", "schedule"):
        data = editor_data(intent=intent, publish_at="2099-01-01T10:00")
        response = kit.post(url("post-new", blog.slug), data)
        assert response.status_code == 403
        assert b"an author or admin of the blog publishes them" in response.content
    assert not Post.objects.exists()


def test_contributor_cannot_publish_their_draft(blog, contributor, signed_in):
    draft = write(blog, contributor)
    response = signed_in(contributor).post(
        url("post-edit", blog.slug, draft.pk), editor_data(intent="publish")
    )
    assert response.status_code == 403
    unchanged(draft)


def test_contributor_cannot_change_or_trash_their_post_once_published(blog, contributor, signed_in):
    published = write(blog, contributor, status=Post.Status.PUBLISHED)
    kit = signed_in(contributor)
    edit = kit.post(url("post-edit", blog.slug, published.pk), editor_data(intent="draft"))
    assert edit.status_code == 403
    assert kit.post(url("trash", blog.slug, "posts", published.pk)).status_code == 403
    unchanged(published)


def test_contributor_sees_no_publish_button(blog, contributor, signed_in):
    page = signed_in(contributor).get(url("post-new", blog.slug)).content.decode()
    assert 'value="draft"' in page
    assert 'value="publish"' not in page and 'value="schedule"' not in page


@pytest.mark.parametrize(
    "name", ["page-list", "page-new", "blog-settings", "members", "date-example"]
)
def test_only_admins_reach_the_blogs_own_pages(blog, author, name, signed_in):
    response = signed_in(author).get(url(name, blog.slug))
    assert response.status_code == 403
