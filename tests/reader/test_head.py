"""What every page's `<head>` tells feed readers, search engines and link previews."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_page
from broadsheet.posts.models import Page, Post
from broadsheet.reader.head import _FirstImage, first_image
from tests.conftest import MakePost
from tests.feeds.conftest import ORIGIN

pytestmark = pytest.mark.django_db


class HeadReader(HTMLParser):
    """The `<link>`, `<meta>` and JSON-LD of a page's head, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            self.links.append(values)
        elif tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld[-1] += data

    def alternates(self) -> list[tuple[str, str]]:
        return [
            (link["type"], link["href"]) for link in self.links if link.get("rel") == "alternate"
        ]

    def canonical(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]


def head(client: Client, path: str, host: str = "testserver") -> HeadReader:
    response = client.get(path, HTTP_HOST=host)
    html = response.content.decode()
    reader = HeadReader()
    reader.feed(html[: html.index("</head>")])
    return reader


BLOG_FEEDS = [
    ("application/atom+xml", f"{ORIGIN}/feeds/posts/default"),
    ("application/rss+xml", f"{ORIGIN}/feeds/posts/default?alt=rss"),
    ("application/feed+json", f"{ORIGIN}/feed.json"),
]


@pytest.fixture
def post(make_post: MakePost) -> Post:
    return make_post(
        "Frost on the kale",
        source="![A frosted leaf](/media/leaf.jpg)\n\nThe kale survived.",
        labels=("Garden", "Winter"),
        search_description="How the kale came through the first frost.",
    )


def test_post_page_advertises_feeds_canonical_and_previews(client: Client, post: Post) -> None:
    page = head(client, post.permalink)
    assert page.alternates() == [
        *BLOG_FEEDS,
        ("application/atom+xml", f"{ORIGIN}/feeds/{post.pk}/comments/default"),
    ]
    url = ORIGIN + post.permalink
    assert page.canonical() == [url]
    description = "How the kale came through the first frost."
    assert page.meta["description"] == [description]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:title"] == ["Frost on the kale"]
    assert page.meta["og:site_name"] == ["Field Notes"]
    assert page.meta["og:url"] == [url]
    assert page.meta["og:description"] == [description]
    assert page.meta["og:image"] == [f"{ORIGIN}/media/leaf.jpg"]
    assert page.meta["article:published_time"] == ["2024-10-20T12:00:00+00:00"]
    assert page.meta["article:tag"] == ["Garden", "Winter"]
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["twitter:title"] == ["Frost on the kale"]
    assert page.meta["twitter:image"] == [f"{ORIGIN}/media/leaf.jpg"]


def test_post_page_carries_blogposting_json_ld(client: Client, post: Post) -> None:
    (data,) = [json.loads(block) for block in head(client, post.permalink).json_ld]
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Frost on the kale"
    assert data["datePublished"] == "2024-10-20T12:00:00+00:00"
    assert data["dateModified"] == "2024-10-20T12:00:00+00:00"
    assert data["author"] == {"@type": "Person", "name": "Ada Byron"}
    assert data["mainEntityOfPage"] == data["url"] == ORIGIN + post.permalink
    assert data["image"] == f"{ORIGIN}/media/leaf.jpg"
    assert data["keywords"] == ["Garden", "Winter"]


def test_json_ld_cannot_end_its_script_block(client: Client, make_post: MakePost) -> None:
    post = make_post("</script><script>alert(1)</script> & more")
    html = client.get(post.permalink).content.decode()
    block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script> & more"


def test_post_without_search_description_uses_its_snippet(
    client: Client, make_post: MakePost
) -> None:
    post = make_post("Plain", source="Just some *text* here.")
    page = head(client, post.permalink)
    assert page.meta["description"] == page.meta["og:description"] == ["Just some text here."]
    assert page.meta["twitter:card"] == ["summary"] and "og:image" not in page.meta


def test_home_page(client: Client, post: Post) -> None:
    page = head(client, "/?m=1")
    assert page.alternates() == BLOG_FEEDS
    assert page.canonical() == [f"{ORIGIN}/"]
    assert page.meta["og:type"] == ["website"]
    assert page.meta["og:title"] == ["Field Notes"]
    assert page.meta["description"] == ["Small observations, written down."]
    assert page.json_ld == []


def test_label_page_offers_its_label_feed(client: Client, make_post: MakePost) -> None:
    make_post("Coffee", labels=("Café", "Seed Saving"))
    for path in ("/search/label/Caf%C3%A9+Seed%20Saving", "/search?label=Caf%C3%A9%2BSeed+Saving"):
        page = head(client, path)
        feed = ("application/atom+xml", f"{ORIGIN}/feeds/posts/default/-/Caf%C3%A9/Seed%20Saving")
        assert page.alternates() == [*BLOG_FEEDS, feed]
        assert page.canonical() == [f"{ORIGIN}/search/label/Caf%C3%A9+Seed%20Saving"]
        assert page.meta["og:title"] == ["Café, Seed Saving"]


def test_static_page(client: Client, blog: Blog) -> None:
    save_page(Page(blog=blog, title="About", source="Who *we* are.", status=Page.Status.PUBLISHED))
    page = head(client, "/p/about.html")
    assert page.canonical() == [f"{ORIGIN}/p/about.html"]
    assert page.meta["og:title"] == ["About"]
    assert page.meta["og:description"] == ["Who we are."]


def test_archive_has_a_canonical_and_search_has_none(client: Client, post: Post) -> None:
    assert head(client, "/2024/10/?m=0").canonical() == [f"{ORIGIN}/2024/10/"]
    assert head(client, "/search?q=kale").canonical() == []
    assert head(client, "/no/such/page").canonical() == []


def test_private_blog_advertises_no_feeds(
    client: Client, blog: Blog, post: Post, author: object
) -> None:
    blog.is_private = True
    blog.save()
    client.force_login(author)  # type: ignore[arg-type]
    assert head(client, post.permalink).alternates() == []


def test_other_blog_names_its_own_host(
    client: Client, other_blog: Blog, make_post: MakePost
) -> None:
    post = make_post("Elsewhere", target=other_blog)
    page = head(client, post.permalink, host="other.localhost")
    assert page.canonical() == [f"http://other.localhost{post.permalink}"]
    assert (
        "application/atom+xml",
        "http://other.localhost/feeds/posts/default",
    ) in page.alternates()


BODIES = [
    "",
    "<p>No picture here, only <b>words</b> and an &lt;img src=x&gt; written out.</p>",
    '<p>A picture: <img src="/media/a.jpg" alt="A"></p><img src="/media/b.jpg">',
    '<P><IMG SRC="https://example.org/Upper.PNG"></P>',
    '<p><ImG sRc="mixed.gif"></p>',
    '<img alt="no source"><img src="second.jpg">',
    '<!-- <img src="in-a-comment.jpg"> --><p>Then none.</p>',
    '<a href="/x"><imgx src="not-an-image.jpg"></a>',
    '<img src="javascript:alert(1)">',
    '<p>Zoë\u2019s <img\nsrc="new-line.jpg"></p>',
]


@pytest.mark.parametrize("body", BODIES)
def test_a_posts_first_image_as_the_parser_finds_it(body: str) -> None:
    """`first_image` skips the parser for a body without `<img`: the same answer either way."""
    base = "https://blog.example/2024/10/post.html"
    parsed = _FirstImage()
    parsed.feed(body)
    expected = urljoin(base, parsed.src.strip()) if parsed.src else ""
    if not expected.startswith(("http://", "https://")):
        expected = ""
    assert first_image(body, base) == expected
