"""What a label's page and the feed ask on every miss, read without a query of its own: the
blog's stamps come with the blog (`hosts.read_with_blog`), and the lookup of a label on many
posts is kept under the blog's counts stamp (`reader.views.one_label`). After a comment
elsewhere neither is read again; after any write that moves what they answer, the next reader
sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs import hosts
from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.posts import models, stamps
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Label, Post
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dense_from_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "DENSE_LABEL", 2)


def _page(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode().split("<aside")[0]


def _garden(make_post: MakePost, days: int = 2) -> list[Post]:
    return [
        make_post(f"Garden {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
        for day in range(days)
    ]


def test_after_a_comment_elsewhere_the_label_page_reads_only_its_posts(
    blog: Blog, make_post: MakePost
) -> None:
    _garden(make_post)
    assert "Garden 1" in _page("/search/label/Garden")[1]
    bump_content_version(blog, sidebar=False)  # as a comment does: every page misses
    with CaptureQueriesContext(connection) as queries:
        status, main = _page("/search/label/garden")
    assert status == 200 and "Garden 0" in main and "Garden 1" in main
    asked = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in asked if "posts_labeltally" in sql], asked  # the lookup, kept
    assert not [sql for sql in asked if sql.lstrip().startswith("SELECT counts")], asked
    assert len(asked) == 2, asked  # the blog with its stamps; the label's posts with labels


def test_a_small_labels_lookup_is_kept_on_a_shelf_of_its_own(
    blog: Blog, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label on fewer posts than `DENSE_LABEL` is kept too (most of a blog's labels are of
    that kind: asked on each miss, its lookup was planned for its values each time on
    PostgreSQL), on the labels' own shelf, so the sidebars' shelf never fills with them; then
    its posts come with their labels in one query."""
    from broadsheet.reader import tallied, views

    monkeypatch.setattr(models, "DENSE_LABEL", 3)
    _garden(make_post)
    make_post("Elsewhere", labels=("Shed",))
    assert "Garden 1" in _page("/search/label/Garden")[1]
    ours = f"label:{blog.lasting_id}"
    assert not [key for key in tallied._shelf.kept if key[0] == ours]  # not the sidebars'
    assert [key for key in views.LABELS.kept if key[0] == ours]
    bump_content_version(blog, sidebar=False)
    with CaptureQueriesContext(connection) as queries:
        status, main = _page("/search/label/garden")
    assert status == 200 and "Garden 0" in main and "Garden 1" in main
    assert "Elsewhere" not in main
    asked = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in asked if "posts_labeltally" in sql], asked  # the lookup, kept
    assert len(asked) == 2, asked  # the blog with its stamps; its posts with labels


def test_a_name_that_is_no_label_is_asked_each_time_and_never_kept(
    blog: Blog, make_post: MakePost
) -> None:
    from broadsheet.reader import views

    _garden(make_post)
    for _ in range(2):
        bump_content_version(blog, sidebar=False)
        with CaptureQueriesContext(connection) as queries:
            assert _page("/search/label/Made%20up")[0] == 404
        assert [q for q in queries.captured_queries if "posts_labeltally" in q["sql"]]
    assert not [key for key in views.LABELS.kept if key[0] == f"label:{blog.lasting_id}"]


def _rename(posts: list[Post]) -> None:
    label = Label.objects.get(name="Garden")
    label.name = "Allotment"
    label.save()  # no action renames a label: a write around them, then any write's bump
    bump_content_version(label.blog)


def _second_spelling(posts: list[Post]) -> None:
    older = posts[-1]
    older.labels.add(Label.objects.create(blog=older.blog, name="GARDEN"))  # an old import's
    bump_content_version(older.blog)


def _drafted(posts: list[Post]) -> None:
    for post in posts:
        post.status = Post.Status.DRAFT
        save_post(post, labels=("Garden",))


def _taken_off(posts: list[Post]) -> None:
    save_post(posts[0], labels=())


def _label_deleted(posts: list[Post]) -> None:
    Label.objects.filter(name="Garden").delete()
    bump_content_version(posts[0].blog)


WRITES: dict[str, tuple[Callable[[list[Post]], None], int, set[str]]] = {
    # the write, the label page's status after it, and the posts it lists
    "the label renamed": (_rename, 404, set()),
    "a second spelling on an older post": (
        _second_spelling,
        200,
        {"Garden 0", "Garden 1", "Garden 2"},
    ),
    "its posts drafted": (_drafted, 404, set()),
    "taken off one post": (_taken_off, 200, {"Garden 1"}),
    "the label deleted": (_label_deleted, 404, set()),
}


@pytest.mark.parametrize("dense", [2, 10], ids=["on many posts", "on few posts"])
@pytest.mark.parametrize("write", WRITES)
def test_the_next_reader_after_a_write_sees_the_label_as_it_is(
    make_post: MakePost, write: str, dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "DENSE_LABEL", dense)  # the lookup kept on either shelf
    posts = _garden(make_post, days=3)
    posts[-1].labels.clear()  # the oldest carries the other spelling, or nothing
    bump_content_version(posts[-1].blog)
    assert "Garden 1" in _page("/search/label/Garden")[1]  # the lookup kept
    do, status, listed = WRITES[write]
    do(posts)
    found, main = _page("/search/label/garden")
    assert found == status
    assert {f"Garden {day}" for day in range(3) if f"Garden {day}<" in main} == listed
    if write == "the label renamed":
        assert "Garden 1" in _page("/search/label/Allotment")[1]


def test_a_second_spelling_on_a_scheduled_post_counts_from_its_time(
    blog: Blog, make_post: MakePost
) -> None:
    """No write happens when a scheduled post goes up: the kept lookup expires then."""
    _garden(make_post)
    later = make_post("Garden later", published_at=NOON + dt.timedelta(hours=1))
    later.labels.add(Label.objects.create(blog=blog, name="GARDEN"))
    bump_content_version(blog)
    with time_machine.travel(NOON, tick=False):
        assert "Garden later" not in _page("/search/label/Garden")[1]
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        main = _page("/search/label/Garden")[1]
    assert "Garden later" in main and "Garden 1" in main


def test_the_blog_comes_with_its_stamps_as_they_are(
    blog: Blog, other_blog: Blog, make_post: MakePost
) -> None:
    before = hosts.blog_for_host(settings.BASE_DOMAIN)
    assert before is not None and before.pk == blog.pk
    make_post("Garden 0", labels=("Garden",))
    after = hosts.blog_for_host(settings.BASE_DOMAIN)
    assert after is not None
    assert before._stamps[1] != after._stamps[1]  # type: ignore[attr-defined]
    assert after._stamps == (after.content_version, stamps.stamps(connection, blog.pk))  # type: ignore[attr-defined]
    other = hosts.blog_for_host(f"{other_blog.slug}.{settings.BASE_DOMAIN}")
    assert other is not None and other.pk == other_blog.pk
    assert other._stamps[1] == stamps.stamps(connection, other_blog.pk)  # type: ignore[attr-defined]


TOTAL = "<openSearch:totalResults>{}</openSearch:totalResults>"


def test_the_feed_reads_no_stamp_of_its_own_and_counts_a_new_post(
    blog: Blog, make_post: MakePost
) -> None:
    _garden(make_post)
    assert TOTAL.format(2) in Client().get("/feeds/posts/default").content.decode()
    bump_content_version(blog, sidebar=False)
    with CaptureQueriesContext(connection) as queries:
        feed = Client().get("/feeds/posts/default").content.decode()
    assert TOTAL.format(2) in feed
    asked = [query["sql"] for query in queries.captured_queries]
    assert len(asked) == 2, asked  # the blog with its stamps; the entries
    make_post("Garden new", published_at=NOON + dt.timedelta(minutes=1))
    assert TOTAL.format(3) in Client().get("/feeds/posts/default").content.decode()
