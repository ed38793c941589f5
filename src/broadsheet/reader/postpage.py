"""Everything a post page shows besides the sidebar: the post, its comments, its neighbours."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)

    @property
    def removed(self) -> bool:
        return self.comment.status != Comment.Status.PUBLISHED


def public_post(blog: Blog, permalink: str) -> Post:
    post = Post.objects.public(blog).filter(permalink=permalink).prefetch_related("labels").first()
    if post is None:
        raise Http404("No such post.")
    return post


def neighbours(blog: Blog, post: Post) -> tuple[Post | None, Post | None]:
    """The next newer and next older public posts (ties on the time broken by id)."""
    when, pk = post.published_at, post.pk
    public = (
        Post.objects.public(blog).select_related(None).only("title", "permalink", "published_at")
    )
    newer = (
        public.filter(Q(published_at__gt=when) | Q(published_at=when, id__gt=pk))
        .order_by("published_at", "id")
        .first()
    )
    older = public.filter(Q(published_at__lt=when) | Q(published_at=when, id__lt=pk)).first()
    return newer, older


def comment_tree(post: Post) -> list[Node]:
    """Published comments as threads; a removed comment stays as a stub where it has replies."""
    rows = post.comments.filter(
        status__in=(Comment.Status.PUBLISHED, Comment.Status.TRASH)
    ).order_by("created_at", "id")
    nodes = {comment.pk: Node(comment) for comment in rows}
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


def context(blog: Blog, post: Post) -> dict[str, Any]:
    newer, older = neighbours(blog, post)
    return {
        "post": post,
        "comments": comment_tree(post),
        "newer_post": newer,
        "older_post": older,
        "page_title": post.title,
    }
