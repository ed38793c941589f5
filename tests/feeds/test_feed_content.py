"""Entry text follows `Blog.feed_content`: full, up to the jump break, or none; and
`/feeds/posts/summary` gives Blogger's short plain-text summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.conftest import MakePost
from tests.feeds.conftest import ORIGIN
from tests.feeds.rules import A, parse_xml, read_feed, read_jsonfeed

pytestmark = pytest.mark.django_db

JUMPY = "Before the break.\n\n<!--more-->\n\nAfter the break, the secret."


@pytest.fixture
def post(make_post: MakePost) -> Post:
    return make_post("Jumpy", source=JUMPY)


def set_feed_content(blog: Blog, value: str) -> None:
    blog.feed_content = value
    blog.save()


def entry_element(client: Client, path: str) -> ET.Element:
    entry = parse_xml(client.get(path).content).find(f"{A}entry")
    assert entry is not None
    return entry


def test_full_feed_carries_the_whole_post_as_content(client: Client, post: Post) -> None:
    entry = entry_element(client, "/feeds/posts/default")
    content = entry.find(f"{A}content")
    assert content is not None and content.get("type") == "html"
    assert "Before the break." in (content.text or "") and "the secret" in (content.text or "")
    assert entry.find(f"{A}summary") is None
    rss = read_feed(client.get("/rss.xml")).entries[0]
    assert "the secret" in rss.description
    assert "the secret" in read_jsonfeed(client.get("/feed.json"))["items"][0]["content_html"]


def test_summary_setting_cuts_at_the_jump_break(client: Client, blog: Blog, post: Post) -> None:
    set_feed_content(blog, Blog.FeedContent.SUMMARY)
    entry = entry_element(client, "/feeds/posts/default")
    assert entry.find(f"{A}content") is None
    summary = entry.find(f"{A}summary")
    assert summary is not None and summary.get("type") == "html"
    assert "Before the break." in (summary.text or "")
    assert "the secret" not in (summary.text or "")
    assert f'href="{ORIGIN}{post.permalink}#more"' in (summary.text or "")
    for path in ("/rss.xml", "/feed.json"):
        assert b"the secret" not in client.get(path).content
    item = read_jsonfeed(client.get("/feed.json"))["items"][0]
    assert "Read more" in item["content_html"]


def test_summary_setting_sends_posts_without_a_break_whole(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("Short", source="All of it.")
    set_feed_content(blog, Blog.FeedContent.SUMMARY)
    content = entry_element(client, "/feeds/posts/default").find(f"{A}content")
    assert content is not None and "All of it." in (content.text or "")


def test_none_setting_sends_titles_and_links_only(client: Client, blog: Blog, post: Post) -> None:
    set_feed_content(blog, Blog.FeedContent.NONE)
    for path in ("/feeds/posts/default", "/feeds/posts/summary", "/rss.xml", "/feed.json"):
        body = client.get(path).content
        assert b"Before the break" not in body, path
    entry = entry_element(client, "/feeds/posts/default")
    assert entry.find(f"{A}content") is None and entry.find(f"{A}summary") is None
    feed = read_feed(client.get("/feeds/posts/default"))
    assert feed.entries[0].title == "Jumpy"
    assert feed.entries[0].link == ORIGIN + post.permalink
    assert "description" not in read_feed(client.get("/rss.xml")).entries[0]
    assert read_jsonfeed(client.get("/feed.json"))["items"][0]["content_text"] == ""


def test_summary_address_gives_a_short_text_summary(client: Client, make_post: MakePost) -> None:
    long_text = "Words about <em>leeks</em> " * 40
    post = make_post("Leeks", source=long_text)
    entry = entry_element(client, "/feeds/posts/summary")
    summary = entry.find(f"{A}summary")
    assert summary is not None and summary.get("type") == "text"
    assert summary.text == post.snippet
    assert (summary.text or "").endswith("...") and "<em>" not in (summary.text or "")
    rss = read_feed(client.get("/feeds/posts/summary?alt=rss")).entries[0]
    assert rss.description == post.snippet
    item = read_jsonfeed(client.get("/feeds/posts/summary?alt=jsonfeed"))["items"][0]
    assert item["content_text"] == item["summary"] == post.snippet
