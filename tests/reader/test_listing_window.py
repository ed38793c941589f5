"""`listing.window` through SQL compiled once (`prepared.listed`), the query set made only
when that cannot answer: the same window as the query set's, on the first page and paging
back and forward, on every kind of listing, at the edges of moments, months and time."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Label, Post
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
@pytest.mark.parametrize("with_listed", [True, False])
def test_a_query_set_made_later_gives_the_same_window(
    blog: Blog, make_post: MakePost, query: dict[str, str], with_listed: bool
) -> None:
    for day in range(7):
        make_post(f"Day {day}", published_at=NOON - dt.timedelta(days=day))
    request = RequestFactory().get("/", query)
    listed = partial(prepared.listed, blog) if with_listed else None
    made: list[Any] = []

    def later() -> Any:
        made.append(True)
        return Post.objects.public(blog)

    expected = listing.window(request, blog, Post.objects.public(blog), 2)
    found = listing.window(request, blog, later, 2, listed)
    assert _shown(found) == _shown(expected)
    # A page read through `listed`, the first or any other, never builds the query set.
    assert made == ([] if with_listed else [True])


MICRO = dt.timedelta(microseconds=1)


def _listings(blog: Blog) -> dict[str, tuple[Any, listing.Listed]]:
    """Each kind of listing that pages: its query set, and its posts read through `listed`."""
    span = listing.month_span(blog, 2024, 10)
    assert span is not None
    labels = dict(Label.objects.filter(blog=blog).values_list("name", "pk"))
    public = Post.objects.public(blog)
    within = public.filter(published_at__gte=span[0], published_at__lt=span[1])
    listed = partial(prepared.listed, blog)
    return {
        "home": (public, listed),
        "month": (within, partial(listed, span=span)),
        "label on many": (
            public.carrying([labels["Garden"]]),
            partial(listed, label=(labels["Garden"], True)),
        ),
        "label on few": (
            public.among([labels["Cycling"]]),
            partial(listed, label=(labels["Cycling"], False)),
        ),
    }


@pytest.mark.parametrize("size", [1, 3])
def test_every_page_back_and_forward_is_the_query_sets(
    blog: Blog, other_blog: Blog, make_post: MakePost, size: int
) -> None:
    """Posts at a month's first and last moments and a tick either side, three at one moment
    (ties by id), some with a label on few posts, posts readers cannot see; pages asked from
    each post's moment, a tick either side of it, and the first and last moments there are,
    in the blog's time and in UTC: every window the query set's, and none of them made it."""
    span = listing.month_span(blog, 2024, 10)
    assert span is not None
    moments = [span[0] - MICRO, span[0], span[0] + MICRO, span[1] - MICRO, span[1], NOON, NOON]
    moments += [NOON + MICRO, NOON - MICRO, NOON - dt.timedelta(days=3), NOON]
    for n, moment in enumerate(moments):
        make_post(f"Post {n}", published_at=moment, labels=("Garden", "Cycling")[: 1 + n % 3 // 2])
    make_post("Drafted", published_at=NOON, status=Post.Status.DRAFT, labels=("Cycling",))
    make_post("Not yet", published_at=timezone.now() + dt.timedelta(hours=1), labels=("Garden",))
    make_post("Elsewhere", published_at=NOON, target=other_blog)
    asked = ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"]
    for moment in {*moments, timezone.now() + dt.timedelta(hours=2)}:
        for near in (moment - MICRO, moment, moment + MICRO):
            asked += [near.isoformat(), listing.timestamp(near, blog)]
    compared, made = 0, list[int]()
    for name, (queryset, listed) in _listings(blog).items():
        for raw in asked:
            for side in ("updated-max", "updated-min"):
                request = RequestFactory().get("/", {side: raw})
                expected = listing.window(request, blog, queryset, size)
                found = listing.window(request, blog, partial(made.append, 1), size, listed)
                assert found is not None and expected is not None
                assert _shown(found) == _shown(expected), (name, side, raw)
                assert [post.pk for post in found.posts] == [post.pk for post in expected.posts]
                compared += bool(expected.posts)
    assert made == []
    assert compared > 100  # most pages hold posts: the edges were inside the listings
