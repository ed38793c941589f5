"""Feeds, sitemaps and robots.txt rendered without the request path: the feeds app's own
classes and views, handed a bare request and, for the per-post comment feeds, rows read in
bulk.

Through the WSGI handler one post's comment feed cost about 17 ms (the 2,000 of a 2,000-post
blog were 16 % of its export): the resolver, the middleware and two queries, for a feed that
is mostly empty. Here a batch's comment feeds are read in two queries (their posts, then all
their published comments) and each is written by `feeds.comments.PostCommentsFeed` itself,
so its bytes are the live feed's; the blog's own feeds, sitemaps and 404 page are few, so
their views are called directly, skipping only the handler and middleware, which change no
body (and which a fresh process would otherwise load for them alone: a fifth of a second).
tests/publish/test_bulkfeeds.py holds every one of them to the live site's bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from django.db import connections
from django.db.models import Exists, F, Max, OuterRef
from django.db.models import Window as Over
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse

from broadsheet.blogs import hosts
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.feeds import sitemaps
from broadsheet.feeds.base import Window
from broadsheet.feeds.comments import PostCommentsFeed, with_parent_id
from broadsheet.feeds.views import XML
from broadsheet.posts.models import Label, Post
from broadsheet.publish.bulk import Layout, bare_request
from broadsheet.publish.listings import aware
from broadsheet.publish.plan import FIXED, Plan, label_count
from broadsheet.publish.render import Answer, Renderer
from broadsheet.reader.views import blog_render

COMMENT_FEED = re.compile(r"/feeds/([0-9]{1,18})/comments/default")
SITEMAP_PAGE = re.compile(r"/sitemap-posts-([0-9]{1,9})\.xml")
LABELS_PAGE = re.compile(r"/sitemap-labels-([1-9][0-9]{0,8})\.xml")  # the second file on
LABELS = "/search/label/"
NOT_FOUND = "/404.html"  # the reader's 404 handler's page, not a view's


class PreparedComments(PostCommentsFeed):
    """One post's comment feed from its post and comments read beforehand."""

    def __init__(self, post: Post, comments: list[Comment]) -> None:
        super().__init__(post.pk)
        self.post, self.rows = post, comments

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Window:
        start = self.params.offset
        return Window(self.rows[start : start + self.params.max_results], len(self.rows))


class FeedFiles:
    """The comment feeds of one batch of addresses, and the blog's fixed files."""

    def __init__(
        self, blog: Blog, renderer: Renderer, now: dt.datetime, plan: Plan, layout: Layout
    ) -> None:
        self.blog, self.renderer, self.now, self.plan = blog, renderer, now, plan
        self.layout = layout
        self.feeds: dict[str, PreparedComments] = {}

    def load(self, addresses: list[str]) -> None:
        """Read the posts and comments of the comment feeds among `addresses`, in two queries."""
        wanted = {int(m[1]): a for a in addresses if (m := COMMENT_FEED.fullmatch(a))}
        if not wanted:
            return
        public = Post.objects.public(self.blog, self.now).filter(pk__in=wanted)
        # A post whose comments are hidden has no feed: the view answers its 404.
        posts = {post.pk: post for post in public if post.comments_shown}
        by_post: dict[int, list[Comment]] = defaultdict(list)
        rows = Comment.objects.filter(post_id__in=posts, status=Comment.Status.PUBLISHED)
        for comment in with_parent_id(rows).order_by("post_id", "-created_at", "-id"):
            comment.post = posts[comment.post_id]
            by_post[comment.post_id].append(comment)
        for pk, post in posts.items():
            self.feeds[wanted[pk]] = PreparedComments(post, by_post[pk])

    def render(self, address: str) -> Answer | None:
        """The file at `address` if it is one of these (None: let the request path answer)."""
        feed = self.feeds.pop(address, None)
        if feed is not None:
            return _answer(feed(bare_request(self.renderer, self.blog, address)))
        if numbered := SITEMAP_PAGE.fullmatch(address):
            request = bare_request(self.renderer, self.blog, address)
            return self.posts_sitemap(request, int(numbered[1]))
        if (labels := LABELS_PAGE.fullmatch(address)) and labels[1] != "1":
            return self.label_sitemap(
                bare_request(self.renderer, self.blog, address), int(labels[1])
            )
        if address not in FIXED:
            return None
        request = bare_request(self.renderer, self.blog, address)
        if address == NOT_FOUND:  # `reader.views.not_found` for a reader, with the layout made
            page = "reader/not_found.html"
            return _answer(blog_render(request, self.blog, page, {}, 404, self.layout()))
        if address == "/sitemap-labels.xml":
            return self.label_sitemap(request, 1)
        if address == "/sitemap.xml":
            return self.sitemap_index(request)
        match = request.resolver_match
        assert match is not None
        return _answer(match.func(request, *match.args, **match.kwargs))

    def posts_sitemap(self, request: HttpRequest, number: int) -> Answer:
        """`feeds.views.sitemap_posts` from the plan's rows, which hold what its query reads."""
        origin = hosts.origin(self.blog, request)
        size = sitemaps.PostSitemap.limit
        if self.plan.partial:  # a plan of the changes holds not every post: read the page's
            listed = Post.objects.public(self.blog, self.now).exclude(robots__in=sitemaps.NOINDEX)
            ascending = listed.order_by("published_at", "pk").values_list("permalink", "updated_at")
            shown = list(ascending[(number - 1) * size : number * size])
        else:
            shown = self.plan.sitemap[(number - 1) * size : number * size]
        entries = [sitemaps.Entry(origin + address, edit) for address, edit in shown]
        return Answer(200, XML, sitemaps.write("urlset", "url", entries).encode())

    def label_sitemap(self, request: HttpRequest, number: int) -> Answer:
        """`feeds.sitemaps.LabelSitemap`'s `number`th file from the plan's label listings: the
        view's query joins every label to every public post twice (its count, its page), a
        quarter of a second at 10,000 posts, for what the plan already holds."""
        origin = hosts.origin(self.blog, request)
        size = sitemaps.LabelSitemap.limit
        cut = slice((number - 1) * size, number * size)
        if self.plan.partial:  # a plan of the changes holds not every post: one grouped query
            return Answer(200, XML, self.label_sitemap_read(origin, cut).encode())
        # The database's order of names, as the view's `order_by("name")` (collations differ).
        names = Label.objects.filter(blog=self.blog).order_by("name").values_list("name", flat=True)
        entries = [
            sitemaps.Entry(origin + LABELS + Label.quote(name), max(row[2] for row in found.rows))
            for name in names
            if (found := self.plan.listings.get(LABELS + name)) is not None and found.rows
        ]
        body = sitemaps.write("urlset", "url", entries[cut])
        return Answer(200, XML, body.encode())

    def sitemap_index(self, request: HttpRequest) -> Answer:
        """`feeds.sitemaps.index` from the plan's rows, which hold every post's last edit the
        view would read again."""
        if self.plan.partial:  # a plan of the changes holds not every post: read their edits
            found = self.sitemap_index_read(hosts.origin(self.blog, request))
            return Answer(200, XML, sitemaps.write("sitemapindex", "sitemap", found).encode())
        noindex, labels = self.plan.noindex, self.plan.listings
        rows = [row for row in labels["/search"].rows if row[0] not in noindex]
        labelled = {
            row[0] for key, found in labels.items() if key.startswith(LABELS) for row in found.rows
        }
        latest = max((row[2] for row in rows if row[0] in labelled), default=None)
        pages = sitemaps.latest_page(self.blog, self.now)
        origin = hosts.origin(self.blog, request)
        files = sitemaps.label_pages(label_count(self.plan))
        entries = sitemaps.index_of(origin, [row[2] for row in rows], pages, latest, files)
        return Answer(200, XML, sitemaps.write("sitemapindex", "sitemap", entries).encode())

    def label_sitemap_read(self, origin: str, cut: slice) -> str:
        """`feeds.sitemaps.LabelSitemap`'s entries, each label's newest public edit grouped
        on the labels' links (its own query joins and groups the labels' every column too,
        three times slower at 10,000 posts)."""
        public = Post.objects.public(self.blog, self.now).order_by().values("pk")
        links = Post.labels.through.objects.filter(post__in=public).values_list("label_id")
        newest: dict[int, dt.datetime] = dict(links.annotate(at=Max("post__updated_at")))
        names = Label.objects.filter(blog=self.blog).order_by("name").values_list("pk", "name")
        entries = [
            sitemaps.Entry(origin + LABELS + Label.quote(name), newest[pk])
            for pk, name in names
            if pk in newest
        ]
        return sitemaps.write("urlset", "url", entries[cut])

    def sitemap_index_read(self, origin: str) -> list[sitemaps.Entry]:
        """`feeds.sitemaps.index` in one query grouped by page of posts, which the database
        answers in 68 rows at 10,000 posts, not 10,000 edits to convert (and a second scan
        for the labelled posts' latest): 0.02 s against 0.04 s (RESULTS.md, issue 19,
        session 10). The same rows and order as the view's (`public`'s order, reversed)."""
        listed = sitemaps.PostSitemap(self.blog, self.now).items().order_by()
        oldest_first = Over(RowNumber(), order_by=[F("published_at").asc(), F("pk").asc()])
        labelled = Exists(Post.labels.through.objects.filter(post_id=OuterRef("pk")))
        rows = listed.annotate(n=oldest_first, labelled=labelled)
        sql, params = rows.values_list("updated_at", "n", "labelled").query.sql_with_params()
        grouped = (
            'SELECT ("n" - 1) / %s AS page, MAX("updated_at"),'  # noqa: S608 - the ORM's SQL
            ' MAX(CASE WHEN "labelled" THEN "updated_at" END)'
            f" FROM ({sql}) AS numbered GROUP BY page ORDER BY page"
        )
        with connections[listed.db].cursor() as cursor:
            cursor.execute(grouped, (sitemaps.PostSitemap.limit, *params))
            found = cursor.fetchall()
        newest = [aware(latest) for _, latest, _ in found]
        tagged = max((aware(latest) for *_, latest in found if latest is not None), default=None)
        pages = sitemaps.latest_page(self.blog, self.now)
        public = Post.objects.public(self.blog, self.now)
        files = sitemaps.label_files(self.blog, public) if tagged else 0
        return sitemaps.index_of_pages(origin, newest, pages, tagged, files)


def _answer(response: HttpResponse) -> Answer:
    location = response.get("Location", "")
    return Answer(response.status_code, response["Content-Type"], response.content, location)
