"""Comment feeds: the whole blog's (`/feeds/comments/default`) and one post's
(`/feeds/POSTID/comments/default`). Published comments on public posts only.

Comment text is plain text from anyone. It is escaped and linkified exactly as on the post
page (the stored `Comment.body_html`), and titles are that text, cut short, never markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404
from django.utils.html import escape

from broadsheet.comments.models import Comment
from broadsheet.core import markup
from broadsheet.core.weblinks import web_url
from broadsheet.feeds.base import BlogFeed
from broadsheet.feeds.content import CONTENT, Body
from broadsheet.feeds.extensions import InReplyTo
from broadsheet.feeds.posts import UNTITLED
from broadsheet.posts import identity
from broadsheet.posts.models import Post
from broadsheet.reader.pagecache import remember

TITLE_LENGTH = 60


class CommentsFeed(BlogFeed):
    """Every published comment on the blog's public posts, newest first."""

    def queryset(self) -> QuerySet[Comment]:
        # Each comment's post checked as the newest comments are walked: `post__in` made
        # SQLite list every public post first, reading each post's row (0.6 s at 100,000).
        public = shown(Post.objects.public(self.blog, self.now)).filter(pk=OuterRef("post_id"))
        comments = Comment.objects.filter(
            Exists(public.order_by().values("pk")), status=Comment.Status.PUBLISHED
        )
        return with_parent_id(comments.select_related("post")).order_by("-created_at", "-id")

    def count(self, rows: QuerySet[Any]) -> int:
        # Counting them all walks every published comment (0.4 s at 100,000); the number
        # moves only with a write to the blog (comments' included) or a scheduled post's time.
        return remember(self.blog, "public-comments", rows.count, self.now)

    def feed_path(self) -> str:
        return "/feeds/comments/default"

    def title(self) -> str:
        return f"{self.blog.title}: Comments"

    def description(self) -> str:
        return f"Comments on {self.blog.title}"

    def link(self) -> str:
        return self.url("/")

    def item_title(self, item: Comment) -> str:
        # Escaped first so that snippet(), which reads HTML, sees the text as text.
        return markup.snippet(escape(item.body), TITLE_LENGTH) or item.display_name

    def item_link(self, item: Comment) -> str:
        # Blogger's address of one comment: the post, `showComment`, and the comment's anchor.
        query = item.show_comment
        return self.url(item.post.permalink + query)

    def item_guid(self, item: Comment) -> str:
        return identity.comment_id(self.blog, item.post, item.pk, item.source_id)

    item_guid_is_permalink = False

    def item_author_name(self, item: Comment) -> str:
        return item.display_name

    def item_author_link(self, item: Comment) -> str | None:
        return web_url(item.author_url) or None

    def item_pubdate(self, item: Comment) -> dt.datetime:
        return self.local(item.created_at)

    def item_updateddate(self, item: Comment) -> dt.datetime:
        # Comments are not edited, so an entry dates from when it was written, not from when
        # its row last changed (an import sets `updated_at` to the day of the import).
        return self.local(item.created_at)

    def item_extra_kwargs(self, item: Comment) -> dict[str, Any]:
        return {
            **super().item_extra_kwargs(item),
            "body": Body(CONTENT, item.shown_body),
            "in_reply_to": self.answered(item),
        }

    def answered(self, item: Comment) -> InReplyTo:
        post_url = self.url(item.post.permalink)
        if item.parent_id is None:
            return InReplyTo(identity.post_id(self.blog, item.post), post_url)
        parent_source = getattr(item, "parent_source_id", None)
        ref = identity.comment_id(self.blog, item.post, item.parent_id, parent_source)
        return InReplyTo(ref, f"{post_url}#c{item.parent_id}")


class PostCommentsFeed(CommentsFeed):
    """One public post's published comments."""

    def __init__(self, post_id: int) -> None:
        super().__init__()
        self.post_id = post_id

    def queryset(self) -> QuerySet[Comment]:
        post = Post.objects.public(self.blog, self.now).filter(pk=self.post_id).first()
        if post is None or not post.comments_shown:
            raise Http404("No such post, or its comments are hidden.")
        self.post = post
        comments = post.comments.filter(status=Comment.Status.PUBLISHED)
        return with_parent_id(comments).order_by("-created_at", "-id")

    def count(self, rows: QuerySet[Any]) -> int:
        return rows.count()  # one post's comments, from their own index

    def feed_guid(self) -> str:
        # The post's address, not its database id, which an export and import would change.
        return identity.post_id(self.blog, self.post) + "#comments"

    def title(self) -> str:
        return f"{self.blog.title}: Comments on {self.post.title or UNTITLED}"

    def description(self) -> str:
        return f"Comments on {self.post.title or UNTITLED}"

    def link(self) -> str:
        return self.url(self.post.permalink)


def shown(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Leave out the posts whose comments are hidden (Blogger's "Don't allow, hide
    existing"): their comments are in no feed, as on no page."""
    return posts.exclude(comments_hidden=True, comments_allowed=False)


def with_parent_id(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """The kept entry id of the comment each one answers, read in the same query: a reply's
    `thr:in-reply-to` must name the id its parent's own entry has."""
    return comments.annotate(parent_source_id=F("parent__source_id"))
