"""WebSub: the hub is advertised, with a matching self link, exactly on the feeds we ping."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from broadsheet.blogs.models import Blog
from broadsheet.feeds import websub
from tests.conftest import MakePost
from tests.feeds.conftest import ORIGIN
from tests.feeds.rules import A, parse_xml, read_feed, read_jsonfeed

pytestmark = pytest.mark.django_db

HUB = "https://hub.example/"


def feed_links(body: bytes) -> dict[str, str]:
    """rel -> href of the feed's own links (not its entries'), Atom or RSS."""
    root = parse_xml(body)
    parent = root.find("channel") if root.tag == "rss" else root
    assert parent is not None
    return {link.get("rel", ""): link.get("href", "") for link in parent.findall(f"{A}link")}


@override_settings(WEBSUB_HUB=HUB)
@pytest.mark.parametrize(
    ("path", "self_url"),
    [
        ("/feeds/posts/default", f"{ORIGIN}/feeds/posts/default"),
        ("/atom.xml", f"{ORIGIN}/feeds/posts/default"),
        ("/feeds/posts/default?alt=atom", f"{ORIGIN}/feeds/posts/default"),
    ],
)
def test_atom_posts_feed_names_hub_and_topic(
    client: Client, make_post: MakePost, path: str, self_url: str
) -> None:
    make_post()
    response = client.get(path)
    read_feed(response)
    assert feed_links(response.content) == {
        "alternate": f"{ORIGIN}/",
        "self": self_url,
        "hub": HUB,
    }


@override_settings(WEBSUB_HUB=HUB)
def test_rss_and_json_feeds_name_hub_and_topic(client: Client, make_post: MakePost) -> None:
    make_post()
    for path in ("/rss.xml", "/feeds/posts/default?alt=rss"):
        rss = feed_links(client.get(path).content)
        assert rss == {"self": f"{ORIGIN}/feeds/posts/default?alt=rss", "hub": HUB}
    for path in ("/feed.json", "/feeds/posts/default?alt=jsonfeed"):
        document = read_jsonfeed(client.get(path))
        assert document["feed_url"] == f"{ORIGIN}/feed.json"
        assert document["hubs"] == [{"type": "WebSub", "url": HUB}]


@override_settings(WEBSUB_HUB=HUB)
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/posts/default?max-results=5",
        "/feeds/posts/default?start-index=2",
        "/feeds/posts/default/-/Garden",
        "/feeds/posts/summary",
        "/feeds/comments/default",
        "/feeds/pages/default",
    ],
)
def test_feeds_we_do_not_ping_do_not_name_the_hub(
    client: Client, make_post: MakePost, path: str
) -> None:
    make_post(labels=("Garden",))
    assert HUB.encode() not in client.get(path).content


def test_no_hub_configured_means_no_hub_link(client: Client, make_post: MakePost) -> None:
    make_post()
    assert b'rel="hub"' not in client.get("/feeds/posts/default").content
    assert "hubs" not in read_jsonfeed(client.get("/feed.json"))


def test_topics_are_the_advertised_self_urls(blog: Blog) -> None:
    assert websub.topic_urls(blog) == [
        f"{ORIGIN}/feeds/posts/default",
        f"{ORIGIN}/feeds/posts/default?alt=rss",
        f"{ORIGIN}/feed.json",
    ]
