"""The Django side of the page cache: says whether Django's answer to a miss may be kept.

`PageCacheApp` marks each request it may answer later (environ key `REQUEST`). This middleware,
placed after `BlogMiddleware`, looks at the request and Django's response, and when both
allow it, hands the front a `Candidate`: the blog, the content version the page was rendered
at, and when the page expires. The front keeps the final bytes, with every header the outer
middleware adds. Requests that did not come through the front (the test client, for one)
are left alone: no query, no mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store

# Set by the front on requests it may answer from the cache; holds the time they arrived.
REQUEST = "broadsheet.pagecache.request"
# Set here on those whose answer may be kept.
CANDIDATE = "broadsheet.pagecache.candidate"
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")


class Candidate(NamedTuple):
    blog_id: int
    version: int
    expires: float
    # No scheduled post is waiting: the page stays right until the next write, so it may
    # also be kept as a file for nginx (`mirror`), which cannot expire it by itself.
    lasting: bool


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        blog: Blog | None = getattr(request, "blog", None)
        if blog is None:
            return response
        if blog.is_private or settings.SESSION_COOKIE_NAME in request.COOKIES:
            # One reader's page: no shared cache (a CDN, a proxy) may keep it for another.
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        arrived = request.META.get(REQUEST)
        if isinstance(arrived, float) and request.method == "GET" and keepable(request, response):
            request.META[CANDIDATE] = candidate(blog, arrived)
        return response


def keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """A complete 200 that is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A page that holds a CSRF token is one reader's, even when the cookie was already set.
    if request.META.get("CSRF_COOKIE_USED"):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(directive in control for directive in UNCACHEABLE_DIRECTIVES)


def candidate(blog: Blog, arrived: float) -> Candidate:
    """The page's blog and version, and its expiry: the blog's next scheduled publish (looked
    up from the time the request arrived, so a post whose time came during the render is not
    skipped) or the cache's time limit, whichever comes first."""
    store.ensure_version(blog.pk)
    expires = arrived + settings.PAGE_CACHE_SECONDS
    upcoming = next_publish(blog, dt.datetime.fromtimestamp(arrived, tz=dt.UTC))
    if upcoming is not None:
        expires = min(expires, upcoming.timestamp())
    return Candidate(blog.pk, blog.content_version, expires, lasting=upcoming is None)


Known = tuple[int, dt.datetime, dt.datetime | None]  # version, asked at, answer


def next_publish(blog: Blog, after: dt.datetime) -> dt.datetime | None:
    """When the blog's next scheduled post goes up (the `post_blog_status_pub` index).

    A page miss asks it for the page and again for each part it renders (the sidebar, the
    pager): the answer is kept on the blog object, which lives as long as the request, and
    reused, at the same content version, for a later moment that it still answers (nothing
    was due between the two)."""
    from broadsheet.posts.models import Post

    known: Known | None = getattr(blog, "_next_publish", None)
    if known is not None:
        version, asked, answer = known
        fresh = version == blog.content_version  # a write (a newly scheduled post) moves it
        if fresh and asked <= after and (answer is None or after < answer):
            return answer
    found: dt.datetime | None = (
        Post.objects.scheduled(after)
        .filter(blog=blog)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    blog._next_publish = (blog.content_version, after, found)  # type: ignore[attr-defined]
    return found
