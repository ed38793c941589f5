"""WebSub (https://www.w3.org/TR/websub/): which feeds a hub is told about, and where the hub is.

A subscriber subscribes to a feed's `rel="self"` URL and is only notified when the publisher
pings the hub with exactly that URL. So the hub is advertised only on the feeds we ping (the
posts feed in its three formats, unpaged and unfiltered), and their self links are the same
URLs the ping sends, built without a request from the blog's canonical origin.
"""

from __future__ import annotations

from django.conf import settings

from broadsheet.blogs import hosts
from broadsheet.blogs.models import Blog
from broadsheet.feeds.params import ATOM, JSONFEED, RSS

TOPIC_PATHS = {
    ATOM: "/feeds/posts/default",
    RSS: "/feeds/posts/default?alt=rss",
    JSONFEED: "/feed.json",
}


def hub_url() -> str:
    """The configured hub (BROADSHEET_WEBSUB_HUB), or "" when WebSub is off."""
    return str(getattr(settings, "WEBSUB_HUB", "") or "")


def topic_url(blog: Blog, fmt: str) -> str:
    path = TOPIC_PATHS[fmt]
    if blog.feed_redirect_url:
        # The hub must read the feed itself, not be sent on to the redirect (redirect.py).
        path += ("&" if "?" in path else "?") + "redirect=false"
    return hosts.origin(blog) + path


def topic_urls(blog: Blog) -> list[str]:
    return [topic_url(blog, fmt) for fmt in TOPIC_PATHS]
