"""JSON Feed 1.1 at `/feed.json` and `?alt=jsonfeed` on every feed address.

Blogger's own `?alt=json` is its GData JSON, a different format that widgets read as
`feed.entry[i].title.$t`; JSON Feed therefore has an address of its own.
"""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.posts.models import Post
from tests.conftest import MakeComment, MakePost
from tests.feeds.conftest import ORIGIN, ManyPosts
from tests.feeds.rules import read_jsonfeed

pytestmark = pytest.mark.django_db


def test_json_feed_carries_the_posts(client: Client, make_post: MakePost) -> None:
    post = make_post("Frost on the kale", labels=("Garden",))
    document = read_jsonfeed(client.get("/feed.json"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Field Notes"
    assert document["home_page_url"] == f"{ORIGIN}/"
    assert document["feed_url"] == f"{ORIGIN}/feed.json"
    assert document["language"] == "en"
    item = document["items"][0]
    assert item == {
        "id": f"tag:localhost,2024:{post.permalink}",
        "url": ORIGIN + post.permalink,
        "title": "Frost on the kale",
        "content_html": "<p>Some <em>words</em> about the garden.</p>\n",
        "date_published": "2024-10-20T05:00:00-07:00",
        "date_modified": "2024-10-20T05:00:00-07:00",
        "authors": [{"name": "Ada Byron"}],
        "tags": ["Garden"],
    }


def test_alt_jsonfeed_on_blogger_addresses(client: Client, make_post: MakePost) -> None:
    post = make_post()
    for path in ("/feeds/posts/default?alt=jsonfeed", "/feeds/posts/summary?alt=jsonfeed"):
        assert read_jsonfeed(client.get(path))["items"][0]["url"] == ORIGIN + post.permalink


def test_json_feed_pages_with_next_url(client: Client, many_posts: ManyPosts) -> None:
    many_posts(3)
    document = read_jsonfeed(client.get("/feed.json?max-results=2"))
    assert [item["title"] for item in document["items"]] == ["Diary 0", "Diary 1"]
    assert document["next_url"] == f"{ORIGIN}/feed.json?max-results=2&start-index=3"
    rest = read_jsonfeed(client.get("/feed.json?max-results=2&start-index=3"))
    assert [item["title"] for item in rest["items"]] == ["Diary 2"]
    assert "next_url" not in rest


def test_comment_feeds_in_json(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post()
    make_comment(post, "Well grown", author_url="https://grace.example/", author_name="Grace")
    for path in (
        "/feeds/comments/default?alt=jsonfeed",
        f"/feeds/{post.pk}/comments/default?alt=jsonfeed",
    ):
        item = read_jsonfeed(client.get(path))["items"][0]
        assert item["content_html"] == "<p>Well grown</p>"
        assert item["authors"] == [{"name": "Grace", "url": "https://grace.example/"}]


def test_json_feed_hides_drafts(client: Client, make_post: MakePost) -> None:
    make_post("Half-written", status=Post.Status.DRAFT, published_at=None)
    assert read_jsonfeed(client.get("/feed.json"))["items"] == []
