"""The documents the public endpoints answer with, read from the database."""

from __future__ import annotations

from typing import Any

from django.db import connections, router

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.federation import actors, documents
from broadsheet.federation.models import Follower, LocalActor, Reaction
from broadsheet.posts.models import Post

OUTBOX_ITEMS = 20  # the newest posts, as Create activities; older ones are on the blog


def webfinger(local: LocalActor) -> dict[str, Any]:
    me = actors.actor_id(local)
    return {
        "subject": f"acct:{actors.handle(local)}",
        "aliases": [me],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": me},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": origin(local.blog) + "/",
            },
        ],
    }


def nodeinfo_links(blog: Blog) -> dict[str, Any]:
    href = origin(blog) + "/nodeinfo/2.1"
    return {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href}]}


def nodeinfo(blog: Blog) -> dict[str, Any]:
    """What software this is and how busy: the blog's own counts (one blog, one node)."""
    posts = Post.objects.public(blog).count()
    return {
        "version": "2.1",
        "software": {"name": "broadsheet", "version": "0.1.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": 1}, "localPosts": posts},
        "metadata": {"nodeName": blog.title},
    }


def outbox(local: LocalActor) -> dict[str, Any]:
    url = actors.actor_id(local) + "/outbox"
    posts = Post.objects.public(local.blog).order_by("-published_at")
    if local.user_id is not None:
        posts = posts.filter(author_id=local.user_id)
    newest = list(posts.prefetch_related("labels")[:OUTBOX_ITEMS])
    items = [_create(post, local) for post in newest]
    return documents.collection(url, posts.count(), items)


def _create(post: Post, local: LocalActor) -> dict[str, Any]:
    article = documents.article(post, actors.blog_actor(post.blog))
    doc = documents.activity("Create", local, article, article["id"] + "#create")
    del doc["@context"]  # the collection carries it
    return doc


def followers(local: LocalActor) -> dict[str, Any]:
    """The count only: who follows a blog is its followers' business."""
    url = actors.actor_id(local) + "/followers"
    return documents.collection(url, Follower.objects.filter(actor=local).count())


def note_doc(comment: Comment) -> dict[str, Any]:
    parent = comment.parent
    in_reply_to = documents.comment_id(parent) if parent else documents.article_id(comment.post)
    note = documents.note(comment, actors.blog_actor(comment.post.blog), in_reply_to)
    return {"@context": documents.CONTEXT, **note}


def reactions(post: Post) -> dict[str, int]:
    """Likes and boosts a post had on the fediverse, by kind."""
    # Written out: the ORM built this grouped count again on every post page it read it for
    # (half a millisecond; the SQL, on the post's index, a twentieth of that).
    using = router.db_for_read(Reaction)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT kind, count(*) FROM {Reaction._meta.db_table} "  # noqa: S608 - our table
            "WHERE post_id = %s GROUP BY kind",
            [post.pk],
        )
        return dict(cursor.fetchall())


def follower_count(blog: Blog) -> int:
    return Follower.objects.filter(actor__blog=blog).values("remote").distinct().count()
