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

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.urls import resolve

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from broadsheet.publish.render import Answer, Renderer
from broadsheet.reader import postpage
from broadsheet.reader.gadgets import page_parts
from broadsheet.reader.views import post_response

NEIGHBOUR_FIELDS = ("title", "permalink", "published_at", "status")  # as postpage.neighbours


class PostPages:
    """Post pages by address, for one batch of addresses the plan says are posts."""

    def __init__(
        self,
        blog: Blog,
        renderer: Renderer,
        neighbours: dict[str, tuple[str, str]],
        now: dt.datetime,
    ) -> None:
        self.blog, self.renderer, self.neighbours, self.now = blog, renderer, neighbours, now
        self.parts: dict[str, Any] | None = None
        self.contexts: dict[str, dict[str, Any]] = {}

    def load(self, addresses: list[str]) -> None:
        """Read every post of `addresses` (and what its page shows) in four queries."""
        wanted = [address for address in addresses if address in self.neighbours]
        posts = self._posts(wanted)
        around = self._neighbour_posts(wanted)
        threads = self._threads([post.pk for post in posts if post.comments_shown])
        for post in posts:
            newer, older = (around.get(a) for a in self.neighbours[post.permalink])
            comments = threads.get(post.pk, [])
            self.contexts[post.permalink] = postpage.context_of(post, comments, newer, older)

    def render(self, address: str) -> Answer | None:
        """The page at `address` if it was loaded (None: let the live view answer it)."""
        context = self.contexts.pop(address, None)
        if context is None:
            return None
        if self.parts is None:
            self.parts = page_parts(self.blog, self.now)
        response = post_response(self.request(address), self.blog, context, self.parts)
        return Answer(response.status_code, response["Content-Type"], response.content)

    def request(self, address: str) -> WSGIRequest:
        # What the middleware leaves on a reader's request: the blog, an anonymous reader.
        request = WSGIRequest(self.renderer.environ(address, ""))
        request.blog = self.blog  # type: ignore[attr-defined]
        request.user = AnonymousUser()
        request.resolver_match = resolve(request.path_info)
        return request

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
