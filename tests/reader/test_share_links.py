"""Share links under a post: plain links, nothing loaded from any service until a click."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.conftest import MakePost
from tests.feeds.conftest import ORIGIN

pytestmark = pytest.mark.django_db

SERVICES = ["Email", "Mastodon", "Bluesky", "Facebook", "X", "LinkedIn", "Reddit"]


def share_links(client: Client, post: Post) -> dict[str, str]:
    page = client.get(post.permalink).content.decode()
    nav = re.search(r'<nav class="share-links".*?</nav>', page, re.S)
    if nav is None:
        return {}
    found = re.findall(r'<a href="([^"]*)" rel="noopener">([^<]*)</a>', nav.group())
    return {service: href.replace("&amp;", "&") for href, service in found}


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_a_post_has_a_link_for_each_service(client: Client, make_post: MakePost) -> None:
    post = make_post("Frost & kale")
    links = share_links(client, post)
    url = ORIGIN + post.permalink
    assert list(links) == SERVICES
    assert (
        links["Email"]
        == f"mailto:?subject=Frost%20%26%20kale&body={url.replace(':', '%3A').replace('/', '%2F')}"
    )
    assert query(links["Bluesky"]) == {"text": [f"Frost & kale {url}"]}
    assert query(links["Facebook"]) == {"u": [url]}
    assert query(links["X"]) == {"url": [url], "text": ["Frost & kale"]}
    assert query(links["LinkedIn"]) == {"url": [url]}
    assert query(links["Reddit"]) == {"url": [url], "title": ["Frost & kale"]}
    assert links["Mastodon"] == f"/share/mastodon/{post.pk}"


def test_the_post_page_loads_nothing_from_the_services(client: Client, make_post: MakePost) -> None:
    page = client.get(make_post().permalink).content.decode()
    for host in ("facebook", "bsky", "x.com", "linkedin", "reddit"):
        assert not re.search(rf'(src|srcset|action)="[^"]*{re.escape(host)}', page), host


def test_a_blog_can_turn_them_off(client: Client, blog: Blog, make_post: MakePost) -> None:
    blog.share_links = False
    blog.save()
    post = make_post()
    assert share_links(client, post) == {}
    assert client.get(f"/share/mastodon/{post.pk}").status_code == 404


def test_mastodon_asks_for_the_server_then_links_to_its_share_page(
    client: Client, make_post: MakePost
) -> None:
    post = make_post("Frost")
    form = client.get(f"/share/mastodon/{post.pk}").content.decode()
    assert '<label for="share-server">Your Mastodon server</label>' in form
    answer = client.get(f"/share/mastodon/{post.pk}", {"server": " @me@Mastodon.Social "})
    assert answer.status_code == 200
    link = re.search(r'<a class="share-continue" href="([^"]*)"', answer.content.decode())
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith("https://mastodon.social/share?")
    assert query(href) == {"text": [f"Frost {ORIGIN}{post.permalink}"]}


@pytest.mark.parametrize("typed", ["not a server", "javascript:alert(1)", "evil.example/path"])
def test_a_bad_mastodon_server_is_explained_and_kept(
    client: Client, make_post: MakePost, typed: str
) -> None:
    post = make_post()
    answer = client.get(f"/share/mastodon/{post.pk}", {"server": typed})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert 'aria-invalid="true"' in page and "is not a server name" in page
    assert 'class="share-continue"' not in page


def test_a_draft_has_no_share_page(client: Client, make_post: MakePost) -> None:
    draft = make_post(status=Post.Status.DRAFT, published_at=None)
    assert client.get(f"/share/mastodon/{draft.pk}").status_code == 404
