"""Our feed validator (rules.py) accepts good feeds and rejects the mistakes it exists for."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.feeds.rules import (
    atom_problems,
    is_absolute_uri,
    is_rfc822,
    is_rfc3339,
    jsonfeed_problems,
    rss_problems,
)

ENTRY = """<entry><title>Frost</title><link rel="alternate" href="http://blog.example/2024/10/frost.html"/>
<id>tag:blog.example,2024:/2024/10/frost.html</id><updated>2024-10-20T05:00:00-07:00</updated>
<published>2024-10-20T05:00:00-07:00</published><author><name>Ada</name></author>
<content type="html">&lt;p&gt;Hi&lt;/p&gt;</content></entry>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Field Notes</title>
<link rel="alternate" href="http://blog.example/"/><link rel="self" href="http://blog.example/feeds/posts/default"/>
<id>tag:blog.example,2024:/feeds/posts/default</id><updated>2024-10-20T05:00:00-07:00</updated>
{ENTRY}</feed>"""

ITEM = """<item><title>Frost</title><link>http://blog.example/2024/10/frost.html</link>
<description>&lt;p&gt;Hi&lt;/p&gt;</description><pubDate>Sun, 20 Oct 2024 05:00:00 -0700</pubDate>
<guid isPermaLink="false">tag:blog.example,2024:/2024/10/frost.html</guid></item>"""

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Field Notes</title><link>http://blog.example/</link>
<description>Notes</description><lastBuildDate>Sun, 20 Oct 2024 05:00:00 -0700</lastBuildDate>
{ITEM}</channel></rss>"""

JSONFEED: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Field Notes",
    "home_page_url": "http://blog.example/",
    "items": [
        {
            "id": "tag:blog.example,2024:/2024/10/frost.html",
            "url": "http://blog.example/2024/10/frost.html",
            "content_html": "<p>Hi</p>",
            "date_published": "2024-10-20T05:00:00-07:00",
            "authors": [{"name": "Ada"}],
        }
    ],
}


def test_good_feeds_pass() -> None:
    assert atom_problems(ATOM.encode()) == []
    assert rss_problems(RSS.encode()) == []
    assert jsonfeed_problems(JSONFEED) == []


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("<id>tag:blog.example,2024:/2024/10/frost.html</id>", "", "0 <id>"),
        ("<title>Frost</title>", "<title>Frost</title><title>Again</title>", "2 <title>"),
        ("<updated>2024-10-20T05:00:00-07:00</updated>", "", "0 <updated>"),
        (
            'href="http://blog.example/2024/10/frost.html"',
            'href="/2024/10/frost.html"',
            "not absolute",
        ),
        ("tag:blog.example,2024:/2024/10/frost.html", "frost-post", "not an absolute URI"),
        (
            "tag:blog.example,2024:/2024/10/frost.html",
            "tag:blog.example:/frost",
            "not an absolute URI",
        ),
        ("<published>2024-10-20T05:00:00-07:00", "<published>Sun, 20 Oct 2024 05:00", "RFC 3339"),
        (
            "<updated>2024-10-20T05:00:00-07:00</updated>",
            "<updated>2024-10-20</updated>",
            "RFC 3339",
        ),
        ("<author><name>Ada</name></author>", "", "no author"),
        ("<author><name>Ada</name></author>", "<author></author>", "0 <name>"),
    ],
)
def test_bad_atom_entries_are_rejected(old: str, new: str, complaint: str) -> None:
    assert old in ENTRY
    bad = ATOM.replace(ENTRY, ENTRY.replace(old, new))
    problems = atom_problems(bad.encode())
    assert any(complaint in problem for problem in problems), problems


def test_atom_feed_level_rules() -> None:
    without_id = ATOM.replace("<id>tag:blog.example,2024:/feeds/posts/default</id>", "")
    assert any("feed: 0 <id>" in p for p in atom_problems(without_id.encode()))
    relative_self = ATOM.replace("http://blog.example/feeds/posts/default", "/feeds/posts/default")
    assert any("not absolute" in p for p in atom_problems(relative_self.encode()))
    twice = ATOM.replace(ENTRY, ENTRY + ENTRY)
    assert any("used twice" in p for p in atom_problems(twice.encode()))
    # An author on the feed covers entries without their own.
    authored = ATOM.replace(
        "<title>Field Notes</title>", "<title>Field Notes</title><author><name>B</name></author>"
    )
    assert atom_problems(authored.replace("<author><name>Ada</name></author>", "").encode()) == []


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ("Sun, 20 Oct 2024 05:00:00 -0700</pubDate>", "2024-10-20T05:00:00</pubDate>", "RFC 822"),
        (
            "Sun, 20 Oct 2024 05:00:00 -0700</pubDate>",
            "Mon, 20 Oct 2024 05:00:00 -0700</pubDate>",
            "RFC 822",
        ),
        (
            "<link>http://blog.example/2024/10/frost.html</link>",
            "<link>/2024/10/frost.html</link>",
            "not absolute",
        ),
        ('<guid isPermaLink="false">', "<guid>", "not a URL"),
        (
            '<guid isPermaLink="false">tag:blog.example,2024:/2024/10/frost.html</guid>',
            "",
            "no guid",
        ),
    ],
)
def test_bad_rss_items_are_rejected(old: str, new: str, complaint: str) -> None:
    assert old in ITEM
    problems = rss_problems(RSS.replace(ITEM, ITEM.replace(old, new)).encode())
    assert any(complaint in problem for problem in problems), problems


def test_rss_channel_rules() -> None:
    no_description = RSS.replace("<description>Notes</description>", "")
    assert any("0 <description>" in p for p in rss_problems(no_description.encode()))
    bad_date = RSS.replace("<lastBuildDate>Sun, 20 Oct 2024", "<lastBuildDate>20/10/2024")
    assert any("lastBuildDate" in p for p in rss_problems(bad_date.encode()))


@pytest.mark.parametrize(
    ("path", "value", "complaint"),
    [
        (("version",), "https://jsonfeed.org/version/1", "version"),
        (("title",), "", "no title"),
        (("home_page_url",), "/", "not absolute"),
        (("items", 0, "id"), "", "no id"),
        (("items", 0, "content_html"), None, "neither content_html nor content_text"),
        (("items", 0, "date_published"), "20 Oct 2024", "RFC 3339"),
        (("items", 0, "url"), "/2024/10/frost.html", "not absolute"),
        (("items", 0, "authors"), [{}], "no name, url or avatar"),
        (("items", 0, "colour"), "red", "unknown key"),
    ],
)
def test_bad_jsonfeeds_are_rejected(path: tuple[Any, ...], value: Any, complaint: str) -> None:
    document = copy.deepcopy(JSONFEED)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    problems = jsonfeed_problems(document)
    assert any(complaint in problem for problem in problems), problems


def test_jsonfeed_without_items_is_rejected() -> None:
    document = {key: value for key, value in JSONFEED.items() if key != "items"}
    assert "feed: no items array" in jsonfeed_problems(document)


def test_date_and_uri_helpers() -> None:
    assert is_rfc3339("2024-10-20T12:00:00Z") and is_rfc3339("2024-10-20T05:00:00.5-07:00")
    assert not is_rfc3339("2024-10-20 12:00:00Z") and not is_rfc3339("2024-13-20T12:00:00Z")
    assert is_rfc822("Sun, 20 Oct 2024 05:00:00 -0700") and is_rfc822("20 Oct 24 05:00 GMT")
    assert not is_rfc822("Sunday, 20 Oct 2024 05:00:00 -0700")
    assert is_absolute_uri("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
    assert not is_absolute_uri("http:///nohost") and not is_absolute_uri("http://a b/")
