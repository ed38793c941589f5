"""The one base of every feed: Django's syndication `Feed`, made per request and per blog.

A subclass says which rows it lists (`queryset`), how to name the feed, and how to describe
one row; this base reads Blogger's query parameters, picks the writer for the format, cuts
the requested page, and puts the numbers, links and ids in the form every writer needs. Feed
instances keep the request's state, so each request makes its own.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.feedgenerator import SyndicationFeed
from django.utils.http import http_date
from django.utils.translation import get_language

from broadsheet.blogs import hosts
from broadsheet.blogs.access import reader_blog
from broadsheet.feeds import params, websub
from broadsheet.feeds.atom import AtomFeed
from broadsheet.feeds.extensions import Paging
from broadsheet.feeds.gdata import BadCallback, GDataJson, GDataScript, callback_name
from broadsheet.feeds.jsonfeed import JsonFeed
from broadsheet.feeds.rss import RssFeed
from broadsheet.posts import identity

WRITERS: dict[str, type[SyndicationFeed]] = {
    params.ATOM: AtomFeed,
    params.RSS: RssFeed,
    params.JSONFEED: JsonFeed,
    params.GDATA_JSON: GDataJson,
    params.GDATA_SCRIPT: GDataScript,
}


BAD_CALLBACK = (
    "callback must be a JavaScript name (letters, digits, _ and $, names joined by dots), "
    "at most 100 characters."
)


@dataclass
class Window:
    """One page of a feed's rows, and how many rows the whole feed has."""

    items: list[Any]
    total: int


class BlogFeed(Feed):
    # Overridden by feeds that a WebSub hub is told about (see websub.py).
    is_topic = False

    def __init__(self, default_fmt: str = params.ATOM) -> None:
        self.default_fmt = default_fmt

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.request = request
        self.blog = reader_blog(request)
        try:
            self.params = params.parse(request, self.default_fmt)
        except params.UnsupportedFormat:
            return HttpResponseBadRequest(
                "Unsupported alt: use atom, rss, json, json-in-script or jsonfeed.",
                content_type="text/plain",
            )
        try:
            script = self.params.fmt == params.GDATA_SCRIPT
            self.callback = callback_name(request.GET.get("callback")) if script else ""
        except BadCallback:
            return JsonResponse({"error": BAD_CALLBACK}, status=400)
        self.feed_type = WRITERS[self.params.fmt]
        self.language = self.blog.language
        self.origin = hosts.origin(self.blog, request)
        self.now = timezone.now()
        response = self.answer(request, *args, **kwargs)
        # A JSON or script answer must never be read as anything else (an HTML page).
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def answer(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """What Django's `Feed.__call__` answers, written in memory first: its writers hand
        the response some 1,500 small writes a feed, each encoded and kept on its own."""
        feed = self.get_feed(self.get_object(request, *args, **kwargs), request)
        out = io.StringIO()
        feed.write(out, "utf-8")
        content_type = feed.content_type  # type: ignore[attr-defined]  # each writer sets its own
        response = HttpResponse(out.getvalue(), content_type=content_type)
        # Every feed here dates its entries: ConditionalGetMiddleware answers 304s from it.
        response.headers["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
        return response

    # Hooks for subclasses.

    def queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def prepare(self, items: list[Any]) -> None:
        """Fetch what the entries need in bulk (labels, say) before they are written."""

    def feed_path(self) -> str:
        """The feed's address without query: the stable part of its id."""
        raise NotImplementedError

    # The Feed API.

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Window:
        rows = self.queryset()
        start = self.params.offset
        items = list(rows[start : start + self.params.max_results])
        self.prepare(items)
        return Window(items, self.count(rows))

    def count(self, rows: QuerySet[Any]) -> int:
        """How many rows the whole feed has (openSearch:totalResults)."""
        return rows.count()

    def items(self, obj: Window) -> list[Any]:
        return obj.items

    def feed_guid(self) -> str:
        return identity.feed_id(self.blog, self.feed_path())

    def feed_url(self) -> str:
        if self.hub():
            return websub.topic_url(self.blog, self.params.fmt)
        return self.origin + self.request.get_full_path()

    def hub(self) -> str:
        topic = self.is_topic and self.params.fmt in websub.TOPIC_PATHS
        return websub.hub_url() if topic and params.is_plain(self.request) else ""

    def feed_extra_kwargs(self, obj: Window) -> dict[str, Any]:
        return {
            "hub": self.hub(),
            "paging": self.paging(obj),
            "updated_fallback": self.local(self.blog.created_at),
            "callback": self.callback,
        }

    def get_feed(self, obj: Window, request: HttpRequest) -> SyndicationFeed:
        """What Django's `Feed.get_feed` builds, with our hooks called directly: it looks
        every hook up by name and inspects its signature, 15 times an entry. Our links are
        absolute already, so Django's `add_domain` left them as they are."""
        feed = self.feed_type(
            title=self.title(),
            subtitle=self.subtitle(),
            link=self.link(),
            description=self.description(),
            language=self.language or get_language(),
            feed_url=self.feed_url(),
            author_name=None,
            author_link=None,
            author_email=None,
            categories=None,
            feed_copyright=None,
            feed_guid=self.feed_guid(),
            ttl=None,
            stylesheets=None,
            **self.feed_extra_kwargs(obj),
        )
        for item in obj.items:
            feed.add_item(**self.entry(item))
        return feed

    def entry(self, item: Any) -> dict[str, Any]:
        """One entry's `add_item` arguments, as Django's `get_feed` gathers them."""
        author_name = self.item_author_name(item)
        return {
            "title": self.item_title(item),
            "link": self.item_link(item),
            "description": self.item_description(item),
            "unique_id": self.item_guid(item),
            "unique_id_is_permalink": self.item_guid_is_permalink,
            "enclosures": [],
            "pubdate": self.item_pubdate(item),
            "updateddate": self.item_updateddate(item),
            "author_name": author_name,
            "author_email": None,
            "author_link": self.item_author_link(item) if author_name is not None else None,
            "comments": self.item_comments(item),
            "categories": self.item_categories(item),
            "item_copyright": None,
            **self.item_extra_kwargs(item),
        }

    # What Django's `get_feed` takes as None for a hook a feed does not define.

    item_guid_is_permalink: bool | None = None

    def subtitle(self) -> str | None:
        return None

    def item_author_link(self, item: Any) -> str | None:
        return None

    def item_comments(self, item: Any) -> str | None:
        return None

    def item_categories(self, item: Any) -> list[str] | None:
        return None

    def item_description(self, item: Any) -> str | None:  # type: ignore[override]
        # None keeps Django's writers from putting out a description or summary of their
        # own; ours put the `body` where each format wants it (content.py).
        return None

    def item_extra_kwargs(self, item: Any) -> dict[str, Any]:
        return {"body": None, "replies": None, "in_reply_to": None}

    # Helpers for subclasses.

    def url(self, path: str) -> str:
        return self.origin + path

    def local(self, value: dt.datetime) -> dt.datetime:
        """Times in the blog's own zone, with its offset, as Blogger writes them."""
        return timezone.localtime(value, self.blog.tzinfo)

    def paging(self, obj: Window) -> Paging:
        shown_to = self.params.offset + len(obj.items)
        next_url = self.page_url(shown_to + 1) if shown_to < obj.total and obj.items else None
        return Paging(obj.total, self.params.start_index, self.params.max_results, next_url)

    def page_url(self, start_index: int) -> str:
        query = self.request.GET.copy()
        query["start-index"] = str(start_index)
        query["max-results"] = str(self.params.max_results)
        return self.url(escape_uri_path(self.request.path)) + "?" + urlencode(sorted(query.items()))
