"""Telling the WebSub hub that a blog's posts feeds changed. Runs only in the task worker
(`feeds.tasks`): a hub that is slow or down must never hold up a publish."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from broadsheet.blogs.models import Blog
from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused
from broadsheet.feeds import websub

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds; a slow hub must not hold a worker for long


def ping_hub(blog_id: int) -> list[str]:
    """Tell the configured hub that the blog's posts feeds changed; return the URLs pinged.

    Queued after the publishing transaction commits. Does nothing when no hub is configured, or
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
    # Through the guarded fetcher like every outbound request (time and size limits). The hub
    # is the operator's own setting, so its host may be on their network; a redirect is not
    # followed (a POST is not replayed elsewhere).
    fetcher = Fetcher(timeout=TIMEOUT, max_bytes=64 * 1024, trusted_hosts=_host(hub))
    data = urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    try:
        response = fetcher.post(hub, data, "application/x-www-form-urlencoded")
    except (FetchFailed, FetchRefused) as error:
        log.warning("WebSub hub %s did not take %s: %s", hub, topic, error)
        return False
    if not 200 <= response.status < 300:
        log.warning("WebSub hub %s did not take %s: HTTP %s", hub, topic, response.status)
        return False
    return True


def _host(url: str) -> tuple[str, ...]:
    host = urlsplit(url).hostname
    return (host,) if host else ()
