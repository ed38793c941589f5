"""Absolute addresses for exports, which leave the site and must say where things live."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog


def base_url(blog: Blog) -> str:
    """The blog's own address (no trailing slash): the configured origin of its canonical
    host, port included, from the one rule in `blogs.hosts` rather than a copy of it."""
    return origin(blog)


def tag_uri(blog: Blog, base: str, item: str) -> str:
    """A stable Atom id (RFC 4151) for something of this blog: `tag:host,2024:blog-3.post-7`."""
    host = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"tag:{host},{blog.created_at:%Y}:blog-{blog.pk}{'.' + item if item else ''}"


def local_iso(blog: Blog, when: dt.datetime) -> str:
    """A time with the blog's offset, as Blogger writes them (`2008-04-15T09:28:00.000-07:00`)."""
    return timezone.localtime(when, blog.tzinfo).isoformat(timespec="milliseconds")
