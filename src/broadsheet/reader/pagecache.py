"""The blog-aware half of the page cache: which answers may be kept, until when, and the parts
of pages computed once per content version.

The pure half (`core.pagecache`: keys, store, versions, the WSGI front) knows no model. This
module does: `PageCacheMiddleware`, placed after `BlogMiddleware`, looks at the request and
Django's answer to a miss, and when both allow it hands the front a `Candidate` (the blog, the
content version the page was rendered at, and when the page expires: the blog's next scheduled
publish or the cache's time limit). Requests that did not come through the front (the test
client, for one) are left alone: no query, no mark.

`remember` keeps a part of a page (the sidebar's counts, the pager's neighbours) in the shared
cache under the blog's content version, so a write makes it stale exactly as it does the pages:

    html = remember(blog, "sidebar", render, now, version=blog.sidebar_version)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db.models import DateTimeField
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.candidate import CANDIDATE, REQUEST, Candidate, keepable
from broadsheet.posts.models import LIVE_STATUSES, Post

T = TypeVar("T")
Known = tuple[int, dt.datetime, dt.datetime | None]  # version, asked at, answer


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        blog: Blog | None = getattr(request, "blog", None)
        if blog is None or blog.is_private or settings.SESSION_COOKIE_NAME in request.COOKIES:
            # One reader's page: no shared cache (a CDN, a proxy) may keep it for another.
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            if blog is None or blog.is_private:
                # A host with no blog answers as a private blog's does to an outsider
                # (who is asked for their session cookie), so headers don't tell a reader
                # that a private blog lives there.
                patch_vary_headers(response, ["Cookie"])
            return response
        arrived = request.META.get(REQUEST)
        if isinstance(arrived, float) and request.method == "GET" and keepable(request, response):
            request.META[CANDIDATE] = candidate(blog, arrived)
        return response


def candidate(blog: Blog, arrived: float) -> Candidate:
    """The page's blog and version, and its expiry: the blog's next scheduled publish (looked
    up from the time the request arrived, so a post whose time came during the render is not
    skipped) or the cache's time limit, whichever comes first."""
    store.ensure_version(blog.pk, Blog.committed_version)
    expires = arrived + settings.PAGE_CACHE_SECONDS
    upcoming = next_publish(blog, dt.datetime.fromtimestamp(arrived, tz=dt.UTC))
    if upcoming is not None:
        expires = min(expires, upcoming.timestamp())
    # A file cannot expire at the post's time, unless serve moves the version then.
    lasting = upcoming is None or settings.PAGE_MIRROR_SCHEDULED
    return Candidate(blog.pk, blog.content_version, expires, lasting=lasting)


def next_publish(blog: Blog, after: dt.datetime) -> dt.datetime | None:
    """When the blog's next scheduled post goes up.

    A page miss asks it for the page and again for each part it renders (the sidebar, the
    pager): the answer is kept on the blog object, which lives as long as the request, and
    reused, at the same content version, for a later moment that it still answers (nothing
    was due between the two). The blog a request's host names comes with two answers, read
    with its row (`next_read`)."""
    known: list[Known] = getattr(blog, "_next_publish", [])
    for version, asked, answer in known:
        fresh = version == blog.content_version  # a write (a newly scheduled post) moves it
        if fresh and asked <= after and (answer is None or after < answer):
            return answer
    found = Post.objects.next_publish(blog, after)
    blog._next_publish = [(blog.content_version, after, found), *known[:2]]  # type: ignore[attr-defined]
    return found


# The next publish is read with the blog a request's host names (`hosts.read_with_blog`,
# registered at start-up) as of the database's clock and of this long before it: the page
# cache asks it for the moment the request arrived, which is before the query, and an app
# server's clock may be a little behind the database's.
NEXT_MARGIN = dt.timedelta(seconds=60)


def next_columns(vendor: str) -> list[RawSQL]:
    """The database's clock, and when the blog's first scheduled post after that moment
    goes up and after `NEXT_MARGIN` before it (as `Post.objects.next_publish` finds them),
    for the query that finds the blog: every page miss asks for it."""
    if vendor == "sqlite":  # the text SQLite stores moments as; % doubled for the driver
        clock = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'{})"
        now, before = clock.format(""), clock.format(f", '-{NEXT_MARGIN.seconds} seconds'")
    else:
        now, before = "now()", f"(now() - interval '{NEXT_MARGIN.seconds} seconds')"
    statuses = ", ".join(f"'{status}'" for status in LIVE_STATUSES)
    first = (
        "(SELECT min(p.published_at) FROM posts_post AS p "  # noqa: S608 - our own values
        f'WHERE p.blog_id = "blogs_blog"."id" AND p.status IN ({statuses}) '
        "AND p.published_at > {})"
    )
    columns = (now, first.format(now), first.format(before))
    return [RawSQL(sql, (), DateTimeField()) for sql in columns]  # noqa: S611


def next_read(blog: Blog, values: list[dt.datetime | None]) -> None:
    """Keep on `blog` its next publish read with its row, as `next_publish` keeps what it
    reads: the first post to go up after each moment asked."""
    now, after_now, after_before = values
    if now is not None:
        version = blog.content_version
        blog._next_publish = [(version, now, after_now), (version, now - NEXT_MARGIN, after_before)]  # type: ignore[attr-defined]


def holds_until(blog: Blog, now: dt.datetime) -> float:
    """Until when (Unix time) a part of the blog's pages read at `now` holds: the cache's time
    limit, or the blog's next scheduled publish if that comes first, since a post going up
    moves the counts with no write."""
    until = now.timestamp() + settings.PAGE_CACHE_SECONDS
    upcoming = next_publish(blog, now)
    return until if upcoming is None else min(until, upcoming.timestamp())


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
    It is kept until the blog's next scheduled publish, when the counts change with no write.
    """
    counter = blog.content_version if version is None else version
    key = f"fragment:{blog.lasting_id}:{counter}:{name}"
    moment = now.timestamp()
    try:
        found = store.fragment(key, moment)
    except Exception:  # an unreadable cache means computing, not an error page
        store.log.warning("fragment cache unreadable", exc_info=True)
        found = None
    if found is not None:
        kept: T = found[0]
        return kept
    value = compute()
    try:
        store.keep_fragment(key, (value, holds_until(blog, now)), moment)
    except Exception:
        store.log.warning("fragment cache unwritable", exc_info=True)
    return value
