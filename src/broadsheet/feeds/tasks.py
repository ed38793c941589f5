"""Background work for feeds: telling the WebSub hub that a blog's posts feed changed."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode

from broadsheet.blogs.models import Blog
from broadsheet.feeds import websub

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds; a slow hub must not hold a worker for long


def ping_hub(blog_id: int) -> list[str]:
    """Tell the configured hub that the blog's posts feeds changed; return the URLs pinged.

    Run after the publishing transaction commits. Does nothing when no hub is configured, or
    for a private blog, whose feeds nobody outside may read. A hub that fails is logged, not
    raised: the post is published either way, and the hub will see it on its next poll.
    """
    hub = websub.hub_url()
    blog = Blog.objects.filter(pk=blog_id).first()
    if not hub or blog is None or blog.is_private:
        return []
    topics = websub.topic_urls(blog)
    return [topic for topic in topics if _publish(hub, topic)]


def _publish(hub: str, topic: str) -> bool:
    data = urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    request = urllib.request.Request(hub, data=data, method="POST")  # noqa: S310 - hub is ours
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return 200 <= response.status < 300
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        log.warning("WebSub hub %s did not take %s: %s", hub, topic, error)
        return False
