"""The publish hook: queue the sending of a post's Webmentions for when it is public."""

from __future__ import annotations

from broadsheet.blogs import hosts
from broadsheet.posts.models import Post
from broadsheet.webmention import tasks
from broadsheet.webmention.models import Sent
from broadsheet.webmention.sending import targets
from broadsheet.worker.schedule import enqueue_at


def post_published(post_id: int) -> None:
    """Called after the publishing commit (posts.hooks), for every edit too: only queues.
    A scheduled post is queued for its publish time, where the backend can defer."""
    post = Post.objects.filter(pk=post_id).select_related("blog").first()
    if post is None or post.published_at is None or not _has_work(post):
        return
    enqueue_at(tasks.send_for_post, post.published_at, post_id)


def _has_work(post: Post) -> bool:
    # Most posts link nowhere else: no task at all for them (nothing to tell, nobody to wait).
    source = hosts.origin(post.blog) + post.permalink
    return bool(targets(post, source)) or Sent.objects.filter(post=post).exists()


def post_withdrawn(post_id: int) -> None:
    """Called after a post is trashed or taken back to a draft (posts.hooks): only queues,
    and only when we had mentioned someone."""
    if Sent.objects.filter(post_id=post_id).exists():
        tasks.send_for_withdrawn.enqueue(post_id)
