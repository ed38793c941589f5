"""Everything a post page shows besides the sidebar: the post, its comments, its neighbours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment, Shows
from broadsheet.posts.models import LIVE_STATUSES, Post
from broadsheet.reader import prepared, tallied
from broadsheet.reader.drawn import blog_key
from broadsheet.reader.listing import load_labels
from broadsheet.reader.pagecache import remember


@dataclass(slots=True)
class Shown(Shows):
    """What a post page shows of a comment: read as plain values, since building a hundred
    model instances took a fifth of a cold post page."""

    pk: int
    parent_id: int | None
    status: str
    author_name: str
    author_url: str
    body: str
    body_html: str
    created_at: dt.datetime
    source_id: str | None


@dataclass
class Node:
    comment: Shown
    replies: list[Node] = field(default_factory=list)

    @property
    def removed(self) -> bool:
        return self.comment.status != Comment.Status.PUBLISHED


def public_post(blog: Blog, permalink: str) -> Post:
    # Looked up by blog and permalink alone, then checked: with the status and time in the
    # query, SQLite (without statistics) walks the date index past every newer post, 95 ms
    # at 100,000 posts, instead of going straight to the one post through the permalink index.
    now = timezone.now()
    found = prepared.by_permalink(blog, permalink)
    if found is None:
        found = list(
            Post.objects.filter(blog=blog, permalink=permalink).select_related("author__profile")
        )
    post = next(
        (
            p
            for p in found
            if p.status in LIVE_STATUSES and p.published_at and p.published_at <= now
        ),
        None,
    )
    if post is None:
        raise Http404("No such post.")
    load_labels([post])
    return post


def neighbours(blog: Blog, post: Post) -> tuple[Post | None, Post | None]:
    """The next newer and next older public posts (ties on the time broken by id)."""
    when, pk, now = post.published_at, post.pk, timezone.now()
    assert when is not None  # a public post has its time
    fields = ("title", "permalink", "published_at", "status")
    public = Post.objects.public(blog, now).select_related(None).only(*fields)
    # Posts at the very same time come first. They are fetched by blog and time alone, and
    # sorted out here: with the status in the query too, SQLite (without statistics) scans
    # the blog's posts instead of the date index, 200 ms at 100,000 posts.
    tied = [
        other
        for other in Post.objects.filter(blog=blog, published_at=when).only(*fields)
        if other.pk != pk and other.status in LIVE_STATUSES
    ]
    newer = min((p for p in tied if p.pk > pk), key=lambda p: p.pk, default=None) or (
        public.filter(published_at__gt=when).order_by("published_at", "id").first()
    )
    older = max((p for p in tied if p.pk < pk), key=lambda p: p.pk, default=None) or (
        public.filter(published_at__lt=when).first()
    )
    return newer, older


SHOWN_FIELDS = prepared.THREAD_FIELDS  # `Shown`'s fields, in order
THREAD_STATUSES = prepared.THREAD_STATUSES


def comment_tree(post: Post) -> list[Node]:
    """Published comments as threads; a removed comment stays as a stub where it has replies."""
    rows = prepared.thread(post.pk)
    if rows is None:
        return tree_of(orm_thread(post))
    return tree_of(rows)


def orm_thread(post: Post) -> Iterable[tuple[Any, ...]]:
    """The rows `prepared.thread` reads, through the ORM: where that query did not prepare."""
    return (
        post.comments.filter(status__in=THREAD_STATUSES)
        .order_by("created_at", "id")
        .values_list(*SHOWN_FIELDS)
    )


def tree_of(rows: Iterable[tuple[Any, ...]]) -> list[Node]:
    """Threads from `Shown` rows in time order (shared with the static export, which reads
    the comments of many posts in one query)."""
    nodes = {row[0]: Node(Shown(*row)) for row in rows}
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    return _prune(roots)


def _prune(nodes: list[Node]) -> list[Node]:
    kept = []
    for node in nodes:
        node.replies = _prune(node.replies)
        if not node.removed or node.replies:
            kept.append(node)
    return kept


def context(blog: Blog, post: Post, thread: SafeString) -> dict[str, Any]:
    # The pager's posts change only when public posts' times, titles or addresses do (or a
    # scheduled one's time comes): kept, like the sidebar, under the sidebar version, so a
    # miss after a comment reads nothing more; and, when that moved, under the stamps that
    # move with those (`posts.stamps`), so a post write that moved none of them reads one row.
    now = timezone.now()

    newer, older = remember(
        blog,
        f"neighbours:{post.pk}",
        lambda: kept_neighbours(blog, post, now),
        now,
        blog.sidebar_version,
    )
    return context_of(post, thread, newer, older)


def kept_neighbours(blog: Blog, post: Post, now: dt.datetime) -> tuple[Post | None, Post | None]:
    """The post's neighbours, kept under the stamps that move them (`posts.stamps`).

    Under `counts` and `posts`, they are read again after every new post. But where the
    newer one is older than the archive's closed months' edge (`tallied.closed_edge`), all
    three posts and any post that could come between them are on days before today, whose
    every move (going up or down, a time, a blog) moves a day's tally there and so the
    `history` stamp: kept under `history` and `posts` too, a new post reads none of them."""
    stamps, prefix, name = tallied.stamps_of(blog), blog_key(blog), f"neighbours:{post.pk}"
    settled = (prefix, name, (stamps["history"], stamps["posts"]))
    found: tuple[Post | None, Post | None] | None = tallied.peek(settled, now)
    if found is not None:
        return found
    key = (prefix, name, (stamps["counts"], stamps["posts"]))
    pair = tallied.kept(key, blog, now, lambda: neighbours(blog, post))
    newer = pair[0]
    if newer is not None and newer.published_at and newer.published_at < tallied.closed_edge(now):
        tallied.kept(settled, blog, now, lambda: pair)
    return pair


def context_of(
    post: Post, thread: SafeString, newer: Post | None, older: Post | None
) -> dict[str, Any]:
    """A post page's own context from its parts, however they were read: the view reads them
    for one post, the static export for many at once. `thread` is the comment thread's HTML
    (`reader.thread`)."""
    return {
        "post": post,
        "comment_thread": thread,
        "newer_post": newer,
        "older_post": older,
        "page_title": post.title,
    }
