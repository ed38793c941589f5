"""The post list: the four shelves, label and text search."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from broadsheet.posts.models import Label, Post
from tests.studio.conftest import NOON, url, write


def shelf(client, **params) -> str:
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        return client.get(url("post-list", "notes"), params).content.decode()


def test_shelves_sort_posts_by_state(blog, author, signed_in):
    write(blog, author, "A draft")
    write(blog, author, "Out now", status=Post.Status.PUBLISHED, published_at=NOON)
    write(
        blog,
        author,
        "Coming soon",
        status=Post.Status.SCHEDULED,
        published_at=NOON + dt.timedelta(days=3),
    )
    write(blog, author, "Binned", status=Post.Status.TRASH)
    client = signed_in(author)
    everything = shelf(client)
    assert (
        all(t in everything for t in ["A draft", "Out now", "Coming soon"])
        and "Binned" not in everything
    )
    assert 'All <span class="count">(3)</span>' in everything
    assert "Coming soon" in shelf(client, status="scheduled") and "Out now" not in shelf(
        client, status="scheduled"
    )
    assert "Out now" in shelf(client, status="published") and "Coming soon" not in shelf(
        client, status="published"
    )
    assert "A draft" in shelf(client, status="draft") and "Out now" not in shelf(
        client, status="draft"
    )
    trash = shelf(client, status="trash")
    assert "Binned" in trash and "Restore" in trash and "A draft" not in trash


def test_label_and_text_search(blog, author, make_post, signed_in):
    make_post("Beans", "Runner beans climb.", labels=("beans",))
    make_post("Onions", "Sets in spring.", labels=("alliums",))
    client = signed_in(author)
    by_label = shelf(client, label="beans")
    assert "Beans" in by_label and "Onions" not in by_label
    by_text = shelf(client, q="spring")
    assert "Onions" in by_text and "Runner" not in by_text


def test_a_blog_of_many_labels_offers_some_and_filters_by_any(blog, author, make_post, signed_in):
    # The filter listed every label of the blog as a choice: 100,000 labels made the page
    # megabytes long. It offers as many as the editor does, and takes any name typed.
    Label.objects.bulk_create(Label(blog=blog, name=f"topic {i:04}") for i in range(600))
    make_post("Late one", "Text.", labels=("topic 0599",))
    page = shelf(signed_in(author), label="topic 0599")
    assert page.count("<option") == 500
    assert "Late one" in page and 'value="topic 0599"' in page


def test_authors_list_only_their_own_posts(blog, author, other_author, signed_in):
    write(blog, other_author, "Alan only")
    assert "Alan only" not in shelf(signed_in(author))


def test_unknown_filters_are_ignored(blog, author, signed_in):
    write(blog, author, "Visible")
    assert "Visible" in shelf(signed_in(author), status="bogus", page="x")


def test_an_overlong_search_is_cut_not_a_server_error(blog, author, signed_in):
    # SQLite refuses a LIKE pattern over 50,000 bytes, PostgreSQL any NUL: both were a 500.
    write(blog, author, "Visible")
    assert "Visible" not in shelf(signed_in(author), q="x" * 100_000, label="y" * 100_000)
    assert "Visible" in shelf(signed_in(author), q="Vis\x00ible", label="\x00")


def test_list_rules(other_blog, author, signed_in):
    assert signed_in(author).get(url("post-list", other_blog.slug)).status_code == 404
    assert signed_in(author).post(url("post-list", "notes")).status_code == 405
    assert Client().get(url("post-list", "notes")).status_code == 302
