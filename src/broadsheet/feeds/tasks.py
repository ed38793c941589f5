"""Background work for feeds (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from broadsheet.feeds import ping


@task()
def ping_hub(blog_id: int) -> list[str]:
    """Tell the WebSub hub that the blog's posts feeds changed; the topics it took."""
    return ping.ping_hub(blog_id)


def queue_ping(blog_id: int) -> None:
    """The `posts.hooks.on_published` hook: the ping goes to the worker, never into the
    request that published."""
    ping_hub.enqueue(blog_id)
