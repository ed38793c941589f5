"""Interoperating with a second implementation written by others: Fedify (npm) follows the
blog, parses its Article with its own vocabulary, replies two levels deep, reads the blog's
own reply and sees the post edited and deleted. Every request both ways is signed by one
implementation and checked by the other; nothing leaves loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions as comment_actions
from broadsheet.comments.models import Comment
from broadsheet.federation.models import Follower
from broadsheet.posts.actions import trash
from tests.federation.conftest import approve_in_studio, publish
from tests.federation.fedify_peer import FedifyPeer

pytestmark = pytest.mark.django_db(transaction=True)
AS = "https://www.w3.org/ns/activitystreams"


@pytest.fixture(scope="module")
def fedify_server() -> Iterator[FedifyPeer]:
    running = FedifyPeer()
    yield running
    running.stop()


@pytest.fixture
def fedify(fedify_server: FedifyPeer) -> Iterator[FedifyPeer]:
    fedify_server.control("reset", {})  # each test's blog is new, with new keys
    yield fedify_server
    state = fedify_server.state()
    assert state["offline"] == [] and state["errors"] == []  # nothing tried the internet


def test_fedify_follows_and_parses_the_article_its_update_and_deletion(
    site: str, fedify: FedifyPeer, blog: Blog, author: User
) -> None:
    fedify.follow(f"{site}/ap/blog")
    assert fedify.state()["following"] == [f"{site}/ap/blog"]  # the Accept came back
    assert Follower.objects.get().remote.uri == fedify.actor

    post = publish(author, blog)
    [article] = fedify.received("Create")
    assert (article["objectType"], article["name"]) == ("Article", "Frost")
    assert article["url"] == article["id"] == site + post.permalink
    assert "The first frost came early." in article["content"]
    assert {tag["name"] for tag in article["tags"]} == {"#garden", "#weather"}
    forged = {"@context": AS, "id": f"{site}/forged", "type": "Create", "actor": f"{site}/ap/blog"}
    assert fedify.inbox_status_unsigned(forged | {"object": article["id"]}) == 401
    assert len(fedify.received("Create")) == 1  # what arrived was signed, and Fedify checked

    publish(author, blog, post, title="Frost, again")
    assert [(u["objectType"], u["name"]) for u in fedify.received("Update")] == [
        ("Article", "Frost, again")
    ]
    trash(Membership.of(author, blog), post)  # type: ignore[arg-type]
    [gone] = fedify.received("Delete")
    assert (gone["objectType"], gone["id"]) == ("Tombstone", site + post.permalink)


def test_fedify_replies_two_levels_deep_into_moderation_and_gets_the_blogs_reply(
    site: str, fedify: FedifyPeer, blog: Blog, author: User
) -> None:
    Blog.objects.filter(pk=blog.pk).update(moderation=Blog.Moderation.ALWAYS)
    fedify.follow(f"{site}/ap/blog")
    post = publish(author, blog)
    theirs = fedify.reply(f"{site}/ap/blog", site + post.permalink, "<p>Frost here too.</p>", 1)
    first = Comment.objects.get(post=post)
    assert (first.body, first.parent, first.status) == (
        "Frost here too.",
        None,
        Comment.Status.PENDING,
    )

    member = Membership.of(author, blog)
    assert member is not None
    approve_in_studio(author, blog, first)
    ours = comment_actions.reply(member, first, "Cover the kale with fleece.")
    [note] = [c for c in fedify.received("Create") if c["objectType"] == "Note"]
    assert note["inReplyTo"] == theirs and "Cover the kale with fleece." in note["content"]

    fedify.reply(f"{site}/ap/blog", note["id"], "<p>Thanks, I will!</p>", 2)
    second = Comment.objects.get(post=post, parent=ours)
    assert (second.body, second.status) == ("Thanks, I will!", Comment.Status.PENDING)
