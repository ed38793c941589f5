"""The tally stamp moves, in the write's transaction, with every change the sidebar's counts
or label names show, whatever the write path, and with nothing else."""

from __future__ import annotations

import pytest
from django.db import connection

from broadsheet.blogs.models import Blog
from broadsheet.posts import actions, stamps
from broadsheet.posts.models import Label, Post
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def stamp(blog: Blog) -> int:
    return stamps.stamp(connection, blog.pk)


def test_posts_going_public_and_labels_move_the_stamp(blog: Blog, make_post: MakePost) -> None:
    before = stamp(blog)
    post = make_post("Rhubarb, forced", labels=("Veg",))
    moved = stamp(blog)
    assert moved != before
    actions.save_post(post, labels=("Veg", "Fruit"))
    relabelled = stamp(blog)
    assert relabelled != moved
    Label.objects.filter(blog=blog, name="Fruit").update(name="Stalks")  # as the admin renames
    renamed = stamp(blog)
    assert renamed != relabelled
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)  # a bulk write
    assert stamp(blog) != renamed


def test_an_edit_that_moves_no_count_leaves_the_stamp(blog: Blog, make_post: MakePost) -> None:
    post = make_post("Rhubarb, forced", labels=("Veg",))
    before = stamp(blog)
    post.source = "Under a bucket since January."
    actions.save_post(post, labels=("Veg",))
    make_post("A draft", status=Post.Status.DRAFT, published_at=None, labels=("Veg",))
    assert stamp(blog) == before


def test_a_draft_s_labels_leave_the_stamp_and_other_blogs_keep_theirs(
    blog: Blog, make_post: MakePost
) -> None:
    other = Blog.objects.create(slug="other", title="Other")
    mine, theirs = stamp(blog), stamp(other)
    make_post("Rhubarb, forced", labels=("Veg",))
    assert stamp(blog) != mine
    assert stamp(other) == theirs
