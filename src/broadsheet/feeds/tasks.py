"""Background work for feeds (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from broadsheet.feeds import ping


@task()
def ping_hub(blog_id: int) -> list[str]:
    """Tell the WebSub hub that the blog's posts feeds changed; the topics it took."""
    return ping.ping_hub(blog_id)
