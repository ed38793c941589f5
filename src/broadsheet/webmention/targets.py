"""Which of our posts a Webmention's target names: the cheap check made in the request."""

from __future__ import annotations

from urllib.parse import urlsplit

from broadsheet.blogs.hosts import blog_for_host
from broadsheet.posts.models import Post
from broadsheet.webmention.links import is_web_url, normalise


class Refused(ValueError):
    """The request is not a Webmention we take; the message says why, for the sender."""


def accept(source: str, target: str) -> Post:
    """The published post `target` names, once the pair passes the checks that need no
    network; anything else raises Refused (answered with a 400)."""
    if not is_web_url(source) or not is_web_url(target):
        raise Refused("source and target must both be absolute http or https URLs.")
    if normalise(source) == normalise(target):
        raise Refused("source and target must be different URLs.")
    post = post_for(target)
    if post is None:
        raise Refused("target is not a published post on this site.")
    return post


def post_for(target: str) -> Post | None:
    """The public post at `target`, on whichever of our blogs its host names."""
    parts = urlsplit(target)
    blog = blog_for_host(parts.hostname or "")
    if blog is None or blog.is_private:
        return None
    # Permalinks are the reader's Blogger-style paths (/2024/05/slug.html), stored as such.
    found = Post.objects.published().filter(blog=blog, permalink=parts.path)
    return found.select_related("blog").first()
