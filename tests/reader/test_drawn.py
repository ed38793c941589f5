"""Gadgets kept under what they show (`reader.drawn`): a post write that moves none of a
gadget's inputs draws it from the cache; one that moves them, or a setting, shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.actions import save_blog_settings
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import save_post
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def gadgets_drawn(path: str = "/") -> tuple[str, list[str]]:
    """The page, and the gadget templates drawn to make it."""
    response = Client().get(path)
    assert response.status_code == 200
    names = [t.name or "" for t in response.templates]
    return response.content.decode(), [n for n in names if n.startswith("reader/gadgets/")]


def test_an_edit_that_moves_no_count_draws_no_gadget_again(make_post: MakePost) -> None:
    old = make_post("Seed potatoes", published_at=NOON - dt.timedelta(days=40), labels=("Veg",))
    make_post("Rhubarb, forced", labels=("Veg",))
    _, drawn = gadgets_drawn()
    assert "reader/gadgets/labels.html" in drawn and "reader/gadgets/archive.html" in drawn
    old.source = "Chitted on the windowsill."
    save_post(old, labels=("Veg",), now=NOON)
    page, drawn = gadgets_drawn(old.permalink)
    assert "Chitted on the windowsill." in page
    assert drawn == ["reader/gadgets/search.html"]  # live: it shows the reader's query
    assert 'Veg</a> <span class="count">(2)</span>' in page


def test_a_new_post_shows_in_the_counts_on_the_next_page(make_post: MakePost) -> None:
    make_post("Rhubarb, forced", labels=("Veg",))
    gadgets_drawn()
    make_post("Leeks", published_at=NOON - dt.timedelta(hours=1), labels=("Veg",))
    page, drawn = gadgets_drawn()
    assert 'Veg</a> <span class="count">(2)</span>' in page
    assert "reader/gadgets/labels.html" in drawn


def test_a_settings_change_shows_in_every_gadget_that_shows_it(
    blog: Blog, admin: User, make_post: MakePost
) -> None:
    make_post("Rhubarb, forced")
    gadgets_drawn()
    blog.title, blog.description = "The Plot", "Notes from plot 14."
    save_blog_settings(Membership.objects.get(blog=blog, user=admin), blog)
    page, _ = gadgets_drawn()
    assert "Notes from plot 14." in page
    assert "The Plot · Powered by Broadsheet" in page
