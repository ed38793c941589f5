"""The public site at Blogger's addresses. Views are thin: fetch, then render."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import partial
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from broadsheet.blogs import hosts
from broadsheet.blogs.access import is_member, reader_blog
from broadsheet.blogs.models import Blog
from broadsheet.core.numbers import ascii_int
from broadsheet.federation import queries as federation_queries
from broadsheet.federation import views as federation_views
from broadsheet.posts.labels import fold
from broadsheet.posts.models import Label, Page, Post
from broadsheet.reader import articles, listing, postpage, prepared, tallied, themes, thread
from broadsheet.reader.drawn import blog_key
from broadsheet.reader.gadgets import page_parts
from broadsheet.reader.share import share_links
from broadsheet.webmention import queries as webmention_queries
from broadsheet.webmention.endpoint import link_header


def blog_render(
    request: HttpRequest,
    blog: Blog,
    template: Any,
    context: dict[str, Any],
    status: int = 200,
    parts: dict[str, Any] | None = None,
) -> HttpResponse:
    """`template` with the blog's layout around it; `parts` is the layout when the caller has
    it already (the static export renders thousands of pages with one)."""
    now = timezone.now()
    with translation.override(blog.language):
        layout = page_parts(blog, now) if parts is None else parts
        full = {"blog": blog, "now": now, **layout, **context}
        if not isinstance(template, str):  # an operator theme's own template (reader.themes)
            return HttpResponse(template.render(full, request), status=status)
        return render(request, template, full, status=status)


def max_results(request: HttpRequest, blog: Blog) -> int:
    asked = ascii_int(request.GET.get("max-results"))
    return min(asked, 100) if asked else blog.posts_per_page


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return every_post(request, reader_blog(request))


def every_post(request: HttpRequest, blog: Blog) -> HttpResponse:
    """The blog's listing of all its posts: the home page, and `/search` without words or a
    label, where its Older Posts leads."""
    public = partial(Post.objects.public, blog)  # built only if a query does not prepare
    return listing_page(request, blog, public, "/search", {}, listed=partial(prepared.listed, blog))


def listing_page(
    request: HttpRequest,
    blog: Blog,
    queryset: Any,
    older_path: str,
    context: dict[str, Any],
    extra_params: dict[str, str] | None = None,
    listed: listing.Listed | None = None,
) -> HttpResponse:
    """Newest first, `max-results` a page; `updated-max` pages back, `updated-min` forward.
    `queryset` may be a function making it (`listing.window`)."""
    size = max_results(request, blog)
    page = listing.window(request, blog, queryset, size, listed)
    if page is None:
        raise Http404("That page of posts does not exist.")
    listing.prepare(page.posts)
    return listing_response(request, blog, page, older_path, context, extra_params)


def listing_response(
    request: HttpRequest,
    blog: Blog,
    page: listing.Window,
    older_path: str,
    context: dict[str, Any],
    extra_params: dict[str, str] | None = None,
    parts: dict[str, Any] | None = None,
) -> HttpResponse:
    """A listing page from its window of prepared posts: the view and the static export (which
    reads the posts of many pages at once) both end here, so their bytes are the same."""
    size = max_results(request, blog)
    links = listing.pager_links(blog, page, older_path, size, extra_params or {})
    days = listing.group_by_day(page.posts, blog)
    articles.attach(page.posts, blog)
    template = themes.listing_template(themes.of(blog, request))
    full = {"days": days, **links, **context}
    return blog_render(request, blog, template, full, parts=parts)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    blog = reader_blog(request)
    if request.GET.get("q", "").strip():
        return search_results(request, blog, request.GET["q"].strip())
    if request.GET.get("label"):
        return label_page(request, blog, request.GET["label"])
    return every_post(request, blog)


@require_safe
def label(request: HttpRequest, names: str) -> HttpResponse:
    return label_page(request, reader_blog(request), names)


# The labels `one_label` found, on a shelf of their own, so that a crawler walking the
# thousands of small labels a blog brought from Blogger may have does not push the sidebars
# out of `tallied`'s.
LABELS = tallied.Shelf(2000)


def one_label(blog: Blog, name: str) -> prepared.OneLabel | None:
    """`prepared.one_label`, kept under the blog's counts stamp: which labels there are and on
    how many public posts moves only with the tallies and the labels' names, which move that
    stamp, or with a scheduled post's time (`tallied.Shelf`). A name that is no one label is
    asked each time: kept, every address a reader makes up would be an entry. On PostgreSQL a
    small label's lookup, planned for its values each time (`prepared.one_label`), was half a
    millisecond of its page's miss."""
    now = timezone.now()
    folded = hashlib.sha256(fold(name).encode("utf-8", "surrogatepass")).hexdigest()  # any name
    key = (f"label:{blog.lasting_id}", folded, (tallied.stamps_of(blog)["counts"],))
    found: prepared.OneLabel | None = LABELS.peek(key, now)
    if found is None:
        one = found = prepared.one_label(blog, name)
        if one is not None:
            LABELS.keep(key, blog, now, lambda: one)
    return found


def label_page(request: HttpRequest, blog: Blog, names: str) -> HttpResponse:
    wanted = [name for name in names.split("+") if name]
    # A NUL is in no label (`with_labels` says unknown); PostgreSQL refuses it in any query.
    one = one_label(blog, wanted[0]) if len(wanted) == 1 and "\x00" not in wanted[0] else None
    # One label: its pages are SQL compiled once (`prepared.listed`), and the query set is
    # built only if that did not prepare.
    queryset = (
        Post.objects.public(blog).with_labels(blog, wanted)
        if one is None
        else partial(_with_label, blog, one)
    )
    if queryset is None:
        context = {"missing_labels": wanted, "page_title": ", ".join(wanted)}
        return blog_render(request, blog, "reader/not_found.html", context, status=404)
    path = "/search/label/" + "+".join(Label.quote(name) for name in wanted)
    context = {"shown_labels": wanted, "page_title": ", ".join(wanted)}
    listed = None if one is None else partial(prepared.listed, blog, label=one)
    return listing_page(request, blog, queryset, path, context, listed=listed)


def _with_label(blog: Blog, label: prepared.OneLabel) -> Any:
    """What `with_labels` makes for the one label, without asking for it again."""
    label_id, dense = label
    public = Post.objects.public(blog)
    return public.carrying([label_id]) if dense else public.among([label_id])


def search_results(request: HttpRequest, blog: Blog, query: str) -> HttpResponse:
    from broadsheet.search.queries import search

    size = max_results(request, blog)
    asked_by_date = request.GET.get("by-date") == "true"
    start = listing.start_param(request)
    # The results show a title, a date and a snippet: no labels, teaser, image or author.
    found = search(
        blog,
        query,
        now=timezone.now(),
        by_date=asked_by_date,
        offset=start,
        limit=size,
        labels=False,
        stamps=tallied.stamps_of,
        fields=("title", "permalink", "published_at"),
    )
    hits, more, by_date = found.hits, found.more, found.by_date
    for hit in hits:
        hit.post.search_snippet = hit.snippet_html  # type: ignore[attr-defined]
    posts = [hit.post for hit in hits]
    context = {
        "query": query,
        "by_date": by_date,
        # Relevance was asked for, but the words are in too many posts to rank them all.
        "too_broad": by_date and not asked_by_date,
        "results": posts,
        "page_title": f"Search results for {query}",
        **listing.search_links(query, asked_by_date, start, size, more),
    }
    return blog_render(request, blog, "reader/search.html", context)


@require_safe
def archive_month(request: HttpRequest, year: str, month: str) -> HttpResponse:
    blog = reader_blog(request)
    span = listing.month_span(blog, int(year), int(month))
    if span is None:
        raise Http404("No such month.")
    return archive_page(request, blog, span, f"/{year}/{month}/", "month")


@require_safe
def archive_year(request: HttpRequest, year: str) -> HttpResponse:
    blog = reader_blog(request)
    span = listing.year_span(blog, int(year))
    if span is None:
        raise Http404("No such year.")
    return archive_page(request, blog, span, f"/{year}/", "year")


def archive_page(
    request: HttpRequest,
    blog: Blog,
    span: tuple[dt.datetime, dt.datetime],
    path: str,
    unit: str,
) -> HttpResponse:
    start, end = span
    queryset = partial(_within, blog, start, end)
    context = {"archive_start": start, "archive_unit": unit}
    listed = partial(prepared.listed, blog, span=span)
    return listing_page(request, blog, queryset, path, context, listed=listed)


def _within(blog: Blog, start: dt.datetime, end: dt.datetime) -> Any:
    return Post.objects.public(blog).filter(published_at__gte=start, published_at__lt=end)


@require_safe
def legacy_archive(request: HttpRequest, year: str, month: str, day: str) -> HttpResponse:
    """Blogger's old `/YYYY_MM_DD_archive.html` pages now live at the month's archive."""
    reader_blog(request)
    if not 1 <= int(month) <= 12:
        raise Http404("No such month.")
    return HttpResponsePermanentRedirect(f"/{year}/{month}/")


@require_safe
def post_detail(request: HttpRequest, year: str, month: str, slug: str) -> HttpResponse:
    blog = reader_blog(request)
    post = postpage.public_post(blog, f"/{year}/{month}/{slug}.html")
    if federation_views.wants_activity(request) and not blog.is_private:
        return federation_views.article(post)  # the permalink is the Article's id
    prefix = blog_key(blog)
    context = postpage.context(blog, post, thread.kept(prefix, blog, post))
    context.update(reactions(prefix, blog, post))
    return post_response(request, blog, context)


def post_response(
    request: HttpRequest, blog: Blog, context: dict[str, Any], parts: dict[str, Any] | None = None
) -> HttpResponse:
    """A post's page from `postpage`'s context and the post's reactions: the view and the
    static export (which reads a batch's threads and reactions at once) both end here, so the
    exported page is the live one byte for byte."""
    post = context["post"]
    context["share_links"] = share_links(blog, post, hosts.origin(blog, request))
    response = blog_render(request, blog, "reader/post.html", context, parts=parts)
    patch_vary_headers(response, ["Accept"])  # a CDN keeps the page apart from the JSON
    # Kept with the page in the page cache, which replays the headers a view set.
    if link := link_header(blog, request):
        response["Link"] = link
    return response


def reactions(prefix: str, blog: Blog, post: Post) -> dict[str, dict[str, int]]:
    """Likes and boosts from the fediverse and likes and reposts by Webmention, kept in the
    process under the post's stamp (`tallied.kept`, `prefix` the blog's `blog_key`), which
    each of them moves (`publish.poststamps`): the miss after a comment, a like or a post
    elsewhere on the blog counts nothing. Counted each time for a post read without one."""
    count = partial(_reactions, post)
    stamp = getattr(post, prepared.THREAD_STAMP, None)
    if stamp is None:
        return count()
    named = f"reactions:{post.pk}.{post.created_at.timestamp()}"  # a reused id is another post
    return tallied.kept((prefix, named, (stamp,)), blog, timezone.now(), count)


def _reactions(post: Post) -> dict[str, dict[str, int]]:
    return {
        "reactions": federation_queries.reactions(post),
        "web_reactions": webmention_queries.reactions(post),
    }


@require_safe
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    blog = reader_blog(request)
    page = Page.objects.filter(blog=blog, slug=slug, status=Page.Status.PUBLISHED).first()
    if page is None:
        raise Http404("No such page.")
    return blog_render(request, blog, "reader/page.html", {"page": page, "page_title": page.title})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The themed 404: the blog's own look, with search, wherever the reader got lost."""
    blog: Blog | None = getattr(request, "blog", None)
    if blog is not None and (not blog.is_private or is_member(request.user, blog)):
        return blog_render(request, blog, "reader/not_found.html", {}, status=404)
    return HttpResponseNotFound(render_to_string("reader/no_blog.html", request=request))
