"""Our XML writer (feeds/xmltext.py) writes exactly the bytes Django's SAX writer wrote.

The reference is the path every Atom and RSS feed took before: the posts' labels prefetched,
the feed built by Django's `Feed.get_feed`, each value made XML-safe, then Django's
`Atom1Feed.write` / `RssFeed.write` through `SimplerXMLGenerator`, driving the same hooks of
ours. JSON Feed and GData JSON are built by the same `get_feed`, so they are compared too. Every feed kind is rendered both ways from hostile data (the
XSS corpus, non-ASCII, `]]>`, both quotes, control characters) and the bytes compared.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import IO, Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.test import RequestFactory
from django.urls import resolve
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.xmlutils import SimplerXMLGenerator

from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.feeds import base, params
from broadsheet.feeds.atom import AtomFeed
from broadsheet.feeds.posts import PostsFeed
from broadsheet.feeds.rss import RssFeed
from broadsheet.feeds.xmltext import XmlText
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakeComment, MakePost
from tests.feeds.conftest import hours

CORPUS = Path("/work/shared/corpora/xss/xss_payloads_quick.txt")
ODD = [
    "Crème brûlée ☕ 日本語 — «quotes»",
    "a ]]> b <![CDATA[ c",
    "tab\tnew\nline\rreturn",
    "bell\x07 vt\x0b ff\x0c us\x1f nul\x00 esc\x1b del\x7f nel\x85 \ufffe\uffff end",
    "both \"double\" and 'single'",
    'only "double" here',
    "a & b < c > d &amp; &#2;",
    "\x01\x02",
]
# Every third payload of the quick corpus: each kind of markup is there, in a third of the time.
TEXTS = [line for line in CORPUS.read_text().splitlines() if line.strip()][::3] + ODD


def cleaned(value: Any) -> Any:
    """What the feeds did to every value before Django's writer saw it (the old XmlSafe)."""
    if isinstance(value, str):
        return markup.xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(cleaned(part) for part in value)
    if isinstance(value, dict):
        return {key: cleaned(part) for key, part in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = {f.name: cleaned(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **parts)
    return value


class SaxAtom(AtomFeed):
    def write(self, outfile: IO[str], encoding: str) -> None:
        self.feed, self.items = cleaned(self.feed), cleaned(self.items)
        Atom1Feed.write(self, outfile, encoding)


def prefetched(feed: PostsFeed, items: list[Post]) -> None:
    prefetch_related_objects(items, "labels")


def prefetched_names(feed: PostsFeed, item: Post) -> list[str]:
    return [label.name for label in item.labels.all()]


class SaxRss(RssFeed):
    def write(self, outfile: IO[str], encoding: str) -> None:
        self.feed, self.items = cleaned(self.feed), cleaned(self.items)
        Rss201rev2Feed.write(self, outfile, encoding)


@pytest.fixture
def hostile(blog: Blog, make_post: MakePost, make_comment: MakeComment) -> list[Post]:
    posts = []
    # PostgreSQL stores no NUL: the writer's own test below has it.
    for number, value in enumerate(text.replace("\x00", "") for text in TEXTS):
        source = f"{value}\n\n<!--more-->\n\n![x](/media/{number}.png) [more](/p?a=1&b=2)"
        label = value[:40] or "empty"
        post = make_post(
            value, source=source, labels=(label, "Garden"), published_at=NOON - hours(number)
        )
        parent = make_comment(post, value, author_name=value, author_url="https://e.test/?q=1&r=2")
        make_comment(post, f"re: {value}", author_name="Ana", parent=parent)
        posts.append(post)
    return posts


def render(blog: Blog, path: str) -> bytes:
    request = RequestFactory().get(path, HTTP_HOST="localhost")
    request.blog = blog  # type: ignore[attr-defined]  # what the blog middleware sets
    request.user = AnonymousUser()
    match = resolve(request.path)
    response = match.func(request, *match.args, **match.kwargs)
    assert response.status_code == 200, (path, response.content[:300])
    return bytes(response.content)


def both_formats(paths: list[str]) -> list[str]:
    return [path + fmt for path in paths for fmt in ("", "&alt=rss", "&alt=json", "&alt=jsonfeed")]


def render_all(blog: Blog, posts: list[Post]) -> dict[tuple[str, str], bytes]:
    """Every feed kind; those that carry post bodies under each of the blog's feed settings
    (full, up to the jump break, none), the rest once."""
    bodies = ["/feeds/posts/default?max-results=500", "/feeds/posts/default/-/Garden?x=1"]
    bodies += ["/feeds/pages/default?x=1", "/feeds/posts/default?max-results=5&start-index=3"]
    rendered = {}
    for content in Blog.FeedContent:
        blog.feed_content = content
        blog.save()
        rendered |= {(content, path): render(blog, path) for path in both_formats(bodies)}
    others = ["/feeds/posts/summary?x=1", "/feeds/comments/default?orderby=updated"]
    others += [f"/feeds/{post.pk}/comments/default?x=1" for post in posts[::7]]
    return rendered | {("", path): render(blog, path) for path in both_formats(others)}


@pytest.mark.django_db
def test_every_feed_is_byte_identical_to_djangos_builder_and_writer(
    blog: Blog, hostile: list[Post], monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = render_all(blog, hostile)
    monkeypatch.setitem(base.WRITERS, params.ATOM, SaxAtom)
    monkeypatch.setitem(base.WRITERS, params.RSS, SaxRss)
    monkeypatch.setattr(base.BlogFeed, "get_feed", Feed.get_feed)
    monkeypatch.setattr(PostsFeed, "prepare", prefetched)
    monkeypatch.setattr(PostsFeed, "item_categories", prefetched_names)
    assert render_all(blog, hostile) == ours
    everything = b"".join(ours.values())
    assert b"\x07" not in everything and "日本語".encode() in everything
    assert b"]]&gt; b &lt;![CDATA[" in everything and b"<title/>" in everything


@pytest.mark.parametrize("value", [*TEXTS, "lone \ud800 surrogate", "", "\x00"])
def test_writer_escapes_text_and_attributes_as_sax(value: str) -> None:
    ours, sax_out = XmlText(), io.StringIO()
    sax = SimplerXMLGenerator(sax_out, "utf-8", short_empty_elements=True)
    # SAX is given the value made XML-safe, as the feeds gave it every value; ours, raw.
    for handler, text in ((ours, value), (sax, markup.xml_safe(value))):
        handler.startDocument()
        handler.startElement("feed", {"z": "1", "a": text})
        handler.addQuickElement("title", text)
        handler.addQuickElement("link", "", {"href": text, "rel": "x"})
        handler.addQuickElement("empty")
        handler.startElement("author", {})
        handler.characters(text)
        handler.endElement("author")
        handler.processingInstruction("xml-stylesheet", 'href="s.xsl"')
        handler.endElement("feed")
    assert ours.getvalue() == sax_out.getvalue()
