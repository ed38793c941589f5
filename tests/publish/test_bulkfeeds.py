"""`publish.bulkfeeds`: comment feeds read in bulk, and the blog's feeds and sitemaps called
without the request path, are the live site's bytes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from broadsheet.blogs.hosts import canonical_host, origin
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.feeds import sitemaps
from broadsheet.feeds.sitemaps import LabelSitemap, PostSitemap
from broadsheet.posts.models import Post, Robots
from broadsheet.publish.bulk import Layout
from broadsheet.publish.bulkfeeds import FeedFiles
from broadsheet.publish.links import Choices
from broadsheet.publish.plan import FIXED, plan
from broadsheet.publish.render import renderer_for
from tests.conftest import NOON, MakeComment, MakePost

LATER = NOON + dt.timedelta(days=2)


def sample(make_post: MakePost, make_comment: MakeComment) -> list[Post]:
    """A thread with a reply to an imported comment, a quiet post, and hidden comments."""
    talked = make_post("Frost", labels=("Weather",), published_at=NOON)
    first = make_comment(talked, "First <b>frost</b> https://example.org", source_id="tag:x,1:c1")
    make_comment(talked, "Same here.", parent=first, created_at=NOON + dt.timedelta(hours=2))
    make_comment(talked, "Spam", status=Comment.Status.TRASH)
    quiet = make_post(
        "Rain", labels=("apple", "Weather"), published_at=NOON + dt.timedelta(hours=1)
    )
    make_post("Unsure", labels=("Drafts only",), status=Post.Status.DRAFT, published_at=None)
    # The newest labelled post asks search engines to stay away: the index's labels date from
    # the one before it.
    make_post("Unlisted", labels=("apple",), published_at=NOON + dt.timedelta(hours=3))
    Post.objects.filter(title="Unlisted").update(robots=Robots.NOINDEX, updated_at=LATER)
    hidden = make_post("Private thoughts", published_at=NOON + dt.timedelta(hours=2))
    make_comment(hidden, "Not for feeds.")
    hidden.comments_allowed, hidden.comments_hidden = False, True
    hidden.save(update_fields=["comments_allowed", "comments_hidden"])
    return [talked, quiet, hidden]


def bulk_files(blog: Blog, addresses: list[str]) -> dict[str, bytes | None]:
    found = plan(blog, Choices(origin(blog)), LATER)
    files = FeedFiles(blog, renderer_for(blog), LATER, found, Layout(blog, LATER))
    files.load(addresses)
    answers = {address: files.render(address) for address in addresses}
    return {address: answer.body if answer else None for address, answer in answers.items()}


def test_comment_feeds_read_in_bulk_are_the_live_feeds_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> None:
    talked, quiet = sample(make_post, make_comment)[:2]
    addresses = [f"/feeds/{post.pk}/comments/default" for post in (talked, quiet)]
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        live = {address: client.get(address).content for address in addresses}
        assert bulk_files(blog, addresses) == live
    assert b"Same here." in live[addresses[0]] and b"tag:x,1:c1" in live[addresses[0]]
    assert b"Spam" not in live[addresses[0]]


def test_hidden_comments_have_no_bulk_feed_and_are_left_to_the_view(
    blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> None:
    hidden = sample(make_post, make_comment)[2]
    address = f"/feeds/{hidden.pk}/comments/default"
    assert bulk_files(blog, [address]) == {address: None}
    assert Client(HTTP_HOST=canonical_host(blog)).get(address).status_code == 404


def test_the_blogs_feeds_sitemaps_and_404_without_the_request_path_are_the_live_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> None:
    sample(make_post, make_comment)
    addresses = list(FIXED)  # the 404 page too: the reader's themed one
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        live = {address: client.get(address).content for address in addresses}
        assert bulk_files(blog, addresses) == live
    assert b"Frost" in live["/feeds/posts/default"] and b"/apple<" in live["/sitemap-labels.xml"]
    assert b"Drafts" not in live["/sitemap-labels.xml"]
    later = LATER.strftime("%Y-%m-%d").encode()  # the unlisted post's edit
    assert later in live["/sitemap-labels.xml"] and later not in live["/sitemap.xml"]


def test_the_sitemaps_pages_of_posts_from_the_plan_are_the_live_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample(make_post, make_comment)
    monkeypatch.setattr(PostSitemap, "limit", 2)  # three listed posts: two pages
    addresses = ["/sitemap-posts-1.xml", "/sitemap-posts-2.xml"]
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        live = {address: client.get(address).content for address in addresses}
        assert bulk_files(blog, addresses) == live
        assert client.get("/sitemap-posts-3.xml").status_code == 404
    assert b"/frost.html<" in live[addresses[0]] and b"/rain.html<" in live[addresses[0]]
    assert (
        b"/private-thoughts.html<" in live[addresses[1]] and b"unlisted" not in live[addresses[1]]
    )


def test_the_sitemap_index_read_grouped_by_page_is_the_live_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan of the changes holds not every post: the index's pages and their lastmods come
    from one grouped query, not the view's list of every edit."""
    sample(make_post, make_comment)
    # Two posts at the same time, told apart by id as the view orders them; the newest post
    # carries no label, so the labels' entry is an older edit's.
    for title in ("Twin one", "Twin two"):
        make_post(title, labels=("Weather",), published_at=NOON + dt.timedelta(minutes=30))
    Post.objects.filter(title="Twin one").update(updated_at=LATER - dt.timedelta(hours=5))
    make_post("Unlabelled", published_at=NOON + dt.timedelta(hours=4))
    Post.objects.filter(title="Unlabelled").update(updated_at=LATER - dt.timedelta(hours=1))
    monkeypatch.setattr(PostSitemap, "limit", 2)  # six listed posts: three pages
    found = plan(blog, Choices(origin(blog)), LATER)
    files = FeedFiles(blog, renderer_for(blog), LATER, found, Layout(blog, LATER))
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        live = client.get("/sitemap.xml").content
        grouped = files.sitemap_index_read(origin(blog))
    assert sitemaps.write("sitemapindex", "sitemap", grouped).encode() == live
    assert live.count(b"/sitemap-posts-") == 3
    lastmods = [entry.lastmod for entry in grouped]
    # The first page holds the older twin; the labels' latest is that twin's edit, not the
    # unlabelled post's (third page) nor the unlisted one's.
    assert grouped[-1].location.endswith("/sitemap-labels.xml")
    assert lastmods[0] == lastmods[-1] == LATER - dt.timedelta(hours=5)
    assert lastmods[2] == LATER - dt.timedelta(hours=1)


def test_the_files_of_labels_from_the_plan_and_from_one_query_are_the_live_bytes(
    blog: Blog, make_post: MakePost, make_comment: MakeComment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a file's limit (50,000, lowered to 1) the labels go on in `/sitemap-labels-N.xml`:
    planned, rendered from the plan and from the grouped read (a plan of the changes), and
    listed in the index, as the live site answers them."""
    sample(make_post, make_comment)
    make_post("Beans", labels=("beans",), published_at=NOON + dt.timedelta(minutes=5))
    monkeypatch.setattr(LabelSitemap, "limit", 1)  # apple, beans, Weather: three files
    files = ["/sitemap-labels.xml", "/sitemap-labels-2.xml", "/sitemap-labels-3.xml"]
    found = plan(blog, Choices(origin(blog)), LATER)
    assert [path for path in found.jobs if path.startswith("/sitemap-labels")] == files
    client = Client(HTTP_HOST=canonical_host(blog))
    with time_machine.travel(LATER, tick=False):
        live = {address: client.get(address).content for address in [*files, "/sitemap.xml"]}
        assert bulk_files(blog, [*files, "/sitemap.xml"]) == live
        bulk = FeedFiles(blog, renderer_for(blog), LATER, found, Layout(blog, LATER))
        read = [bulk.label_sitemap_read(origin(blog), slice(n, n + 1)) for n in range(3)]
        grouped = bulk.sitemap_index_read(origin(blog))
    assert [body.encode() for body in read] == [live[address] for address in files]
    assert sitemaps.write("sitemapindex", "sitemap", grouped).encode() == live["/sitemap.xml"]
    for name in (b"/apple<", b"/beans<", b"/Weather<"):  # one file each, in the database's order
        assert sum(name in live[address] for address in files) == 1
    assert live["/sitemap.xml"].count(b"/sitemap-labels") == 3
