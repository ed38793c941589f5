"""Workflows that write comments."""

from __future__ import annotations

from django.db import transaction

from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post


def refresh_comment_count(post: Post) -> None:
    """Keep the post's denormalised count of published comments exact."""
    count = post.comments.filter(status=Comment.Status.PUBLISHED).count()
    Post.objects.filter(pk=post.pk).update(comment_count=count)
    post.comment_count = count


@transaction.atomic
def add_comment(comment: Comment) -> Comment:
    """Store a comment as given (status decided by the caller) and update counts and caches."""
    comment.save()
    refresh_comment_count(comment.post)
    comment.post.blog.bump_content_version()
    return comment
