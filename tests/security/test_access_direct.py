"""Requests the studio's pages never make, sent by hand: each is refused and changes nothing.

The table in `access_rules.py` covers every URL for every role on one blog's objects; these
are the forgeries that mix things up: another blog's objects under one's own blog's address,
a contributor pressing buttons they are not shown, settings a blog admin may not set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from broadsheet.blogs.hosts import blog_for_host
from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from tests.security.access_rules import editor_data, settings_data
from tests.security.browser import browser
from tests.security.cast import Cast, build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(django_db_blocker: Any) -> Iterator[Cast]:
    yield build_cast()


def client_for(cast: Cast, role: str) -> Client:
    # A browser: each form it posts carries a valid CSRF token and meets the check.
    return browser(cast.sessions[role])


def state() -> tuple[Any, ...]:
    return (
        list(Post.objects.order_by("pk").values_list("pk", "status", "title", "blog_id")),
        list(Comment.objects.order_by("pk").values_list("pk", "status")),
        list(Membership.objects.order_by("pk").values_list("pk", "role", "blog_id")),
        list(
            Blog.objects.order_by("pk").values_list("title", "slug", "is_default", "custom_domain")
        ),
    )


def cross_blog_requests(cast: Cast) -> list[tuple[str, dict[str, Any]]]:
    """Blog A's objects named under blog B's address, by B's admin."""
    other, post, page = cast.other_blog.slug, cast.post.pk, cast.page.pk
    comment, membership = cast.comment.pk, cast.other_author_membership.pk
    return [
        (f"/studio/{other}/posts/{post}/", editor_data(cast)),
        (f"/studio/{other}/posts/{post}/trash/", {}),
        (f"/studio/{other}/posts/{post}/autosave/", {"title": "x"}),
        (f"/studio/{other}/posts/{cast.trashed_post.pk}/restore/", {}),
        (f"/studio/{other}/posts/{post}/revisions/{cast.revision.pk}/restore/", {}),
        (f"/studio/{other}/pages/{page}/", editor_data(cast)),
        (f"/studio/{other}/pages/{page}/trash/", {}),
        (f"/studio/{other}/members/{membership}/role/", {"role": "contributor"}),
        (f"/studio/{other}/members/{membership}/remove/", {}),
        (f"/studio/{other}/invitations/{cast.invitation.pk}/revoke/", {}),
        (f"/studio/comments/{other}/{comment}/spam/", {}),
        (f"/studio/comments/{other}/{comment}/reply/", {"body": "Mine now"}),
        (f"/studio/comments/{other}/bulk/", {"action": "delete", "ids": [comment]}),
    ]


def test_another_blogs_objects_under_ones_own_blog_are_not_found(cast: Cast) -> None:
    client, before = client_for(cast, "other_admin"), state()
    answers = {
        path: client.post(path, data).status_code for path, data in cross_blog_requests(cast)
    }
    assert set(answers.values()) == {404}, answers
    assert state() == before


def test_a_contributor_cannot_publish_or_schedule_their_own_draft(cast: Cast) -> None:
    draft = Post.objects.get(author=cast.users["contributor"])
    client, before = client_for(cast, "contributor"), state()
    path = f"/studio/{cast.blog.slug}/posts/{draft.pk}/"
    publish = client.post(path, editor_data(cast))
    schedule = client.post(
        path, {**editor_data(cast), "intent": "schedule", "publish_at": "2099-01-01T10:00"}
    )
    assert (publish.status_code, schedule.status_code) == (403, 403)
    assert state() == before


def test_a_contributor_cannot_change_or_trash_a_post_once_published(cast: Cast) -> None:
    contributor = cast.users["contributor"]
    post = save_post(
        Post(
            blog=cast.blog,
            author=contributor,
            title="Published for Kit",
            source="x",
            status=Post.Status.PUBLISHED,
        )
    )
    client, before = client_for(cast, "contributor"), state()
    edit = client.post(
        f"/studio/{cast.blog.slug}/posts/{post.pk}/", {**editor_data(cast), "intent": "draft"}
    )
    trash = client.post(f"/studio/{cast.blog.slug}/posts/{post.pk}/trash/")
    assert (edit.status_code, trash.status_code) == (403, 403)
    assert state() == before


def test_an_author_cannot_make_themselves_admin(cast: Cast) -> None:
    own = Membership.objects.get(user=cast.users["owner"])
    client, before = client_for(cast, "owner"), state()
    response = client.post(f"/studio/{cast.blog.slug}/members/{own.pk}/role/", {"role": "admin"})
    assert response.status_code == 403
    assert state() == before


def test_a_blog_admin_cannot_make_their_blog_the_sites_default(cast: Cast) -> None:
    client = client_for(cast, "other_admin")
    data = {**settings_data(cast), "slug": cast.other_blog.slug, "is_default": "on"}
    response = client.post(f"/studio/{cast.other_blog.slug}/settings/", data)
    assert response.status_code == 302
    cast.other_blog.refresh_from_db()
    assert not cast.other_blog.is_default
    assert Blog.objects.get(is_default=True) == cast.blog


@pytest.mark.parametrize("domain", ["notes.{base}", "{base}", "127.0.0.1"])
def test_a_custom_domain_cannot_take_over_another_blogs_address(cast: Cast, domain: str) -> None:
    """Blog B's admin names blog A's address as B's custom domain: readers there still get A."""
    name = domain.format(base=settings.BASE_DOMAIN)
    client = client_for(cast, "other_admin")
    data = {**settings_data(cast), "slug": cast.other_blog.slug, "custom_domain": name}
    with transaction.atomic():
        client.post(f"/studio/{cast.other_blog.slug}/settings/", data)
        assert blog_for_host(name) == cast.blog
        transaction.set_rollback(True)


def test_a_contributor_cannot_moderate_even_comments_on_their_own_post(cast: Cast) -> None:
    contributor = cast.users["contributor"]
    post = save_post(
        Post(
            blog=cast.blog,
            author=contributor,
            title="Kit's",
            source="x",
            status=Post.Status.PUBLISHED,
        )
    )
    comment = Comment.objects.create(post=post, body="Hello", status=Comment.Status.PENDING)
    client, before = client_for(cast, "contributor"), state()
    response = client.post(f"/studio/comments/{cast.blog.slug}/{comment.pk}/approve/")
    assert response.status_code == 403
    assert state() == before
