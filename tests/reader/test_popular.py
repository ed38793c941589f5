"""The Popular Posts gadget: the most-read public posts of the last 30 days, kept an hour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from tests.conftest import MakePost
from tests.stats.conftest import fold_in, spooled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    store.clear()


def gadget(client: Client) -> str:
    html = client.get("/").content.decode()
    start = html.find('<section class="widget popular-posts"')
    return html[start : html.index("</section>", start)] if start >= 0 else ""


def test_the_most_read_post_comes_first_with_its_snippet_and_image(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("Leeks", "Leeks in rows.")
    beans = make_post("Beans", 'Runner beans climb.\n\n![a bean](/media/bean.jpg "Bean")')
    onions = make_post("Onions", "Sets in spring.")
    fold_in([spooled(blog.pk, beans.permalink)] * 3 + [spooled(blog.pk, onions.permalink)])
    shown = gadget(client)
    assert "Popular Posts" in shown
    assert shown.index("Beans") < shown.index("Onions") and "Leeks" not in shown
    assert "Runner beans climb." in shown
    assert 'src="/media/bean.jpg"' in shown


def test_no_reads_no_gadget(client: Client, make_post: MakePost) -> None:
    make_post()
    assert gadget(client) == ""


def test_reads_older_than_thirty_days_do_not_count(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    old, new = make_post("Old favourite"), make_post("New")
    long_ago = (timezone.now() - dt.timedelta(days=40)).timestamp()
    fold_in(
        [spooled(blog.pk, old.permalink, when=long_ago)] * 5 + [spooled(blog.pk, new.permalink)]
    )
    shown = gadget(client)
    assert "New" in shown and "Old favourite" not in shown


def test_a_post_taken_down_leaves_the_gadget_at_once(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    post = make_post("Withdrawn")
    fold_in([spooled(blog.pk, post.permalink)])
    assert "Withdrawn" in gadget(client)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    Blog.objects.filter(pk=blog.pk).update(sidebar_version=blog.sidebar_version + 1)
    assert "Withdrawn" not in gadget(client)


def test_the_ranking_is_kept_for_an_hour_not_recounted_per_page(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    first, second = make_post("First"), make_post("Second")
    fold_in([spooled(blog.pk, first.permalink)])
    assert "Second" not in gadget(client)
    fold_in([spooled(blog.pk, second.permalink)] * 2)
    assert "Second" not in gadget(client)  # the same hour's ranking


def test_a_post_write_that_moves_nothing_shown_keeps_the_ranking_and_a_retitle_shows(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    first, second = make_post("First"), make_post("Second")
    fold_in([spooled(blog.pk, first.permalink)])
    assert "First" in gadget(client)
    fold_in([spooled(blog.pk, second.permalink)] * 2)
    save_post(second, labels=())  # a write: both versions move, nothing it shows
    assert "Second" not in gadget(client)  # the same hour's ranking, not asked again
    second.title = "Second, retitled"
    save_post(second, labels=())
    assert "Second, retitled" in gadget(client)  # asked again: now the most read
