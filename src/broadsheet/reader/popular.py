"""The Popular Posts gadget: the blog's most-read posts of the last 30 days, with their
snippets and a thumbnail (the post's first image).

Reads move the ranking with no write, so it cannot be kept under the blog's versions as the
rest of the sidebar is: it is kept in the shared cache for an hour (`POPULAR_SECONDS`), and
under `Blog.sidebar_version` and the blog's stamps too (`posts.stamps`), so a post retitled or
taken down leaves it at once, and a post write that moves nothing it shows does not rank the
posts again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.posts.models import Post
from broadsheet.reader import tallied
from broadsheet.reader.drawn import blog_key
from broadsheet.stats.queries import popular

POPULAR_DAYS = 30  # Blogger's gadget offers 7 days, 30 days and all time; 30 is its default
POPULAR_COUNT = 5
POPULAR_SECONDS = 3600
DEFAULT_OPTIONS: dict[str, Any] = {
    "count": POPULAR_COUNT,
    "days": POPULAR_DAYS,
    "thumbnails": True,
    "snippets": True,
}
# The sanitiser (core.markup) writes every attribute double-quoted.
FIRST_IMAGE = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


def popular_html(
    blog: Blog,
    now: dt.datetime,
    options: Mapping[str, Any] | None = None,
    heading: str = "Popular Posts",
) -> SafeString:
    """The gadget's HTML (empty until some post has been read), with the layout's options
    (`blogs.layout.OPTIONS`: count, days, thumbnails, snippets)."""
    shown = {**DEFAULT_OPTIONS, **(options or {}), "heading": heading}
    # Options change only with the layout, which moves the sidebar version; they are in the
    # key all the same, so that two pieces of code asking differently never share an entry.
    wanted = hashlib.blake2b(repr(sorted(shown.items())).encode(), digest_size=8).hexdigest()
    # First under the sidebar version: a miss after a comment reads nothing more.
    fast = f"popular:{blog.lasting_id}:{blog.sidebar_version}:{wanted}"
    found = _get(fast, now)
    if found is None:
        # Then under the blog as drawn (its settings, the language) and the stamps that move
        # with the public posts and what the gadget shows of them (`posts.stamps`): after a
        # post write that moved none of it, the ranking is not asked again.
        stamps = tallied.stamps_of(blog)
        lasting = f"popular:{blog_key(blog)}:{stamps['counts']}.{stamps['posts']}:{wanted}"
        found = _get(lasting, now) or _put(lasting, _ranked(blog, now, shown), now)
        _put(fast, found, now)
    return mark_safe(found[0])  # noqa: S308 - our own template's output, kept as it was made


Kept = tuple[str, float]  # the HTML, and until when it holds


def _ranked(blog: Blog, now: dt.datetime, shown: dict[str, Any]) -> Kept:
    html = render(blog, now, shown)
    # Until a post has been read the gadget is empty: ask again after the next aggregation
    # rather than an hour later.
    seconds = POPULAR_SECONDS if html.strip() else settings.STATS_EVERY_SECONDS
    return str(html), now.timestamp() + seconds


def _get(key: str, now: dt.datetime) -> Kept | None:
    try:
        return store.fragment(key, now.timestamp())
    except Exception:  # an unreadable cache means computing, not an error page
        store.log.warning("fragment cache unreadable", exc_info=True)
        return None


def _put(key: str, kept: Kept, now: dt.datetime) -> Kept:
    try:
        store.keep_fragment(key, kept, now.timestamp())
    except Exception:
        store.log.warning("fragment cache unwritable", exc_info=True)
    return kept


def render(blog: Blog, now: dt.datetime, options: Mapping[str, Any] | None = None) -> SafeString:
    shown = {**DEFAULT_OPTIONS, "heading": "Popular Posts", **(options or {})}
    posts = popular(blog, now, shown["days"] or None, shown["count"])
    if not posts:  # no post read yet: nothing to draw, and a template costs a millisecond
        return mark_safe("")
    for post in posts:
        post.thumbnail = thumbnail(post) if shown["thumbnails"] else ""  # type: ignore[attr-defined]
    context = {"blog": blog, "posts": posts, "days": shown["days"], "options": shown}
    return mark_safe(render_to_string("reader/_popular.html", context))  # noqa: S308


def thumbnail(post: Post) -> str:
    """The address of the post's first image, or ""."""
    found = FIRST_IMAGE.search(post.body_html)
    return found.group(1) if found else ""
