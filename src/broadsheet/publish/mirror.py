"""The continuous mirror (`BROADSHEET_STATIC_MIRROR`): the blog's static copy brought up to
date after every write that changes what readers see.

The post and comment actions sit below this app, so they call hooks after their commit
(`posts.hooks`, `comments.hooks`) and `PublishConfig.ready` registers these. Each only asks
for a copy (`copies.request_copy`): a burst of writes runs one or two incremental exports, not
one each. Only the per-post hooks are heard: `posts.hooks.on_published` fires for the same
commits as `on_post_published`, and hearing both would ask twice for every post.
"""

from __future__ import annotations

from django.conf import settings

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from broadsheet.publish.copies import request_copy


def post_changed(post_id: int) -> None:
    """A post was published, edited, scheduled, withdrawn or trashed."""
    if not settings.STATIC_MIRROR:
        return  # before any query: this runs after every post write of every site
    blog_id = Post.objects.filter(pk=post_id).values_list("blog_id", flat=True).first()
    _changed(blog_id)


def comment_changed(comment_id: int) -> None:
    """A comment went up: its post's page, the comment feeds and counts change."""
    if not settings.STATIC_MIRROR:
        return
    found = Comment.objects.filter(pk=comment_id).values_list("post__blog_id", flat=True)
    _changed(found.first())


def _changed(blog_id: int | None) -> None:
    if blog_id is None:
        return
    blog = Blog.objects.filter(pk=blog_id).first()
    if blog is not None:
        request_copy(blog)
