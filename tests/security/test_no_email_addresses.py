"""No public page or feed shows an account's e-mail address (issue 14): every page and feed
of the demo blog and of the suite's blog, with the whole cast writing and commenting.

The cast's addresses are `<username>@example.com`; one more writer has an address as their
username, as the first admin `broadsheet setup` makes does.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.actions import post_comment, reply
from broadsheet.comments.forms import Submission
from broadsheet.demo.loader import load_demo
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post
from tests.cast import member
from tests.demo_pages import demo_paths

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)
FEEDS = ("/feeds/posts/default", "/feeds/posts/summary", "/feeds/pages/default")
FEEDS += ("/feeds/comments/default", "/atom.xml", "/rss.xml", "/feed.json")
ALTS = ("", "?alt=rss", "?alt=atom", "?alt=json", "?alt=jsonfeed", "?alt=json-in-script&callback=f")
FILES = ("/sitemap.xml", "/sitemap-pages.xml", "/sitemap-labels.xml", "/robots.txt")


def test_no_public_page_or_feed_shows_an_accounts_address(
    blog, admin, author, other_author, contributor, outsider, reader, operator
):
    setup_admin = member(blog, "owner@example.com", Membership.Role.ADMIN)
    write_the_blog(blog, [admin, author, setup_admin], commenters=[reader, outsider, operator])
    demo = load_demo()
    addresses = set(User.objects.exclude(email="").values_list("email", flat=True))
    addresses |= {setup_admin.get_username()}
    assert len(addresses) >= 8
    seen = {}
    for site, host in ((blog, "localhost"), (demo, "demo.localhost")):
        client = Client(HTTP_HOST=host)
        for path in public_paths(site):
            response = client.get(path)
            assert response.status_code in (200, 404), (host, path, response.status_code)
            seen[f"{host}{path}"] = response.content.decode().lower()
    assert len(seen) > 200
    leaks = [
        f"{where}: {address}"
        for where, body in seen.items()
        for address in addresses
        if address.lower() in body
    ]
    assert not leaks, "\n".join(leaks)
    # The sweep saw the people it was looking for, by name.
    assert "grace hopper" in seen["localhost/"]
    assert any('posted by <span class="p-author h-card">owner<' in b for b in seen.values())


def write_the_blog(blog: Blog, writers: list[User], commenters: list[User]) -> None:
    for index, writer in enumerate(writers * 2):
        at = NOON + dt.timedelta(days=index)
        post = Post(blog=blog, author=writer, title=f"Post {index}", source="Words.")
        post.status, post.published_at = Post.Status.PUBLISHED, at
        post = save_post(post, labels=("garden",), now=at)
        comment_on(post, commenters, writers[0])
    page = Page(blog=blog, author=writers[0], title="About", slug="about", source="Us.")
    page.status = Page.Status.PUBLISHED
    save_page(page)


def comment_on(post: Post, commenters: list[User], admin: User) -> None:
    for index, user in enumerate(commenters):
        said = Submission(name="", url="", email="", body="Nice.", notify=False, parent_id=None)
        address = f"198.51.{post.pk % 250}.{index + 1}"  # under every hourly limit
        comment = post_comment(post, said, user=user, address=address, now=post.published_at)
    answer_as = Membership.of(admin, post.blog)
    assert answer_as is not None
    reply(answer_as, comment, "Thank you.")


def public_paths(blog: Blog) -> list[str]:
    now = dt.datetime.now(dt.UTC)
    posts = list(Post.objects.public(blog, now))
    feeds = [*FEEDS, "/feeds/posts/default/-/garden"]
    feeds += [f"/feeds/{post.pk}/comments/default" for post in posts]
    return [
        *demo_paths(blog),
        *[feed + alt for feed in feeds for alt in ALTS],
        *FILES,
    ]
