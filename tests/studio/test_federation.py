"""The studio's Fediverse page: the blog's handle and followers, and its blocks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.federation.actors import blog_actor
from broadsheet.federation.models import Block, Follower, RemoteActor
from tests.conftest import SignIn
from tests.tools.vnu import format_messages

PAGE = "/studio/fediverse/notes/"


def follower(blog: Blog, uri: str) -> Follower:
    remote = RemoteActor.objects.create(
        uri=uri,
        key_id=uri + "#k",
        public_key_pem="-",
        inbox=uri + "/inbox",
        domain=uri.split("/")[2],
    )
    return Follower.objects.create(actor=blog_actor(blog), remote=remote, follow_id=uri + "#f")


def test_the_admin_sees_the_handle_and_the_followers(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    follower(blog, "https://social.example/users/pat")
    page = signed_in(admin).get(PAGE).content.decode()
    assert "@notes@localhost" in page and "1 account follows it" in page


def test_blocking_a_server_drops_its_followers(blog: Blog, admin: User, signed_in: SignIn) -> None:
    follower(blog, "https://bad.example/users/spammer")
    follower(blog, "https://good.example/users/pat")
    response = signed_in(admin).post(PAGE + "block/", {"target": "@spammer@bad.example"})
    assert response.status_code == 302
    assert list(Block.objects.values_list("target", flat=True)) == ["bad.example"]
    assert [f.remote.domain for f in Follower.objects.all()] == ["good.example"]


def test_a_block_that_names_nothing_is_handed_back(
    blog: Blog, admin: User, signed_in: SignIn, vnu: Any
) -> None:
    response = signed_in(admin).post(PAGE + "block/", {"target": "not a server"})
    assert response.status_code == 400
    assert 'value="not a server"' in response.content.decode()
    assert not Block.objects.exists()
    errors = vnu.validate(response.content)
    assert not errors, format_messages(errors)


def test_unblocking(blog: Blog, admin: User, signed_in: SignIn) -> None:
    block = Block.objects.create(blog=blog, target="bad.example")
    assert signed_in(admin).post(f"{PAGE}unblock/{block.pk}/").status_code == 302
    assert not Block.objects.exists()


def test_authors_and_outsiders_are_refused(
    blog: Blog, author: User, outsider: User, signed_in: SignIn
) -> None:
    assert signed_in(author).post(PAGE + "block/", {"target": "bad.example"}).status_code == 403
    assert signed_in(outsider).get(PAGE).status_code == 404
    assert signed_in(author).get(PAGE + "block/").status_code == 405
    assert not Block.objects.exists()
