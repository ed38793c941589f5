"""`listing.window` with the query set made only when it is needed: the same window as with
the query set itself, on the first page, paging back and forward, and without `newest`."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from django.test import RequestFactory

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader import listing, prepared
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def _shown(page: listing.Window | None) -> tuple[list[str], bool, bool]:
    assert page is not None
    return [post.title for post in page.posts], page.has_older, page.has_newer


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"updated-max": (NOON - dt.timedelta(days=2)).isoformat()},
        {"updated-min": (NOON - dt.timedelta(days=4)).isoformat()},
    ],
)
@pytest.mark.parametrize("with_newest", [True, False])
def test_a_query_set_made_later_gives_the_same_window(
    blog: Blog, make_post: MakePost, query: dict[str, str], with_newest: bool
) -> None:
    for day in range(7):
        make_post(f"Day {day}", published_at=NOON - dt.timedelta(days=day))
    request = RequestFactory().get("/", query)
    newest = partial(prepared.newest, blog) if with_newest else None
    made: list[Any] = []

    def later() -> Any:
        made.append(True)
        return Post.objects.public(blog)

    expected = listing.window(request, blog, Post.objects.public(blog), 2, newest)
    found = listing.window(request, blog, later, 2, newest)
    assert _shown(found) == _shown(expected)
    # The first page read through `newest` never builds the query set.
    assert made == ([] if with_newest and not query else [True])
