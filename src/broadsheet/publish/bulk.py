"""Post pages rendered in bulk: the reader's own view code, fed from a few set-based queries.

Through the WSGI handler a post page costs about 47 ms, 40 % of it its queries (the post, its
labels, its neighbours, its comments) and 15 % the sidebar and neighbours read back from the
file cache. An export renders thousands of post pages in a row, so here a batch of them is read
at once: the posts with their authors, one query for all their labels, one for their
neighbours (whose addresses the plan already knows) and one for all their comments; the
blog's layout once. Each page is then rendered by `reader.views.post_response`, the function
the live view ends in, with the same context (`reader.postpage.context_of`), so the bytes are
the view's (tests/publish/test_bulk.py holds them to it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.db.models import Count
from django.urls import Resolver404, resolve

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.federation.models import Reaction
from broadsheet.posts.models import Post
from broadsheet.publish.listings import Listing
from broadsheet.publish.render import Answer, Renderer
from broadsheet.reader import listing, postpage
from broadsheet.reader.gadgets import page_parts
from broadsheet.reader.thread import thread_html
from broadsheet.reader.views import listing_response, max_results, post_response
from broadsheet.webmention import queries as web_queries
from broadsheet.webmention.models import Mention

NEIGHBOUR_FIELDS = ("title", "permalink", "published_at", "status")  # as postpage.neighbours


class Layout:
    """The blog's layout (`reader.gadgets.page_parts`: the sidebar's archive, labels and
    popular posts), computed once for every kind of page of an export: a tenth of a second
    at 10,000 posts, which post pages, listing pages and the 404 page each paid."""

    def __init__(self, blog: Blog, now: dt.datetime) -> None:
        self.blog, self.now = blog, now
        self.parts: dict[str, Any] | None = None

    def __call__(self) -> dict[str, Any]:
        if self.parts is None:
            self.parts = page_parts(self.blog, self.now)
        return self.parts


class PostPages:
    """Post pages by address, for one batch of addresses the plan says are posts."""

    def __init__(
        self,
        blog: Blog,
        renderer: Renderer,
        neighbours: dict[str, tuple[str, str]],
        now: dt.datetime,
        layout: Layout | None = None,
    ) -> None:
        self.blog, self.renderer, self.neighbours, self.now = blog, renderer, neighbours, now
        self.layout = layout or Layout(blog, now)
        self.contexts: dict[str, dict[str, Any]] = {}

    def load(self, addresses: list[str]) -> None:
        """Read every post of `addresses` (and what its page shows) in six queries."""
        wanted = [address for address in addresses if address in self.neighbours]
        posts = self._posts(wanted)
        around = self._neighbour_posts(wanted)
        threads = self._threads([post.pk for post in posts if post.comments_shown])
        reactions = batch_reactions([post.pk for post in posts])
        for post in posts:
            newer, older = (around.get(a) for a in self.neighbours[post.permalink])
            drawn = thread_html(threads.get(post.pk, []), post, self.blog)
            context = postpage.context_of(post, drawn, newer, older)
            self.contexts[post.permalink] = {**context, **reactions[post.pk]}

    def render(self, address: str) -> Answer | None:
        """The page at `address` if it was loaded (None: let the live view answer it)."""
        context = self.contexts.pop(address, None)
        if context is None:
            return None
        response = post_response(self.request(address), self.blog, context, self.layout())
        return Answer(response.status_code, response["Content-Type"], response.content)

    def request(self, address: str) -> WSGIRequest:
        return bare_request(self.renderer, self.blog, address)

    def _posts(self, addresses: list[str]) -> list[Post]:
        public = Post.objects.public(self.blog, self.now).filter(permalink__in=addresses)
        return list(public.prefetch_related("labels"))

    def _neighbour_posts(self, addresses: list[str]) -> dict[str, Post]:
        around = {a for address in addresses for a in self.neighbours[address] if a}
        found = Post.objects.public(self.blog, self.now).select_related(None)
        found = found.filter(permalink__in=around).only(*NEIGHBOUR_FIELDS)
        return {post.permalink: post for post in found}

    def _threads(self, pks: list[int]) -> dict[int, list[postpage.Node]]:
        rows = (
            Comment.objects.filter(post_id__in=pks, status__in=postpage.THREAD_STATUSES)
            .order_by("post_id", "created_at", "id")
            .values_list("post_id", *postpage.SHOWN_FIELDS)
        )
        by_post: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for post_id, *row in rows:
            by_post[post_id].append(tuple(row))
        return {pk: postpage.tree_of(found) for pk, found in by_post.items()}


class ListingPages:
    """Listing pages (home, labels, archives and their numbered pages) from the plan's rows:
    the posts of a batch's pages read in one query and prepared once, each page's window cut
    from the listing's rows exactly as `reader.listing.window` cuts it from the database."""

    def __init__(
        self, blog: Blog, renderer: Renderer, now: dt.datetime, layout: Layout | None = None
    ) -> None:
        self.blog, self.renderer, self.now = blog, renderer, now
        self.layout = layout or Layout(blog, now)
        self.posts: dict[int, Post] = {}

    def load(self, ids: Iterable[int]) -> None:
        """Read and prepare the posts `ids` not read yet, in one query: those the batch's pages
        show, not their listings' every post (a new post's export renders the home page's
        first seven, not the blog's 10,000)."""
        wanted = set(ids) - self.posts.keys()
        if not wanted:
            return
        posts = list(Post.objects.public(self.blog, self.now).filter(pk__in=wanted))
        self.posts.update((post.pk, post) for post in listing.prepare(posts))

    def render(self, path: str, found: Listing, query: str) -> Answer | None:
        """The page, or None when it is not one this path knows (let the view answer it)."""
        request = bare_request(self.renderer, self.blog, path, query)
        context = self.context(request)
        page = self.window(found, request)
        if context is None or page is None:
            return None
        older = found.older
        response = listing_response(request, self.blog, page, older, context, parts=self.layout())
        return Answer(response.status_code, response["Content-Type"], response.content)

    def context(self, request: WSGIRequest) -> dict[str, Any] | None:
        match = request.resolver_match
        assert match is not None
        name, kwargs = match.url_name, match.kwargs
        if name in ("home", "search"):
            return {}
        if name == "label" and "+" not in kwargs["names"]:
            return {"shown_labels": [kwargs["names"]], "page_title": kwargs["names"]}
        if name == "archive-month":
            span = listing.month_span(self.blog, int(kwargs["year"]), int(kwargs["month"]))
            return {"archive_start": span[0], "archive_unit": "month"} if span else None
        if name == "archive-year":
            span = listing.year_span(self.blog, int(kwargs["year"]))
            return {"archive_start": span[0], "archive_unit": "year"} if span else None
        return None

    def window(self, found: Listing, request: WSGIRequest) -> listing.Window | None:
        size = max_results(request, self.blog)
        limit = None
        if raw := request.GET.get("updated-max"):
            limit = listing.parse_timestamp(raw, self.blog)
            if limit is None:
                return None
        elif request.GET.get("updated-min"):
            return None
        rows, skipped = found.older_than(limit, size + 1)
        self.load(row[0] for row in rows[:size])  # posts sharing a time may shift the window
        posts = [self.posts[row[0]] for row in rows[:size]]
        return listing.Window(posts, len(rows) > size, skipped)


def batch_reactions(pks: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """`reader.views.reactions` of many posts in two queries. The view keeps each post's in
    the page cache, and Django's file cache lists its every file on each write: for 10,000
    posts that listing, with two queries a post, was a seventh of an export."""
    found: dict[int, dict[str, dict[str, int]]] = {
        pk: {"reactions": {}, "web_reactions": {}} for pk in pks
    }
    fediverse = Reaction.objects.filter(post_id__in=pks).values_list("post_id", "kind")
    for post_id, kind, count in fediverse.annotate(n=Count("id")):
        found[post_id]["reactions"][kind] = count
    web = Mention.objects.filter(post_id__in=pks, kind__in=web_queries.SHOWN)
    for post_id, kind, count in web.values_list("post_id", "kind").annotate(n=Count("id")):
        found[post_id]["web_reactions"][kind] = count
    return found


def bare_request(renderer: Renderer, blog: Blog, path: str, query: str = "") -> WSGIRequest:
    """What the middleware leaves on a reader's request: the blog, an anonymous reader."""
    request = WSGIRequest(renderer.environ(path, query))
    request.blog = blog  # type: ignore[attr-defined]
    request.user = AnonymousUser()
    with contextlib.suppress(Resolver404):  # the 404 page's own address: no view, no match
        request.resolver_match = resolve(request.path_info)
    return request
