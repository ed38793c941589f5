"""What we send: the hooks that queue it (called in the request, after commit) and the work
the task worker does to build each activity and hand it to the fan-out.

A post goes out once as Create; every later save of it as Update; a post taken off the site
as Delete. A post first seen already old (published before the blog was on the fediverse,
or backdated) is never announced: followers get news, not a backlog.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from broadsheet.comments.models import Comment
from broadsheet.federation import actors, delivery, documents
from broadsheet.federation.models import Announced, LocalActor, RemoteActor, RemoteReply
from broadsheet.posts.models import Post
from broadsheet.worker.schedule import enqueue_at

NEWS_FOR = dt.timedelta(days=2)


# --- hooks: only queue -----------------------------------------------------------------------


def post_published(post_id: int) -> None:
    """After a publish, schedule or edit commits: queue the announcement for its time."""
    from broadsheet.federation import tasks

    when = Post.objects.filter(pk=post_id).values_list("published_at", flat=True).first()
    if when is not None:
        enqueue_at(tasks.announce_post, max(when, timezone.now()), post_id)


def post_withdrawn(post_id: int) -> None:
    from broadsheet.federation import tasks

    if Announced.objects.filter(post_id=post_id, deleted_at=None).exists():
        tasks.withdraw_post.enqueue(post_id)


def comment_published(comment_id: int) -> None:
    from broadsheet.federation import tasks

    if not RemoteReply.objects.filter(comment_id=comment_id).exists():
        tasks.send_comment.enqueue(comment_id)


def accept_follow(actor: LocalActor, follower: RemoteActor, follow: dict[str, Any]) -> None:
    """Queue the Accept of a Follow (the follower's server waits for it to show 'following')."""
    from broadsheet.federation import tasks

    accept = documents.activity(
        "Accept", actor, follow, f"{actors.actor_id(actor)}#accepts/{follower.pk}"
    )
    accept["to"] = [follower.uri]
    tasks.deliver.enqueue(actor.pk, follower.inbox, delivery.encode(accept), 0)


# --- the worker's side -----------------------------------------------------------------------


def announce_post(post_id: int) -> str:
    """Create the first time a public post is seen (if it is news), Update after that."""
    post = Post.objects.filter(pk=post_id).select_related("blog", "author").first()
    now = timezone.now()
    if post is None or not post.is_public(now):
        return "not public"
    sent = Announced.objects.filter(post=post).first()
    if sent is None and post.published_at and now - post.published_at > NEWS_FOR:
        return "old news"
    kind = "Create" if sent is None or sent.deleted_at else "Update"
    _record(post, sent, now)
    blog_actor = actors.blog_actor(post.blog)
    article = documents.article(post, blog_actor)
    stamp = int(now.timestamp())
    activity = documents.activity(
        kind, blog_actor, article, f"{article['id']}#{kind.lower()}-{stamp}"
    )
    return delivery.fan_out(blog_actor, activity, _author_actor(post))


def _record(post: Post, sent: Announced | None, now: dt.datetime) -> None:
    if sent is None:
        Announced.objects.create(post=post, created_at=now, updated_at=now)
    else:
        Announced.objects.filter(pk=sent.pk).update(updated_at=now, deleted_at=None)


def _author_actor(post: Post) -> LocalActor | None:
    """The author's own actor, when they have followers of their own to tell."""
    author = post.author
    if author is None:
        return None
    return LocalActor.objects.filter(blog=post.blog, user=author).first()


def withdraw_post(post_id: int) -> str:
    """Tell everyone the post was announced to that it is gone (a Tombstone)."""
    post = Post.objects.filter(pk=post_id).select_related("blog").first()
    sent = Announced.objects.filter(post_id=post_id, deleted_at=None).first()
    if post is None or sent is None or post.is_public():
        return "nothing to withdraw"
    Announced.objects.filter(pk=sent.pk).update(deleted_at=timezone.now())
    blog_actor = actors.blog_actor(post.blog)
    gone = {"id": documents.article_id(post), "type": "Tombstone"}
    activity = documents.activity(
        "Delete", blog_actor, gone, f"{gone['id']}#delete-{int(timezone.now().timestamp())}"
    )
    return delivery.fan_out(blog_actor, activity, _author_actor(post))


def send_comment(comment_id: int) -> str:
    """A published local comment on an announced post, as a Note in reply to what it answers,
    to the blog's followers and to the author of a remote comment it replies to."""
    comment = (
        Comment.objects.filter(pk=comment_id, status=Comment.Status.PUBLISHED)
        .select_related("post__blog", "parent")
        .first()
    )
    if comment is None or not Announced.objects.filter(post=comment.post, deleted_at=None).exists():
        return "not federated"
    blog_actor = actors.blog_actor(comment.post.blog)
    in_reply_to, addressee = _answers(comment)
    note = documents.note(comment, blog_actor, in_reply_to, addressee.uri if addressee else "")
    activity = documents.activity("Create", blog_actor, note, note["id"] + "#create")
    return delivery.fan_out(blog_actor, activity, None, [addressee] if addressee else [])


def _answers(comment: Comment) -> tuple[str, RemoteActor | None]:
    parent = comment.parent
    if parent is None:
        return documents.article_id(comment.post), None
    theirs = RemoteReply.objects.filter(comment=parent).select_related("remote").first()
    if theirs is not None:
        return theirs.uri, theirs.remote
    return documents.comment_id(parent), None


# --- moving ----------------------------------------------------------------------------------


def set_aliases(actor: LocalActor, aliases: list[str]) -> None:
    """Name the accounts this actor also is (`alsoKnownAs`): a server lets an old account's
    followers move here only when the new account names the old one."""
    LocalActor.objects.filter(pk=actor.pk).update(also_known_as=aliases)
    actor.also_known_as = aliases


def move_out(actor: LocalActor, target: str) -> str:
    """Tell every follower's server that the blog now lives at `target` (an account that
    names this one in its `alsoKnownAs`): their servers move the follows there."""
    LocalActor.objects.filter(pk=actor.pk).update(moved_to=target)
    actor.moved_to = target
    me = actors.actor_id(actor)
    move = documents.activity("Move", actor, me, f"{me}#move-{int(timezone.now().timestamp())}")
    move["target"] = target
    return delivery.fan_out(actor, move)
