"""Old addresses of imported content answer with a permanent redirect.

Goes after `BlogMiddleware` (it needs `request.blog`). It costs nothing on the hot path: a
reader page that exists is never looked up. Two cases reach the redirect table:

* a GET or HEAD that the site answered with 404 (`/2024/10/20/slug/`, `/about/`, Blogger's
  `/feeds/POSTID/comments/default`);
* WordPress's query addresses, `/?p=12` and `/?page_id=7`, which land on pages that exist
  (the home page ignores unknown queries), so they are looked up before the view runs, and
  only when the query has one of those two keys.

A redirect found after a 404 passes the request's query on: a feed reader subscribed to
`/feeds/POSTID/comments/default?alt=rss` must still get RSS, and Blogger's `?m=1` or
`?showComment=` mean the same on the new address.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from broadsheet.blogs.access import is_member
from broadsheet.blogs.models import Blog
from broadsheet.portability.blogger import ADDRESS_QUERIES
from broadsheet.portability.models import Redirect
from broadsheet.portability.paths import is_local_path


class RedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        blog: Blog | None = getattr(request, "blog", None)
        if blog is None or request.method not in ("GET", "HEAD") or not _readable(request, blog):
            return self.get_response(request)
        for key in ADDRESS_QUERIES:
            value = request.GET.get(key, "")
            if value.isdigit():
                found = find_redirect(blog, [f"{request.path}?{key}={value}"])
                if found:
                    return found
        response = self.get_response(request)
        # No old address holds a NUL, and PostgreSQL refuses one in a query (a 500).
        if response.status_code == 404 and "\x00" not in request.path:
            query = request.META.get("QUERY_STRING", "")
            return find_redirect(blog, _variants(request.path), query) or response
        return response


def find_redirect(
    blog: Blog, paths: list[str], query: str = ""
) -> HttpResponsePermanentRedirect | None:
    """The redirect for the first of `paths` that has one leading somewhere public on the
    blog's own host (a stored row that would leave it is ignored, never followed), with
    `query` (a raw query string) after the destination."""
    redirects = Redirect.objects.filter(blog=blog, old_path__in=paths).select_related(
        "post", "page"
    )
    by_path = {redirect.old_path: redirect for redirect in redirects}
    for path in paths:
        redirect = by_path.get(path)
        destination = redirect.destination() if redirect else ""
        if destination and is_local_path(destination):
            return HttpResponsePermanentRedirect(destination + (f"?{query}" if query else ""))
    return None


def _readable(request: HttpRequest, blog: Blog) -> bool:
    # A private blog's old addresses would tell outsiders which posts it has.
    return not blog.is_private or is_member(request.user, blog)


def _variants(path: str) -> list[str]:
    """The path as asked, with repeated slashes merged, then with or without its trailing
    slash (WordPress addresses end in one; people and old links drop it)."""
    merged = re.sub(r"/{2,}", "/", path)
    variants = [path, merged]
    variants += [p[:-1] if p.endswith("/") and len(p) > 1 else p + "/" for p in (path, merged)]
    return list(dict.fromkeys(variants))
