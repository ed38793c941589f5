"""Pieces of pages computed once per content version: the sidebar's counts, for one.

A page miss renders the whole page; parts of it (the Blog Archive's month counts, the Labels
gadget's counts) are the same on every page of the blog and cost a scan of all its posts.
`remember` keeps such a part in the shared cache under the blog's content version, so a write
makes it stale exactly as it does the pages, and until the blog's next scheduled publish, when
the counts change with no write.

    html = remember(blog, "sidebar", render, now, version=blog.sidebar_version)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.middleware import next_publish

T = TypeVar("T")


def remember(
    blog: Blog,
    name: str,
    compute: Callable[[], T],
    now: dt.datetime,
    version: int | None = None,
) -> T:
    """`compute()`'s value for this blog at its current content version, computed once.

    The value must pickle (model instances, lists, dicts do). It is labelled with the version
    the request read with the blog, before `compute` ran, so it is never older than its label.
    `version` names another counter the part depends on instead (`Blog.sidebar_version`).
    """
    # The creation time tells apart a blog from a later one that reuses its id (SQLite does).
    born = int(blog.created_at.timestamp() * 1_000_000)
    counter = blog.content_version if version is None else version
    key = f"fragment:{blog.pk}.{born}:{counter}:{name}"
    moment = now.timestamp()
    try:
        found = store.shared().get(key)
    except Exception:  # an unreadable cache means computing, not an error page
        store.log.warning("fragment cache unreadable", exc_info=True)
        found = None
    if isinstance(found, tuple) and len(found) == 2 and moment < found[1]:
        kept: T = found[0]
        return kept
    value = compute()
    upcoming = next_publish(blog, now)
    expires = moment + settings.PAGE_CACHE_SECONDS
    if upcoming is not None:
        expires = min(expires, upcoming.timestamp())
    try:
        store.shared().set(key, (value, expires), timeout=max(1, int(expires - moment)))
    except Exception:
        store.log.warning("fragment cache unwritable", exc_info=True)
    return value
