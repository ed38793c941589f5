"""The posts feed (whole blog or by label) and the static pages feed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.models import QuerySet
from django.http import HttpRequest

from broadsheet.blogs.models import Blog
from broadsheet.blogs.people import display_name
from broadsheet.core import markup
from broadsheet.feeds import entries, params
from broadsheet.feeds.base import BlogFeed, Window
from broadsheet.feeds.content import SNIPPET, entry_body
from broadsheet.feeds.extensions import Replies
from broadsheet.posts import identity
from broadsheet.posts.models import Label, Page, Post, PostQuerySet, label_name_list
from broadsheet.reader import tallied

UNTITLED = "(untitled)"
# The columns an entry is written from. A post's source and text are as long as its body and
# never written; the author is only a name. Each column read is converted in Python, row by row.
ENTRY_FIELDS = (
    *("blog_id", "author_id", "author_name", "title", "permalink", "body_html", "snippet"),
    *("published_at", "created_at", "updated_at", "source_id"),
    *("comments_allowed", "comments_hidden", "comment_count"),
    *("author__username", "author__first_name", "author__last_name"),
    "author__profile__display_name",
)


class PostsFeed(BlogFeed):
    """`/feeds/posts/default`, its aliases, `/feeds/posts/summary` and `.../-/LABEL/LABEL`."""

    def __init__(
        self,
        default_fmt: str = params.ATOM,
        projection: str = "default",
        labels: tuple[str, ...] = (),
    ) -> None:
        super().__init__(default_fmt)
        self.summary = projection == "summary"
        self.labels: tuple[str, ...] = labels
        self.is_topic = not labels and not self.summary

    def queryset(self) -> QuerySet[Post]:
        posts = entry_rows(self.blog, self.now, self.params.orderby)
        if self.labels:
            # Blogger's `-/A/B` means posts with both; an unknown label is an empty feed, so a
            # reader subscribed to a label that comes back later keeps its subscription.
            found = posts.with_labels(self.blog, list(self.labels))
            posts = found if found is not None else posts.none()
        return posts

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Window:
        # The blog's first page, which nearly every reader asks for, from SQL compiled once.
        size = self.params.max_results
        if not self.labels and not self.params.offset and size:
            db = router.db_for_read(Post)
            page = entries.first_page(
                db, self.blog, self.now, self.params.orderby, size, entry_rows
            )
            if page is not None:
                return Window(page, self.blog_total())
        return super().get_object(request, *args, **kwargs)

    def count(self, rows: QuerySet[Any]) -> int:
        # Counting every public post reads them all (10 ms at 100,000 on SQLite, 40 on
        # PostgreSQL; 40 ms for a label's), and even the day tallies' sum is 5,000 rows. The
        # total is kept under the blog's "counts" stamp, which moves with every public post's
        # coming, going or day and every change to a label's posts or name, in the write's
        # own transaction (`posts.stamps`); a scheduled post's time expires it. Any other
        # write (an edit, a comment, a setting) leaves it standing.
        if not self.labels:
            return self.blog_total()
        digest = hashlib.sha256("\n".join(self.labels).encode()).hexdigest()  # names are anything
        return self.kept("total:" + digest, rows.count)

    def blog_total(self) -> int:
        return self.kept("total", lambda: tallied.public_total(self.blog, self.now))

    def kept(self, name: str, read: Callable[[], int]) -> int:
        """`read()`, read again only when the blog's counts stamp moved (`tallied.kept`)."""
        stamp = tallied.stamps_of(self.blog)["counts"]
        key = (f"feed:{self.blog.lasting_id}", name, (stamp,))
        return tallied.kept(key, self.blog, self.now, read)

    def feed_path(self) -> str:
        projection = "summary" if self.summary else "default"
        quoted = "/".join(Label.quote(name) for name in self.labels)
        return f"/feeds/posts/{projection}" + (f"/-/{quoted}" if quoted else "")

    def title(self) -> str:
        return f"{self.blog.title}: {', '.join(self.labels)}" if self.labels else self.blog.title

    def subtitle(self) -> str | None:
        return self.blog.description or None

    def description(self) -> str:
        return self.blog.description or self.blog.title

    def link(self) -> str:
        if not self.labels:
            return self.url("/")
        return self.url("/search/label/" + "+".join(map(Label.quote, self.labels)))

    def item_title(self, item: Post) -> str:
        return item.title or UNTITLED

    def item_link(self, item: Post) -> str:
        return self.url(item.permalink)

    def item_guid(self, item: Post) -> str:
        return identity.post_id(self.blog, item)

    item_guid_is_permalink = False

    def item_author_name(self, item: Post) -> str:
        # The first page's posts come named (`entries.first_page`), with no author loaded.
        named: str = getattr(item, "feed_author", "")
        return named or item.display_author

    def item_pubdate(self, item: Post) -> dt.datetime | None:
        return self.local(item.published_at) if item.published_at else None

    def item_updateddate(self, item: Post) -> dt.datetime:
        return self.local(item.updated_at)

    def item_categories(self, item: Post) -> list[str]:
        names: list[str] = item.label_names  # type: ignore[attr-defined]  # queryset()
        return names

    def item_comments(self, item: Post) -> str | None:
        return self.url(item.permalink + "#comments") if item.comments_shown else None

    def item_extra_kwargs(self, item: Post) -> dict[str, Any]:
        link = self.url(item.permalink)
        mode = content_mode(self.blog, self.summary)
        return {
            **super().item_extra_kwargs(item),
            "body": entry_body(item.body_html, item.snippet, mode, link),
            "replies": self.replies(item, link),
        }

    def replies(self, item: Post, link: str) -> Replies | None:
        # A post whose comments are hidden has no count and no comment feed to point at.
        if not item.comments_shown:
            return None
        feed_url = self.url(f"/feeds/{item.pk}/comments/default")
        return Replies(item.comment_count, feed_url, link + "#comments")


class PagesFeed(BlogFeed):
    """`/feeds/pages/default`: the blog's published static pages."""

    def queryset(self) -> QuerySet[Page]:
        order = "-updated_at" if self.params.orderby == "updated" else "-published_at"
        pages = Page.objects.filter(blog=self.blog, status=Page.Status.PUBLISHED)
        return pages.select_related("author__profile").order_by(order, "-id")

    def feed_path(self) -> str:
        return "/feeds/pages/default"

    def title(self) -> str:
        return f"{self.blog.title}: Pages"

    def description(self) -> str:
        return self.blog.description or self.blog.title

    def link(self) -> str:
        return self.url("/")

    def item_title(self, item: Page) -> str:
        return item.title or UNTITLED

    def item_link(self, item: Page) -> str:
        return self.url(item.get_absolute_url())

    def item_guid(self, item: Page) -> str:
        return identity.page_id(self.blog, item)

    item_guid_is_permalink = False

    def item_author_name(self, item: Page) -> str:
        return display_name(item.author) or self.blog.title

    def item_pubdate(self, item: Page) -> dt.datetime | None:
        return self.local(item.published_at) if item.published_at else None

    def item_updateddate(self, item: Page) -> dt.datetime:
        return self.local(item.updated_at)

    def item_extra_kwargs(self, item: Page) -> dict[str, Any]:
        link = self.url(item.get_absolute_url())
        mode = content_mode(self.blog, summary=False)
        snippet = markup.snippet(item.body_html)
        body = entry_body(item.body_html, snippet, mode, link)
        return {**super().item_extra_kwargs(item), "body": body}


def entry_rows(blog: Blog, now: dt.datetime, order: str) -> PostQuerySet:
    """The blog's public posts in the feed's order, with what an entry shows of each."""
    posts = Post.objects.public(blog, now).only(*ENTRY_FIELDS)
    posts = posts.annotate(label_names=label_name_list())
    return posts.order_by("-updated_at", "-id") if order == "updated" else posts


def content_mode(blog: Blog, summary: bool) -> str:
    """The blog's feed setting, or the short summary that `/feeds/posts/summary` asks for;
    a blog that allows no content gives none at either address."""
    if summary and blog.feed_content != Blog.FeedContent.NONE:
        return SNIPPET
    return str(blog.feed_content)
