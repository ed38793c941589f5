"""Where senders find our endpoint: one address, named in the page head and a Link header."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from broadsheet.blogs import hosts
from broadsheet.blogs.models import Blog


def endpoint_url(blog: Blog, request: HttpRequest | None = None) -> str:
    """The blog's Webmention endpoint, or "" for a private blog (its posts take none)."""
    if blog.is_private:
        return ""
    return hosts.origin(blog, request) + reverse("webmention:receive")


def link_header(blog: Blog, request: HttpRequest | None = None) -> str:
    url = endpoint_url(blog, request)
    return f'<{url}>; rel="webmention"' if url else ""
