"""`publish.bulk`: post pages rendered from set-based queries are the live view's bytes."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from broadsheet.blogs.hosts import canonical_host, origin
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from broadsheet.publish.bulk import ListingPages, PostPages
from broadsheet.publish.links import Choices
from broadsheet.publish.plan import plan
from broadsheet.publish.render import renderer_for
from broadsheet.webmention.models import Mention
from tests.conftest import NOON, MakeComment, MakePost

LATER = NOON + dt.timedelta(days=2)


def sample(make_post: MakePost, make_comment: MakeComment) -> list[Post]:
    """A post with labels, one with a thread (a reply under a removed comment), a plain one."""
    labelled = make_post("Leeks", labels=("Garden", "Weather"), published_at=NOON)
    talked = make_post("Frost", published_at=NOON + dt.timedelta(hours=1))
    gone = make_comment(talked, "Spam", status=Comment.Status.TRASH)
    make_comment(talked, "Agreed <b>entirely</b>", parent=gone)
    make_comment(talked, "Mine too.", author_url="https://example.org/me")
    plain = make_post("Rain", published_at=NOON + dt.timedelta(hours=2))
    for number, kind in enumerate((Mention.Kind.LIKE, Mention.Kind.LIKE, Mention.Kind.REPOST)):
        Mention.objects.create(post=labelled, source=f"https://example.org/{number}", kind=kind)
    return [labelled, talked, plain]


def bulk_pages(blog: Blog, addresses: list[str]) -> dict[str, bytes]:
    now = timezone.now()
    found = plan(blog, Choices(origin(blog)), now)
    pages = PostPages(blog, renderer_for(blog), found.neighbours, now)
    pages.load(addresses)
    answers = {address: pages.render(address) for address in addresses}
    return {address: answer.body for address, answer in answers.items() if answer}


def test_bulk_post_pages_are_the_views_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> None:
    addresses = [post.permalink for post in sample(make_post, make_comment)]
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        live = {address: client.get(address).content for address in addresses}
        assert bulk_pages(blog, addresses) == live
    assert b"Agreed <b>entirely</b>" not in live[addresses[1]]  # escaped, and shown
    assert b"Agreed &lt;b&gt;entirely&lt;/b&gt;" in live[addresses[1]]
    assert b"/search/label/Weather" in live[addresses[0]]
    assert b"Around the web: 2 likes, 1 repost" in live[addresses[0]]


def test_bulk_leaves_what_is_not_a_public_post_to_the_view(blog: Blog, make_post: MakePost) -> None:
    draft = make_post("Not yet", status=Post.Status.DRAFT, published_at=None)
    with time_machine.travel(LATER, tick=False):
        assert bulk_pages(blog, [draft.permalink or "/2024/10/none.html", "/p/about.html"]) == {}


def test_bulk_listing_pages_are_the_views_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> None:
    sample(make_post, make_comment)
    for hour in range(3, 7):  # enough posts for numbered pages (three a page)
        make_post(f"Note {hour}", labels=("Weather",), published_at=NOON + dt.timedelta(hours=hour))
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        now = timezone.now()
        found = plan(blog, Choices(origin(blog)), now)
        pages = ListingPages(blog, renderer_for(blog), now)
        pages.load(row[0] for listing in found.listings.values() for row in listing.rows[:1])
        home, weather = found.listings["/search"], found.listings["/search/label/Weather"]
        month = found.listings[NOON.strftime("/%Y/%m/")]
        shown = [(home, 0), (home, 1), (weather, 0), (weather, 1), (month, 0), (month, 2)]
        for listing, number in shown:
            path = listing.older if number else listing.first
            query = listing.query(number, blog.posts_per_page, blog) if number else ""
            answer = pages.render(path, listing, query)
            assert answer is not None, (path, query)
            assert answer.body == client.get(path, QueryDict(query)).content, (path, query)
