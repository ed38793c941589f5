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
from broadsheet.stats.models import DailyViews
from broadsheet.stats.queries import _ranked, orm_ranked
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


def test_the_written_out_ranking_agrees_with_the_orms(
    blog: Blog, other_blog: Blog, make_post: MakePost
) -> None:
    now = timezone.now()
    posts = [make_post(f"Post {n}", published_at=now - dt.timedelta(days=n)) for n in range(6)]
    draft = make_post("A draft", status=Post.Status.DRAFT, published_at=None)
    to_come = make_post("To come", published_at=now + dt.timedelta(hours=1))
    elsewhere = make_post("Elsewhere", target=other_blog, published_at=now)
    today = now.astimezone(blog.tzinfo).date()
    for n, post in enumerate([*posts, draft, to_come]):
        for back in (0, 5, 20, 45):  # inside and outside seven and thirty days
            views = (n * 7 + back) % 5 + 1  # ties among them
            DailyViews.objects.create(
                blog=blog, day=today - dt.timedelta(days=back), post=post, views=views
            )
    DailyViews.objects.create(blog=other_blog, day=today, post=elsewhere, views=99)
    DailyViews.objects.create(blog=blog, day=today, post=None, views=50)  # a page's or home's
    for days in (7, 30, None):
        for limit in (1, 3, 10):
            ranked = _ranked(blog, now, days, limit)
            assert ranked == orm_ranked(blog, now, days, limit)
            assert {pk for pk, _ in ranked} <= {post.pk for post in posts}
