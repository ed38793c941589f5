"""A post page's newer and older posts, kept under the `history` stamp where all of them are
older than the closed months' edge (`reader.postpage.kept_neighbours`): a new post reads
none of them again, and every write that can move them shows on the next page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader import postpage
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def pager(post: Post) -> tuple[str | None, str | None]:
    """The newer and older posts' addresses as the post's page links them."""
    html = Client().get(post.permalink).content.decode()
    newer = re.search(r'href="([^"]+)" rel="prev">Newer Post', html)
    older = re.search(r'href="([^"]+)" rel="next">Older Post', html)
    return (newer and newer.group(1)), (older and older.group(1))


def read_afresh(blog: Blog, post: Post) -> tuple[str | None, str | None]:
    newer, older = postpage.neighbours(Blog.objects.get(pk=blog.pk), post)
    return (newer and newer.permalink), (older and older.permalink)


def test_every_write_that_moves_the_neighbours_shows_and_a_new_post_reads_none(
    blog: Blog, make_post: MakePost
) -> None:
    older = make_post("Older", published_at=NOON - DAY)
    post = make_post("The middle", published_at=NOON)
    newer = make_post("Newer", published_at=NOON + DAY)
    assert pager(post) == (newer.permalink, older.permalink) == read_afresh(blog, post)
    make_post("Today's", published_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    with CaptureQueriesContext(connection) as queries:
        assert pager(post) == (newer.permalink, older.permalink)
    tied = [q for q in queries.captured_queries if '"posts_post"."published_at" = ' in q["sql"]]
    assert not tied  # the neighbours were not read again
    between = make_post("Back-dated", published_at=NOON + DAY / 2)
    assert pager(post) == (between.permalink, older.permalink) == read_afresh(blog, post)
    Post.objects.filter(pk=between.pk).update(permalink="/2024/10/moved.html")  # `posts`
    bump_content_version(blog)
    assert pager(post)[0] == "/2024/10/moved.html"
    # Writes around the actions, then any write's bump (the Django admin's, an import's).
    Post.objects.filter(pk=between.pk).update(status=Post.Status.DRAFT)
    bump_content_version(blog)
    assert pager(post) == (newer.permalink, older.permalink) == read_afresh(blog, post)
    Post.objects.filter(pk=older.pk).update(published_at=NOON + DAY * 2)  # now the newest
    bump_content_version(blog)
    assert pager(post) == (newer.permalink, None) == read_afresh(blog, post)
    Post.objects.filter(pk=newer.pk).update(published_at=NOON - DAY / 2)
    bump_content_version(blog)
    assert pager(post) == (older.permalink, newer.permalink) == read_afresh(blog, post)


def test_the_newest_posts_neighbours_move_with_a_new_post(blog: Blog, make_post: MakePost) -> None:
    recent = make_post("Yesterday's", published_at=dt.datetime.now(dt.UTC) - DAY)
    post = make_post("The middle", published_at=NOON)
    assert pager(post) == (recent.permalink, None)
    newest = make_post("Today's", published_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert pager(recent) == (newest.permalink, post.permalink) == read_afresh(blog, recent)
