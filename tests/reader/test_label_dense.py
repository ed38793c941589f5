"""A label carried by many posts is listed by walking the blog's posts newest first
(`Post.objects.with_labels`, `posts.models.DENSE_LABEL`); the threshold is lowered here so
that a handful of posts take that path, and the page must list what the other path lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core import compiled
from broadsheet.posts import models
from broadsheet.posts.models import Label, Post
from broadsheet.reader import prepared
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_label_dense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "DENSE_LABEL", 1)


def _main(client: Client, path: str) -> str:
    return client.get(path).content.decode().split("<aside")[0]


def test_only_public_posts_of_the_label_newest_first(client: Client, make_post: MakePost) -> None:
    for day in range(3):
        make_post(f"Garden {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    make_post("Bicycles", labels=("Cycling",))
    make_post("Still a draft", labels=("Garden",), status=Post.Status.DRAFT)
    make_post("Not yet", labels=("Garden",), published_at=timezone.now() + dt.timedelta(days=1))
    main = _main(client, "/search/label/Garden")
    assert main.index("Garden 0") < main.index("Garden 1") < main.index("Garden 2")
    for hidden in ("Bicycles", "Still a draft", "Not yet"):
        assert hidden not in main


def test_labels_of_one_name_in_any_case_are_one_page(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("Upper", labels=("Rust",))
    lower = make_post("Lower", published_at=NOON - dt.timedelta(days=1))
    # An older import's label that differs only in case (the studio would fold it into "Rust").
    lower.labels.add(Label.objects.create(blog=blog, name="rust"))
    main = _main(client, "/search/label/RUST")
    assert "Upper" in main and "Lower" in main


def test_the_page_pages_back_through_the_label(client: Client, make_post: MakePost) -> None:
    for day in range(4):  # the blog shows three posts a page
        make_post(f"Garden {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    make_post("Between", labels=("Other",), published_at=NOON - dt.timedelta(days=2, hours=1))
    first = client.get("/search/label/Garden").content.decode()
    older = first.split('href="/search/label/Garden?updated-max=')[1].split('"')[0]
    main = _main(client, "/search/label/Garden?updated-max=" + older.replace("&amp;", "&"))
    assert "Garden 3" in main and "Garden 2" not in main and "Between" not in main


def test_sqlite_probes_each_post_instead_of_listing_the_label(
    blog: Blog, make_post: MakePost
) -> None:
    make_post("Rhubarb", labels=("Rhubarb",))
    found = Post.objects.public(blog).with_labels(blog, ["rhubarb"])
    assert found is not None
    with CaptureQueriesContext(connection) as ctx:
        assert [post.title for post in found[:8]] == ["Rhubarb"]
    if connection.vendor != "sqlite":  # PostgreSQL's planner chooses its own join
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + ctx.captured_queries[0]["sql"])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "CORRELATED" in plan and "LIST SUBQUERY" not in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index (migration)")
def test_the_walk_reads_the_index_of_dates_ids_and_statuses(
    blog: Blog, make_post: MakePost
) -> None:
    """A label's first page passes hundreds of posts to find its twenty: on PostgreSQL the
    walk reads each post's id and status from `post_blog_walk` (posts migration 0011), and
    only the posts it lists from the table (bench/RESULTS.md, issue 20, "a label's walk on
    the index")."""
    for day in range(3):
        when = NOON - dt.timedelta(days=day)
        make_post(
            f"Garden {day}", labels=("Garden",) if day != 1 else ("Other",), published_at=when
        )
    label = Label.objects.get(blog=blog, name="Garden")
    found = prepared.labelled(blog, (label.pk, True), 8)
    assert found is not None and [post.title for post in found] == ["Garden 0", "Garden 2"]
    shape = prepared._prepared("labelled", 8, connection.alias)
    assert shape is not None
    params = compiled.bound(shape, [blog.pk, timezone.now(), label.pk], connection)
    with connection.cursor() as cursor:  # as on a large blog, where a table scan costs more
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + shape.sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan Backward using post_blog_walk" in plan, plan


def _planned(cursor: object, needle: str) -> list[tuple[int, int]]:
    execute = cursor.execute  # type: ignore[attr-defined]
    execute(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
        [f"%{needle}%"],
    )
    return list(cursor.fetchall())  # type: ignore[attr-defined]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_the_page_is_planned_once_per_connection_not_per_reader(
    client: Client, make_post: MakePost
) -> None:
    """The server keeps one plan of the label page's posts for every moment: planning them
    for each reader was half the server's time on a miss (bench/RESULTS.md, issue 20)."""
    for day in range(4):
        make_post(f"Garden {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    # Five runs before psycopg prepares it, five plans for their values, then the one plan.
    pages = {client.get("/search/label/Garden").content for _ in range(12)}
    assert len(pages) == 1 and b"Garden 3" not in pages.pop()  # three a page
    with connection.cursor() as cursor:
        found = _planned(cursor, 'ORDER BY "posts_post"."published_at" DESC')
    assert found, "the label page's posts were not prepared"
    assert all(generic >= 1 for generic, _custom in found), found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_which_label_a_name_is_is_planned_for_the_name(blog: Blog, make_post: MakePost) -> None:
    """The lookup of a label by its name is planned for each name, never kept as one plan for
    any: that plan hashed every post of the label (bench/RESULTS.md, issue 20, "the label
    lookup's plan")."""
    make_post("Garden 0", labels=("Garden",))
    for _ in range(12):  # past psycopg's five runs before preparing, and the server's five
        assert prepared.one_label(blog, "garden") is not None
    with connection.cursor() as cursor:
        kept = _planned(cursor, 'FROM "posts_label" WHERE (EXISTS')
    assert kept == [], kept
