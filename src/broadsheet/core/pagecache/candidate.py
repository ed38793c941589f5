"""What the WSGI front and the Django side of the page cache say to each other.

The front marks each request it may answer later (environ key `REQUEST`, the time it
arrived). Django's side (`reader.pagecache.PageCacheMiddleware`, which knows blogs) hands back a
`Candidate` under `CANDIDATE` when the answer may be kept: the front then keeps the final bytes,
with every header the outer middleware adds.
"""

from __future__ import annotations

from typing import NamedTuple

from django.http import HttpRequest, HttpResponse

# Set by the front on requests it may answer from the cache; holds the time they arrived.
REQUEST = "broadsheet.pagecache.request"
# Set by the Django side on those whose answer may be kept.
CANDIDATE = "broadsheet.pagecache.candidate"
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")


class Candidate(NamedTuple):
    blog_id: int
    version: int
    expires: float
    # No scheduled post is waiting: the page stays right until the next write, so it may
    # also be kept as a file for nginx (`mirror`), which cannot expire it by itself.
    lasting: bool


def keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """A complete 200 that is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A page that holds a CSRF token is one reader's, even when the cookie was already set.
    if request.META.get("CSRF_COOKIE_USED"):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(directive in control for directive in UNCACHEABLE_DIRECTIVES)
