"""Where a blog lives and what its entries are called, for everything we hand to other programs.

Feeds, sitemaps, robots.txt and link previews leave the site and are kept by feed readers,
search engines and hubs, so their URLs are absolute and name the blog's *canonical* host: its
custom domain if it has one, otherwise the base domain for the default blog or
`<slug>.<base domain>`. A request that arrives at the canonical host keeps its own scheme and
port (so `localhost:8000` links work in development); any other host (a bare IP, the old
sub-domain of a blog that now has its own domain) is pointed at the canonical one.

Entry ids are tag URIs (RFC 4151) built from the canonical host, a year and the permalink. They
never use database ids, because those change when a blog is exported and imported into another
install, and a feed reader that sees new ids shows every entry again as unread. Editing a post
changes none of the parts (the permalink is fixed at first publication), so ids survive edits.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Page, Post

_PERMALINK_YEAR = re.compile(r"^/(\d{4})/")


def canonical_host(blog: Blog) -> str:
    """The one host name the blog is known by on the web (no port)."""
    if blog.custom_domain:
        return blog.custom_domain
    if blog.is_default:
        return str(settings.BASE_DOMAIN)
    return f"{blog.slug}.{settings.BASE_DOMAIN}"


def origin(blog: Blog, request: HttpRequest | None = None) -> str:
    """`scheme://host[:port]` for absolute URLs; the request's own form if it came to the
    canonical host, the configured scheme and the bare canonical host otherwise."""
    host = canonical_host(blog)
    if request is not None and split_domain_port(request.get_host())[0] == host:
        return f"{request.scheme}://{request.get_host()}"
    scheme = "https" if getattr(settings, "SECURE", False) else "http"
    return f"{scheme}://{host}"


def _tag(blog: Blog, year: int, specific: str) -> str:
    return f"tag:{canonical_host(blog)},{year}:{specific}"


def feed_id(blog: Blog, path: str) -> str:
    """A feed's id: the same for every page and every format of one feed."""
    return _tag(blog, blog.created_at.year, path)


def post_id(blog: Blog, post: Post) -> str:
    """`tag:HOST,YEAR:/YYYY/MM/slug.html`; the year is the permalink's, which never moves."""
    match = _PERMALINK_YEAR.match(post.permalink)
    # Imported posts may keep a path without a year; their first publication year stands in.
    year = int(match.group(1)) if match else (post.published_at or post.created_at).year
    return _tag(blog, year, post.permalink)


def page_id(blog: Blog, page: Page) -> str:
    return _tag(blog, (page.published_at or page.updated_at).year, page.get_absolute_url())


def comment_id(blog: Blog, post: Post, comment_pk: int) -> str:
    """The post's id with the comment's anchor. Comments carry no identity of their own yet, so
    this one (unlike a post's) changes if the blog is exported and imported elsewhere."""
    return f"{post_id(blog, post)}#c{comment_pk}"
