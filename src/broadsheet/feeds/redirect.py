"""Blogger's "Post feed redirect URL": the posts feed sends its readers elsewhere.

Blogger users pointed it at FeedBurner, whose address their subscribers still use; a moved
blog keeps that arrangement. As on Blogger, only the blog's own posts feed (`/feeds/posts/
default` and its aliases, unpaged) is redirected, with a 302 since the blog may take it back.
Not redirected: a request with `?redirect=false` (what the redirect's target and our WebSub
hub fetch, see websub.topic_url), and the blog's members (the studio shows them the feed).
The page cache keeps only 200s and never a signed-in request's, so no redirect is cached for
the wrong reader.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect

from broadsheet.blogs.access import is_member, reader_blog
from broadsheet.feeds import params


def elsewhere(request: HttpRequest, is_topic: bool) -> HttpResponseRedirect | None:
    """The redirect to answer with, or None to serve the feed."""
    blog = reader_blog(request)
    target = blog.feed_redirect_url
    if not target or not is_topic or not params.is_plain(request):
        return None
    if request.GET.get("redirect", "").lower() == "false" or is_member(request.user, blog):
        return None
    return HttpResponseRedirect(target)
