"""A blog's dashboard: recent posts and their comments, comments waiting, drafts, scheduled."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.studio.conftest import NOON, url, write


def test_dashboard_shows_the_four_shelves(blog, author, make_comment, signed_in):
    published = write(blog, author, "Bean count", status=Post.Status.PUBLISHED, published_at=NOON)
    make_comment(published)
    make_comment(published, "Hold this one", status=Comment.Status.PENDING, author_name="Sam")
    write(blog, author, "Half-written thoughts")
    write(
        blog,
        author,
        "Apple day",
        status=Post.Status.SCHEDULED,
        published_at=NOON + dt.timedelta(days=9),
    )
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        page = signed_in(author).get(url("dashboard", blog.slug)).content.decode()
    assert "Bean count" in page and "1 comment" in page
    assert "Comments waiting for moderation (1)" in page and "Hold this one" in page
    assert "Half-written thoughts" in page
    assert "Apple day" in page and "Tuesday 29 October 2024" in page


def test_authors_see_only_their_own_posts(blog, author, other_author, signed_in):
    write(blog, other_author, "Alan's secret draft")
    page = signed_in(author).get(url("dashboard", blog.slug)).content.decode()
    assert "Alan&#x27;s secret draft" not in page and "No drafts." in page


def test_admins_see_everyones_posts(blog, admin, other_author, signed_in):
    write(blog, other_author, "Alan's draft")
    assert "Alan&#x27;s draft" in signed_in(admin).get(url("dashboard", blog.slug)).content.decode()


def test_dashboard_of_another_blog_is_404(other_blog, author, signed_in):
    assert signed_in(author).get(url("dashboard", other_blog.slug)).status_code == 404
    assert signed_in(author).get(url("dashboard", "no-such-blog")).status_code == 404


def test_dashboard_is_get_only_and_needs_sign_in(blog, author, signed_in):
    assert signed_in(author).post(url("dashboard", blog.slug)).status_code == 405
    assert Client().get(url("dashboard", blog.slug)).status_code == 302
