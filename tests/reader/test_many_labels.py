"""A blog with thousands of labels: label pages and feeds look their label up through an index
(the same number of queries as with two labels), and the Labels gadget stays bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Label, Post
from broadsheet.reader import gadgets
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db

MANY = 5000


def many_labels(blog: Blog, n: int) -> None:
    Label.objects.bulk_create(Label(blog=blog, name=f"Topic {i:05}") for i in range(n))


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["/search/label/Garden", "/feeds/posts/default/-/Garden"])
def test_a_label_address_costs_the_same_with_thousands_of_labels(
    client: Client,
    blog: Blog,
    make_post: MakePost,
    path: str,
    django_assert_max_num_queries: object,
) -> None:
    make_post("Rhubarb", labels=("Garden",))
    few = queries(client, path)
    many_labels(blog, MANY)
    blog.refresh_from_db()
    make_post("Leeks", labels=("Garden",))  # a write: nothing is answered from the page cache

    with django_assert_max_num_queries(few) as captured:  # type: ignore[operator]
        response = client.get(path)

    assert response.status_code == 200
    # The label is found by its folded name (the label_blog_folded index), and no query reads
    # the blog's labels whole: each one of the labels table names the labels it wants.
    lookups = [q["sql"] for q in captured.captured_queries if 'FROM "posts_label"' in q["sql"]]
    assert any('"posts_label"."folded" IN' in sql for sql in lookups)
    assert all(" IN (" in sql for sql in lookups)
    assert b"Leeks" in response.content and b"Rhubarb" in response.content


def test_label_addresses_match_whatever_the_case_even_past_ascii(
    client: Client, make_post: MakePost
) -> None:
    make_post("Street food", labels=("Straße",))
    make_post("Letters", labels=("ΣΊΣΥΦΟΣ",))

    assert b"Street food" in client.get("/search/label/STRASSE").content
    assert b"Letters" in client.get("/search/label/σίσυφος").content
    assert client.get("/search/label/Strasse+Nowhere").status_code == 404


def test_two_labels_that_differ_by_case_list_a_post_once(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    post = make_post("Both", labels=("Rust",))
    post.labels.add(Label.objects.create(blog=blog, name="rust"))

    response = client.get("/search/label/RUST")

    assert response.content.count(b'<article class="post h-entry">') == 1


def test_the_labels_gadget_shows_the_most_used_when_there_are_too_many(
    blog: Blog, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gadgets, "LABELS_SHOWN", 3)
    for i, name in enumerate(["Apple", "Banana", "Cherry", "Damson", "Elder"]):
        for day in range(i + 1):
            make_post(f"{name} {day}", published_at=NOON - dt.timedelta(days=day), labels=(name,))

    shown = [(label.name, label.n) for label in gadgets.label_counts(blog, NOON)]
    orm = [(label.name, label.n) for label in gadgets.orm_label_counts(blog, NOON)]

    assert shown == orm == [("Cherry", 3), ("Damson", 4), ("Elder", 5)]


def test_a_small_blog_shows_every_label_by_name(client: Client, make_post: MakePost) -> None:
    make_post("One", labels=("Weather", "Garden"))
    make_post("Two", labels=("Garden",))

    html = client.get("/").content.decode()
    gadget = html[html.index('id="w-labels"') :]

    assert gadget.index('>Garden</a> <span class="count">(2)') < gadget.index(">Weather</a>")


def test_the_sidebar_of_a_blog_with_thousands_of_used_labels_lists_a_hundred(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    post = make_post("Tagged everywhere")
    many_labels(blog, 300)
    post.labels.set(Label.objects.filter(blog=blog))
    Post.objects.filter(pk=post.pk).update(title="Tagged everywhere")
    make_post("A write, so the sidebar is drawn again")

    html = client.get("/").content.decode()
    gadget = html[html.index('id="w-labels"') :]

    assert gadget.count('rel="tag"') == gadgets.LABELS_SHOWN


def test_the_label_lookup_seeks_the_folded_index(blog: Blog, make_post: MakePost) -> None:
    make_post("Rhubarb", labels=("Rhubarb label",))
    many_labels(blog, MANY)
    with CaptureQueriesContext(connection) as ctx:
        Post.objects.public(blog).with_labels(blog, ["RHUBARB LABEL"])
    (lookup,) = [q["sql"] for q in ctx.captured_queries if 'FROM "posts_label"' in q["sql"]]

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + lookup)
        else:
            cursor.execute("ANALYZE posts_label")
            cursor.execute("EXPLAIN " + lookup)
        plan = " ".join(str(row) for row in cursor.fetchall())

    # Not the (blog, name) index, walked through every label of the blog in name order.
    assert "label_blog_folded" in plan
