"""Interoperating with a server written by others: bovine follows the blog, receives its
Article, replies two levels deep, edits and deletes, and reads the blog's own reply; every
request both ways is signed by one implementation and checked by the other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions as comment_actions
from broadsheet.comments.models import Comment
from broadsheet.federation import actors, outbound
from broadsheet.federation.models import Follower, Reaction
from broadsheet.posts.actions import trash
from tests.federation.conftest import approve_in_studio, publish
from tests.federation.peer import Peer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def peer() -> Iterator[Peer]:
    """The peer in secure mode: every fetch of its actor must be signed, as Mastodon's
    "authorized fetch" asks."""
    running = Peer(secure=True)
    yield running
    running.stop()


def reply(peer: Peer, site: str, in_reply_to: str, text: str, n: int) -> tuple[int, dict[str, Any]]:
    note = {"id": f"{peer.id}/notes/{n}", "type": "Note", "attributedTo": peer.id}
    note |= {"inReplyTo": in_reply_to, "content": f"<p>{text}</p>", "to": [f"{site}/ap/blog"]}
    return peer.send(
        f"{site}/ap/inbox", {"id": note["id"] + "/create", "type": "Create", "object": note}
    )


def follow(peer: Peer, site: str) -> None:
    follow = {"id": f"{peer.id}/follows/1", "type": "Follow", "object": f"{site}/ap/blog"}
    status, answer = peer.send(f"{site}/ap/blog/inbox", follow)
    assert (status, answer) == (202, {"result": "followed"})


def test_a_peer_follows_and_receives_posts_edits_and_deletions(
    site: str, peer: Peer, blog: Blog, author: User
) -> None:
    follow(peer, site)
    accept = peer.of_type("Accept")[0]
    assert accept["object"]["type"] == "Follow" and accept["_signer"] == f"{site}/ap/blog"

    post = publish(author, blog)
    article = peer.of_type("Create")[0]["object"]
    assert article["type"] == "Article" and article["name"] == "Frost"
    assert article["url"] == article["id"] == site + post.permalink
    assert {tag["name"] for tag in article["tag"]} == {"#garden", "#weather"}
    assert article["attachment"][0]["url"] == "https://images.example/leaf.png"

    publish(author, blog, post, title="Frost, again")
    assert [a["object"]["name"] for a in peer.of_type("Update")] == ["Frost, again"]
    assert len(peer.of_type("Create")) == 1  # an edit never announces the post a second time

    trash(Membership.of(author, blog), post)  # type: ignore[arg-type]
    assert peer.of_type("Delete")[0]["object"]["id"] == site + post.permalink
    assert peer.refused == 0
    # The peer shows its actor only to signed GETs, and ours were signed by the blog's key.
    assert peer.signed_gets and peer.refused_gets == 0
    assert set(peer.signed_gets) == {f"{site}/ap/blog"}


def test_replies_two_levels_deep_become_moderated_comments_and_ours_go_back(
    site: str, peer: Peer, blog: Blog, author: User
) -> None:
    Blog.objects.filter(pk=blog.pk).update(moderation=Blog.Moderation.ALWAYS)
    follow(peer, site)
    post = publish(author, blog)
    status, answer = reply(
        peer, site, site + post.permalink, "Same here, <b>frost</b> on the kale.", 1
    )
    assert (status, answer) == (202, {"result": "comment pending"})
    first = Comment.objects.get(post=post)
    assert (first.author_name, first.body) == ("Pat Peer", "Same here, frost on the kale.")

    member = Membership.of(author, blog)
    assert member is not None
    approve_in_studio(author, blog, first)
    assert "Same here, frost on the kale." in Client().get(post.permalink).content.decode()
    assert "Same here" in Client().get("/feeds/comments/default").content.decode()
    ours = comment_actions.reply(member, first, "Cover it with fleece tonight.")
    note = peer.of_type("Create")[-1]["object"]
    assert note["type"] == "Note" and note["inReplyTo"] == f"{peer.id}/notes/1"
    assert (
        note["content"].startswith("<p>Ada Byron:</p>")
        and "Cover it with fleece" in note["content"]
    )

    status, answer = reply(peer, site, note["id"], "Thanks, I will!", 2)
    assert status == 202
    second = Comment.objects.get(post=post, parent=ours)
    assert second.body == "Thanks, I will!" and second.status == Comment.Status.PENDING


def test_a_peer_edits_deletes_likes_and_unfollows(
    site: str, peer: Peer, blog: Blog, author: User
) -> None:
    follow(peer, site)
    post = publish(author, blog)
    reply(peer, site, site + post.permalink, "First thought.", 1)
    edited = {
        "id": f"{peer.id}/notes/1",
        "type": "Note",
        "attributedTo": peer.id,
        "content": "<p>Second thought.</p>",
    }
    assert (
        peer.send(f"{site}/ap/inbox", {"id": f"{peer.id}/u1", "type": "Update", "object": edited})[
            0
        ]
        == 202
    )
    comment = Comment.objects.get(post=post)
    assert comment.body == "Second thought."

    assert (
        peer.send(
            f"{site}/ap/inbox", {"id": f"{peer.id}/d1", "type": "Delete", "object": edited["id"]}
        )[0]
        == 202
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH

    peer.send(
        f"{site}/ap/inbox",
        {"id": f"{peer.id}/like/1", "type": "Like", "object": site + post.permalink},
    )
    assert Reaction.objects.filter(post=post, kind="like").count() == 1
    page = Client().get(post.permalink).content.decode()
    assert "On the fediverse: 1 like</p>" in page

    undo = {
        "id": f"{peer.id}/undo/1",
        "type": "Undo",
        "object": {"id": f"{peer.id}/follows/1", "type": "Follow", "object": f"{site}/ap/blog"},
    }
    assert peer.send(f"{site}/ap/inbox", undo) == (202, {"result": "unfollowed"})
    assert not Follower.objects.exists()


def test_moving_out_tells_the_followers_servers(site: str, peer: Peer, blog: Blog) -> None:
    follow(peer, site)
    outbound.move_out(actors.blog_actor(blog), "https://new.example/users/notes")
    move = peer.of_type("Move")[0]
    assert (move["object"], move["target"]) == (
        f"{site}/ap/blog",
        "https://new.example/users/notes",
    )
    assert Client().get("/ap/blog").json()["movedTo"] == "https://new.example/users/notes"
