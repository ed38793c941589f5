"""Atom and RSS at Blogger's feed addresses, built on Django's syndication framework.

The foundation serves the posts feed and each post's comment feed, so that the links every page
carries lead somewhere; the feeds issue widens them (labels, paging, summaries, JSON Feed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from broadsheet.reader.access import reader_blog

MAX_RESULTS = 25


class PostsFeed(Feed):
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.blog = reader_blog(request)
        rss = request.GET.get("alt") == "rss" or request.path == "/rss.xml"
        self.feed_type = Rss201rev2Feed if rss else Atom1Feed
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return self.blog.title

    def subtitle(self) -> str:
        return self.blog.description

    description = subtitle

    def link(self) -> str:
        return "/"

    def items(self) -> list[Post]:
        return list(Post.objects.public(self.blog)[:MAX_RESULTS].prefetch_related("labels"))

    def item_title(self, item: Post) -> str:
        return item.title or "(untitled)"

    def item_description(self, item: Post) -> str:
        return item.body_html

    def item_link(self, item: Post) -> str:
        return item.permalink

    def item_author_name(self, item: Post) -> str:
        return item.display_author

    def item_pubdate(self, item: Post) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Post) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Post) -> list[str]:
        return [label.name for label in item.labels.all()]

    def item_guid(self, item: Post) -> str:
        return f"tag:broadsheet,{item.blog_id}:post-{item.pk}"

    item_guid_is_permalink = False


class PostCommentsFeed(Feed):
    feed_type: type[SyndicationFeed] = Atom1Feed

    def get_object(self, request: HttpRequest, post_id: int) -> Post:
        self.blog: Blog = reader_blog(request)
        post = get_object_or_404(Post.objects.public(self.blog), pk=post_id)
        if request.GET.get("alt") == "rss":
            self.feed_type = Rss201rev2Feed
        return post

    def title(self, obj: Post) -> str:
        return f"{self.blog.title}: Comments on {obj.title or '(untitled)'}"

    def link(self, obj: Post) -> str:
        return obj.permalink

    def description(self, obj: Post) -> str:
        return f"Comments on {obj.title}"

    def items(self, obj: Post) -> list[Comment]:
        return list(
            obj.comments.filter(status=Comment.Status.PUBLISHED).order_by("-created_at")[
                :MAX_RESULTS
            ]
        )

    def item_title(self, item: Comment) -> str:
        return item.body[:60]

    def item_description(self, item: Comment) -> str:
        from broadsheet.reader.templatetags.reader_tags import comment_html

        return comment_html(item.body)

    def item_link(self, item: Comment) -> str:
        stamp = int(item.created_at.timestamp() * 1000)
        return f"{item.post.permalink}?showComment={stamp}#{item.anchor}"

    def item_author_name(self, item: Comment) -> str:
        return item.display_name

    def item_pubdate(self, item: Comment) -> dt.datetime:
        return item.created_at

    def item_guid(self, item: Comment) -> str:
        return f"tag:broadsheet,{item.post.blog_id}:comment-{item.pk}"

    item_guid_is_permalink = False


# Feed objects keep per-request state (the blog, the format), so each request gets its own.
def posts_feed(request: HttpRequest) -> HttpResponse:
    return PostsFeed()(request)


def post_comments_feed(request: HttpRequest, post_id: int) -> HttpResponse:
    return PostCommentsFeed()(request, post_id=post_id)
