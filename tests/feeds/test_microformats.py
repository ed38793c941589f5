"""microformats2 in the reader's markup, read by mf2py as IndieWeb readers would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import mf2py
import pytest
from django.test import Client

from broadsheet.posts.models import Post
from tests.conftest import NOON, MakePost
from tests.feeds.conftest import hours

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def parse(client: Client, path: str) -> dict[str, Any]:
    html = client.get(path).content.decode()
    return mf2py.parse(doc=html, url=BASE + path)  # type: ignore[no-any-return]


def of_type(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Items of a type at any depth (an h-entry sits inside the page's h-feed)."""
    found = []
    for item in items:
        if kind in item["type"]:
            found.append(item)
        found += of_type(item.get("children", []), kind)
    return found


@pytest.fixture
def post(make_post: MakePost) -> Post:
    return make_post("Frost on the kale", source="The kale *survived*.", labels=("Garden",))


def test_post_page_is_an_h_entry(client: Client, post: Post) -> None:
    (entry,) = of_type(parse(client, post.permalink)["items"], "h-entry")
    props = entry["properties"]
    assert props["name"] == ["Frost on the kale"]
    (published,) = props["published"]
    assert dt.datetime.strptime(published, "%Y-%m-%dT%H:%M:%S%z") == NOON
    assert props["url"] == [BASE + post.permalink]
    (author,) = props["author"]
    assert author["type"] == ["h-card"] and author["properties"]["name"] == ["Ada Byron"]
    (content,) = props["content"]
    assert content["value"] == "The kale survived."
    assert content["html"] == "<p>The kale <em>survived</em>.</p>"
    assert props["category"] == ["Garden"]


def test_home_page_is_an_h_feed_of_h_entries(client: Client, make_post: MakePost) -> None:
    make_post("Morning walk")
    make_post("Evening walk", published_at=NOON + hours(5))
    (feed,) = of_type(parse(client, "/")["items"], "h-feed")
    entries = of_type(feed.get("children", []), "h-entry")
    assert [entry["properties"]["name"] for entry in entries] == [
        ["Evening walk"],
        ["Morning walk"],
    ]
    for entry in entries:
        assert entry["properties"]["url"][0].startswith(BASE + "/2024/10/")
        assert entry["properties"]["author"][0]["properties"]["name"] == ["Ada Byron"]


def test_post_page_rels_include_feeds_and_canonical(client: Client, post: Post) -> None:
    rels = parse(client, post.permalink)["rels"]
    assert rels["canonical"] == ["http://localhost" + post.permalink]
    assert "http://localhost/feeds/posts/default" in rels["alternate"]
