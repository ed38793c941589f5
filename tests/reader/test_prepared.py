from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from broadsheet.blogs.models import Blog, Profile
from broadsheet.comments.models import Comment
from broadsheet.posts import models as post_models
from broadsheet.posts.models import Label, Post
from broadsheet.reader import listing, postpage, prepared
from broadsheet.reader.postpage import Shown
from tests.conftest import NOON, MakeComment, MakePost

pytestmark = pytest.mark.django_db


def _as_the_orm(found: list[Post] | None, expected: list[Post]) -> None:
    """Every post field with its type (SQLite's times are converted), and the byline's rows."""
    assert found is not None
    assert [post.pk for post in found] == [post.pk for post in expected]
    for mine, theirs in zip(found, expected, strict=True):
        for field in Post._meta.concrete_fields:
            a, b = getattr(mine, field.attname), getattr(theirs, field.attname)
            assert (a, type(a)) == (b, type(b)), field.name
        assert mine.author is not None and theirs.author is not None
        assert mine.author.date_joined == theirs.author.date_joined
        shown = [
            getattr(getattr(post.author, "profile", None), "display_name", None)
            for post in (mine, theirs)
        ]
        assert shown[0] == shown[1]


def test_the_newest_public_posts_as_the_orm_lists_them(
    blog: Blog, other_blog: Blog, make_post: MakePost
) -> None:
    for day in range(4):
        make_post(f"Day {day}", published_at=NOON - dt.timedelta(days=day))
    make_post("A draft", status=Post.Status.DRAFT)
    make_post("Not yet", published_at=timezone.now() + dt.timedelta(hours=1))
    make_post("Elsewhere", target=other_blog)
    author = Post.objects.filter(blog=blog).first().author  # type: ignore[union-attr]
    Profile.objects.update_or_create(user=author, defaults={"display_name": "Ada L."})
    found = prepared.newest(blog, 3)
    _as_the_orm(found, list(Post.objects.public(blog)[:3]))
    assert [post.title for post in found or []] == ["Day 0", "Day 1", "Day 2"]


def test_a_month_from_its_first_moment_to_before_the_next(blog: Blog, make_post: MakePost) -> None:
    span = listing.month_span(blog, 2024, 10)
    assert span is not None
    make_post("First moment", published_at=span[0])
    make_post("Next month", published_at=span[1])
    make_post("Month before", published_at=span[0] - dt.timedelta(microseconds=1))
    found = prepared.newest(blog, 10, span)
    public = Post.objects.public(blog)
    _as_the_orm(found, list(public.filter(published_at__gte=span[0], published_at__lt=span[1])))
    assert [post.title for post in found or []] == ["First moment"]


def test_a_post_by_its_address_on_its_own_blog_only(
    blog: Blog, other_blog: Blog, make_post: MakePost
) -> None:
    mine = make_post("Mine")
    make_post("Theirs", target=other_blog, permalink=mine.permalink)
    found = prepared.by_permalink(blog, mine.permalink)
    expected = Post.objects.filter(blog=blog, permalink=mine.permalink)
    _as_the_orm(found, list(expected.select_related("author__profile")))
    assert [post.title for post in found or []] == ["Mine"]
    assert prepared.by_permalink(blog, "/2024/10/nothing.html") == []


@pytest.mark.parametrize("dense", [True, False], ids=["on many posts", "on few"])
def test_the_newest_posts_of_a_label(blog: Blog, make_post: MakePost, dense: bool) -> None:
    """Both ways of reading a label's first page, walking the posts (a label on many) and from
    the label's posts (on few), read what `with_labels` lists: its public posts only, newest
    first, ties by id, a post carrying another label of the blog as well listed once."""
    for day in range(3):
        make_post(f"Garden {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    make_post("Tie", labels=("Garden", "Cycling"), published_at=NOON - dt.timedelta(days=1))
    make_post("Bicycles", labels=("Cycling",))
    make_post("Not yet", labels=("Garden",), published_at=timezone.now() + dt.timedelta(hours=1))
    make_post("Drafted", labels=("Garden",), status=Post.Status.DRAFT)
    (label,) = Label.objects.filter(blog=blog, name="Garden").values_list("pk", flat=True)
    found = prepared.labelled(blog, (label, dense), 4)
    expected = Post.objects.public(blog).with_labels(blog, ["garden"])
    assert expected is not None
    _as_the_orm(found, list(expected[:4]))
    assert [post.title for post in found or []] == ["Garden 0", "Tie", "Garden 1", "Garden 2"]


def test_pages_leave_each_posts_source_and_plain_text_unread(
    client: Any, blog: Blog, make_post: MakePost
) -> None:
    """A post's source and its plain text are some twice its body's bytes, and no page shows
    them: the listings (their first pages and later ones) and the post page leave them in the
    database, and the posts read say so (a template that asks still gets them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for day in range(4):
        make_post(f"Day {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    post = Post.objects.get(title="Day 0")
    older = (NOON - dt.timedelta(days=1)).isoformat()
    pages = ["/", "/2024/10/", "/search/label/Garden", post.permalink, f"/?updated-max={older}"]
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        read = " ".join(query["sql"] for query in queries.captured_queries)
        assert '"posts_post"."body_html"' in read, path
        assert '"posts_post"."source"' not in read, path
        assert '"posts_post"."text"' not in read, path
    (label,) = Label.objects.filter(blog=blog).values_list("pk", flat=True)
    for found in (
        prepared.newest(blog, 3),
        prepared.labelled(blog, (label, True), 3),
        prepared.labelled(blog, (label, False), 3),
        prepared.by_permalink(blog, post.permalink),
    ):
        assert found
        assert all(one.get_deferred_fields() == set(prepared.UNREAD) for one in found)


# Names a JSON list must carry as they are, in an order the database's collation decides.
HOSTILE_LABELS = (
    'Quote " and \\ backslash',
    "</script><b>",
    "école",
    "Zebra",
    "apple",
    "Ünïcode ✓ 🍅",
    "tab\there",
    "[1, 2]",
)


def _labels(post: Post) -> list[tuple[int, int, str, str]]:
    return [(label.pk, label.blog_id, label.name, label.folded) for label in post.labels.all()]


def test_each_posts_labels_come_with_it_as_the_orm_lists_them(
    blog: Blog, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    """The posts of every prepared listing and of a post's address carry their labels: no
    query after them, and the labels those of Django's prefetch, in its order."""
    post = make_post("Labelled", labels=HOSTILE_LABELS)
    make_post("Bare", published_at=NOON - dt.timedelta(days=1))
    make_post("One", labels=("apple",), published_at=NOON - dt.timedelta(days=2))
    span = listing.month_span(blog, NOON.year, NOON.month)
    label = Label.objects.get(blog=blog, name="apple").pk
    expected = {p.pk: _labels(p) for p in Post.objects.prefetch_related("labels")}
    assert [name for *_, name, _ in expected[post.pk]] != list(HOSTILE_LABELS)  # sorted
    readings = {
        "newest": prepared.newest(blog, 5),
        "span": prepared.newest(blog, 5, span),
        "labelled": prepared.labelled(blog, (label, True), 5),
        "among": prepared.labelled(blog, (label, False), 5),
        "permalink": prepared.by_permalink(blog, post.permalink),
    }
    for shape, found in readings.items():
        assert found, shape
        with django_assert_num_queries(0):
            listing.load_labels(found)
            shown = {p.pk: _labels(p) for p in found}
        assert shown == {pk: expected[pk] for pk in shown}, shape
    assert len(readings["newest"] or []) == 3


def test_posts_read_otherwise_have_their_labels_in_one_query(
    blog: Blog, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post("Labelled", labels=HOSTILE_LABELS)
    make_post("Bare")
    found = list(Post.objects.filter(blog=blog))
    expected = {p.pk: _labels(p) for p in Post.objects.prefetch_related("labels")}
    with django_assert_num_queries(1):
        listing.load_labels(found)
    assert {p.pk: _labels(p) for p in found} == expected


def test_one_label_seen_by_readers_and_whether_it_is_dense(
    blog: Blog, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(post_models, "DENSE_LABEL", 2)
    make_post("One", labels=("Garden", "Rare", "Rust"))
    make_post("Two", labels=("Garden", "Rust"), published_at=NOON - dt.timedelta(days=1))
    make_post("Draft", labels=("Drafted", "Rare"), status=Post.Status.DRAFT)
    make_post("Draft 2", labels=("Drafted",), status=Post.Status.DRAFT)
    make_post("Old import", published_at=NOON - dt.timedelta(days=2)).labels.add(
        Label.objects.create(blog=blog, name="rust")
    )
    garden = Label.objects.get(blog=blog, name="Garden")
    rare = Label.objects.get(blog=blog, name="Rare")
    assert prepared.one_label(blog, "GARDEN") == (garden.pk, True)
    assert prepared.one_label(blog, "rare") == (rare.pk, False)  # one public post of two
    for name in ("Drafted", "Rust", "Nothing"):  # unseen, two spellings, none
        assert prepared.one_label(blog, name) is None


def test_a_posts_thread_rows_as_the_orm_reads_them(
    blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> None:
    post, other = make_post("Talked about"), make_post("Elsewhere")
    tie = NOON + dt.timedelta(hours=1)
    first = make_comment(post, "First", author_name="Zoë <b>", created_at=tie)
    make_comment(post, "Same moment", created_at=tie, author_url="https://example.org/")
    make_comment(post, "A reply", parent=first, source_id="tag:blogger.com,1999:blog-1.post-7")
    make_comment(post, "Removed", status=Comment.Status.TRASH, created_at=NOON)
    make_comment(post, "Held", status=Comment.Status.PENDING)
    make_comment(post, "Spam", status=Comment.Status.SPAM)
    make_comment(other, "On another post")
    found = prepared.thread(post.pk)
    expected = list(postpage.orm_thread(post))
    assert found is not None
    assert [[(value, type(value)) for value in row] for row in found] == [
        [(value, type(value)) for value in row] for row in expected
    ]
    bodies = [row[prepared.THREAD_FIELDS.index("body")] for row in found]
    assert bodies == ["Removed", "First", "Same moment", "A reply"]
    assert prepared.thread(other.pk + 1000) == []


def test_the_thread_reads_the_fields_a_shown_comment_has_in_its_order() -> None:
    assert tuple(field.name for field in dataclasses.fields(Shown)) == prepared.THREAD_FIELDS


SETTING = """
import django
django.setup()
from django.conf import settings
print(settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold"))
"""


@pytest.mark.parametrize(("switch", "threshold"), [(None, "5"), ("0", "None")])
def test_postgresql_prepares_the_hot_reads_unless_told_not_to(
    tmp_path: Path, switch: str | None, threshold: str
) -> None:
    """Behind a PgBouncer older than 1.21 in transaction mode, BROADSHEET_DB_PREPARED=0 leaves
    every statement unprepared (docs/deploy.md); otherwise psycopg prepares after five runs."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    env.update(BROADSHEET_DATA_DIR=str(tmp_path), PYTHONPATH=os.pathsep.join(sys.path))
    env.update(DATABASE_URL="postgres://nobody@127.0.0.1:9/none")  # never connected to
    env.pop("BROADSHEET_DB_PREPARED", None)
    if switch is not None:
        env["BROADSHEET_DB_PREPARED"] = switch
    done = subprocess.run(
        [sys.executable, "-c", SETTING], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [threshold]
