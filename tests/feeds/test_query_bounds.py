"""Every feed and sitemap runs the same number of queries with 1 post or 100."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Page, Post
from tests.feeds.conftest import ManyPosts

pytestmark = pytest.mark.django_db

PATHS = [
    "/feeds/posts/default?max-results=500",
    "/feeds/posts/default?alt=rss&max-results=500",
    "/feed.json?max-results=500",
    "/feeds/posts/summary?max-results=500",
    "/feeds/posts/default/-/Garden?max-results=500",
    "/feeds/posts/default?orderby=updated&max-results=500",
    "/feeds/comments/default?max-results=500",
    "/feeds/comments/default?alt=rss&max-results=500",
    "/feeds/pages/default",
    "/sitemap.xml",
    "/sitemap.xml?page=1",
    "/sitemap-posts-1.xml",
    "/sitemap-pages.xml",
    "/sitemap-labels.xml",
    "/robots.txt",
    "POST_COMMENTS",
]


def fill(blog: Blog, many_posts: ManyPosts, n: int) -> Post:
    """n posts, each with a comment (all but the first answering the first), and n pages;
    written in bulk. Returns the newest post."""
    posts = many_posts(n)
    first = Comment.objects.create(post=posts[0], body="First.", status=Comment.Status.PUBLISHED)
    Comment.objects.bulk_create(
        Comment(
            post=post,
            parent=first,
            author_name="Reader",
            author_url="https://reader.example/",
            body="Nice.",
            status=Comment.Status.PUBLISHED,
        )
        for post in posts
    )
    Page.objects.bulk_create(
        Page(
            blog=blog,
            title=f"Page {i}",
            slug=f"page-{i}",
            body_html="<p>Hi</p>",
            status="published",
        )
        for i in range(n)
    )
    bump_content_version(blog)  # as the actions do after a write (bulk writes skip them)
    return posts[0]


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", PATHS)
def test_queries_do_not_grow_with_posts(
    client: Client, blog: Blog, many_posts: ManyPosts, path: str
) -> None:
    first = fill(blog, many_posts, 1)
    target = f"/feeds/{first.pk}/comments/default" if path == "POST_COMMENTS" else path
    small = count_queries(client, target)
    Post.objects.all().delete()
    Page.objects.all().delete()
    first = fill(blog, many_posts, 100)
    target = f"/feeds/{first.pk}/comments/default" if path == "POST_COMMENTS" else path
    large = count_queries(client, target)
    assert large == small, f"{target}: {small} queries with 1 post, {large} with 100"
    assert large <= 6, target
