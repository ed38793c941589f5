"""Hostile titles, labels and comments come out of every feed as text, never as markup.

The payloads are the project's XSS corpus. Each goes into a post title and body, a label, and
a comment and its author's name (comments are written by anyone). Every feed is then read back:
- Atom text fields (`type="text"`) must hold exactly the payload, as text;
- RSS text fields, which some readers render as HTML, must hold no `<` or `>` at all;
- every piece of HTML content must be free of anything that runs.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from broadsheet.posts.models import Post
from tests.conftest import NOON, MakeComment, MakePost
from tests.feeds.conftest import hours
from tests.feeds.rules import A, parse_xml, read_feed, read_jsonfeed

pytestmark = pytest.mark.django_db

CORPUS = Path("/work/shared/corpora/xss/xss_payloads_quick.txt")
PAYLOADS = [line for line in CORPUS.read_text().splitlines() if line.strip()]
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
ACTIVE_TAGS = {
    *("script", "svg", "math", "iframe", "frame", "object", "embed", "style", "form"),
    *("input", "select", "textarea", "keygen", "button", "base", "meta", "link"),
}


class ActiveMarkup(HTMLParser):
    """Collects what would run if the HTML were rendered: active elements, event handlers,
    script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            squeezed = "".join((value or "").split()).lower()
            if name.startswith("on") or squeezed.startswith(("javascript:", "vbscript:", "data:")):
                self.found.append(f"{tag} {name}={value!r}")


def active(html: str) -> list[str]:
    finder = ActiveMarkup()
    finder.feed(html)
    return finder.found


@pytest.fixture
def hostile(make_post: MakePost, make_comment: MakeComment) -> list[Post]:
    posts = []
    for number, payload in enumerate(PAYLOADS):
        post = make_post(
            payload,
            source=f"Body {payload}",
            labels=(payload,),
            published_at=NOON - hours(number),
        )
        make_comment(post, payload, author_name=payload, author_url="javascript:alert(1)")
        posts.append(post)
    return posts


def test_corpus_is_there() -> None:
    assert len(PAYLOADS) > 30


@pytest.mark.parametrize(
    "path", ["/feeds/posts/default", "/feeds/posts/summary", "/feeds/comments/default"]
)
def test_atom_text_is_the_payload_as_text(client: Client, hostile: list[Post], path: str) -> None:
    response = client.get(f"{path}?max-results=500")
    feed = read_feed(response)
    root = parse_xml(response.content)
    entries = root.findall(f"{A}entry")
    assert len(entries) == len(PAYLOADS)
    for entry, parsed in zip(entries, feed.entries, strict=True):
        title = entry.find(f"{A}title")
        assert title is not None and title.get("type", "text") == "text" and len(title) == 0
        assert parsed.title_detail.type == "text/plain"
        names = [name.text or "" for name in entry.iter(f"{A}name")]
        terms = [category.get("term", "") for category in entry.iter(f"{A}category")]
        for text in [title.text or "", *names, *terms]:
            assert text.strip() in {p.strip() for p in PAYLOADS} | {"Ada Byron"} or "..." in text
        for element in (entry.find(f"{A}content"), entry.find(f"{A}summary")):
            if element is not None and element.get("type") == "html":
                assert active(element.text or "") == [], element.text


@pytest.mark.parametrize("path", ["/feeds/posts/default", "/feeds/comments/default"])
def test_rss_text_holds_no_angle_brackets(client: Client, hostile: list[Post], path: str) -> None:
    response = client.get(f"{path}?alt=rss&max-results=500")
    read_feed(response)
    channel = parse_xml(response.content).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == len(PAYLOADS)
    for item in items:
        texts = [el.text or "" for el in item if el.tag in ("title", "category", DC_CREATOR)]
        assert texts and all("<" not in text and ">" not in text for text in texts), texts
        assert active(item.findtext("description") or "") == []


def test_json_feed_content_is_sanitised(client: Client, hostile: list[Post]) -> None:
    for path in (
        "/feed.json?max-results=500",
        "/feeds/comments/default?alt=jsonfeed&max-results=500",
    ):
        items = read_jsonfeed(client.get(path))["items"]
        assert len(items) == len(PAYLOADS)
        for item in items:
            assert active(item["content_html"]) == [], item["content_html"]
            assert all("url" not in author for author in item.get("authors", []))


def test_per_post_comment_feed(client: Client, hostile: list[Post]) -> None:
    for post in hostile[:5]:
        response = client.get(f"/feeds/{post.pk}/comments/default")
        entry = read_feed(response).entries[0]
        assert "href" not in entry.author_detail  # the javascript: URL was dropped
        root = parse_xml(response.content)
        assert [uri.text for uri in root.iter(f"{A}uri")] == []
        assert active(root.findtext(f"{A}entry/{A}content") or "") == []
        rss = client.get(f"/feeds/{post.pk}/comments/default?alt=rss")
        read_feed(rss)
        assert active(read_feed(rss).entries[0].description) == []
