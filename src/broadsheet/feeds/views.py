"""Feeds, sitemaps and robots.txt at Blogger's addresses (docs/feeds.md).

Feed objects keep per-request state (the blog, the format, the page), so every request builds
its own. Everything here is read-only: GET and HEAD only.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from broadsheet.blogs import hosts
from broadsheet.blogs.access import reader_blog
from broadsheet.feeds import params, robots, sitemaps
from broadsheet.feeds.comments import CommentsFeed, PostCommentsFeed
from broadsheet.feeds.posts import PagesFeed, PostsFeed
from broadsheet.feeds.redirect import elsewhere

XML = "application/xml; charset=utf-8"


@require_safe
def posts(
    request: HttpRequest, projection: str = "default", labels: str = "", fmt: str = params.ATOM
) -> HttpResponse:
    names = tuple(name for name in labels.split("/") if name)
    feed = PostsFeed(fmt, projection, names)
    return elsewhere(request, feed.is_topic) or feed(request)


@require_safe
def pages(request: HttpRequest, projection: str = "default") -> HttpResponse:
    return PagesFeed()(request)


@require_safe
def comments(request: HttpRequest, projection: str = "default") -> HttpResponse:
    return CommentsFeed()(request)


@require_safe
def post_comments(request: HttpRequest, post_id: str, projection: str = "default") -> HttpResponse:
    return PostCommentsFeed(int(post_id))(request)


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """The index, or with `?page=N` one page of 150 posts."""
    blog = reader_blog(request)
    origin, now = hosts.origin(blog, request), timezone.now()
    if "page" not in request.GET:
        entries = sitemaps.index(blog, now, origin)
        return HttpResponse(sitemaps.write("sitemapindex", "sitemap", entries), XML)
    return _urlset(sitemaps.PostSitemap(blog, now), request.GET["page"], origin)


@require_safe
def sitemap_posts(request: HttpRequest, number: str) -> HttpResponse:
    """One page of 150 posts counted from the oldest: the index's own links (sitemaps.py)."""
    blog = reader_blog(request)
    origin = hosts.origin(blog, request)
    return _urlset(sitemaps.OldestFirst(blog, timezone.now()), number, origin)


@require_safe
def sitemap_pages(request: HttpRequest) -> HttpResponse:
    blog = reader_blog(request)
    origin = hosts.origin(blog, request)
    return _urlset(sitemaps.PageSitemap(blog, timezone.now()), "1", origin)


@require_safe
def sitemap_labels(request: HttpRequest) -> HttpResponse:
    """The first file of labels (sitemaps.py: 50,000 a file)."""
    return _labels(request, "1")


@require_safe
def sitemap_labels_page(request: HttpRequest, number: str) -> HttpResponse:
    """The second file of labels and on; the first has its own address, so `-1.xml` (or a
    number written with a leading zero) is none of ours."""
    if number.startswith("0") or number == "1":
        raise Http404("No such sitemap page.")
    return _labels(request, number)


def _labels(request: HttpRequest, number: str) -> HttpResponse:
    blog = reader_blog(request)
    origin = hosts.origin(blog, request)
    return _urlset(sitemaps.LabelSitemap(blog, timezone.now()), number, origin)


def _urlset(sitemap: sitemaps.BlogSitemap, page: str, origin: str) -> HttpResponse:
    if not page.isascii() or not page.isdigit() or len(page) > 9:
        raise Http404("No such sitemap page.")
    try:
        entries = sitemap.entries(int(page), origin)
    except InvalidPage:
        raise Http404("No such sitemap page.") from None
    return HttpResponse(sitemaps.write("urlset", "url", entries), XML)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # Not reader_blog: a private blog must still tell crawlers to stay out (robots.py). A host
    # with no blog says the same: there is nothing to crawl there, and a 404 would tell a
    # reader which hosts hold a private blog.
    blog = getattr(request, "blog", None)
    text = robots.closed() if blog is None else robots.robots_txt(blog, hosts.origin(blog, request))
    return HttpResponse(text, "text/plain; charset=utf-8")
