"""What a page's `<head>` tells feed readers, search engines and link previews.

Feed links on every page of a public blog (a private blog's feeds answer 404 to feed readers,
so it advertises none); a canonical link on pages that have one true address; OpenGraph and
Twitter card tags; and JSON-LD `BlogPosting` on post pages. Everything here reads only what
the view has already loaded (the post's author and labels are fetched with it), so it adds no
query to any page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from django.http import HttpRequest
from django.utils.encoding import escape_uri_path
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs import hosts
from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.posts.models import Label, Page, Post
from broadsheet.webmention.endpoint import endpoint_url

# Listing views whose path (without query) is their canonical address.
LISTINGS = {"reader:home", "reader:archive-month", "reader:archive-year"}


@dataclass(frozen=True)
class FeedLink:
    type: str
    title: str
    href: str


@dataclass
class Head:
    feeds: list[FeedLink] = field(default_factory=list)
    canonical: str = ""
    properties: list[tuple[str, str]] = field(default_factory=list)  # <meta property>
    names: list[tuple[str, str]] = field(default_factory=list)  # <meta name>
    json_ld: SafeString | None = None
    # (rel, type, href): where programs write to the blog (the home page only, as WordPress
    # and the IndieWeb clients look there)
    services: list[tuple[str, str, str]] = field(default_factory=list)
    webmention: str = ""  # post pages: where other sites send their replies


@dataclass(frozen=True)
class Subject:
    """What a page is about, as the Open Graph protocol describes it."""

    title: str
    description: str
    kind: str = "website"
    image: str = ""


def head(request: HttpRequest, blog: Blog, context: Mapping[str, Any]) -> Head:
    origin = hosts.origin(blog, request)
    post = context.get("post")
    labels: list[str] = context.get("shown_labels") or []
    canonical = canonical_url(request, origin, context, labels)
    result = Head(feeds=feed_links(blog, origin, post, labels), canonical=canonical)
    if _view_name(request) == "reader:home":
        result.services = services(origin)
    subject = describe(blog, origin, context)
    result.properties = open_graph(blog, subject, canonical)
    result.names = twitter_card(subject)
    if isinstance(post, Post):
        result.properties += article_properties(post)
        result.json_ld = json_ld(blogposting(blog, post, canonical, subject))
        result.webmention = endpoint_url(blog, request)
        # A hidden blog's base template already says noindex, nofollow for every page.
        if post.robots and not blog.hide_from_search_engines:
            result.names.append(("robots", post.robots))
    return result


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return str(match.view_name) if match is not None else ""


def services(origin: str) -> list[tuple[str, str, str]]:
    """The writing doors of the `api` app (named by address: this layer does not import it)."""
    return [
        ("EditURI", "application/rsd+xml", origin + "/rsd.xml"),
        ("micropub", "", origin + "/micropub"),
        ("token_endpoint", "", origin + "/token"),
    ]


def feed_links(blog: Blog, origin: str, post: Any, labels: list[str]) -> list[FeedLink]:
    if blog.is_private:
        return []
    links = [
        FeedLink("application/atom+xml", f"{blog.title} - Atom", f"{origin}/feeds/posts/default"),
        FeedLink(
            "application/rss+xml", f"{blog.title} - RSS", f"{origin}/feeds/posts/default?alt=rss"
        ),
        FeedLink("application/feed+json", f"{blog.title} - JSON Feed", f"{origin}/feed.json"),
    ]
    if labels:
        path = "/".join(Label.quote(name) for name in labels)
        title = f"{blog.title} - {', '.join(labels)} - Atom"
        href = f"{origin}/feeds/posts/default/-/{path}"
        links.append(FeedLink("application/atom+xml", title, href))
    if isinstance(post, Post) and post.comments_shown:
        title = f"{blog.title} - {post.title or '(untitled)'} - Comments"
        href = f"{origin}/feeds/{post.pk}/comments/default"
        links.append(FeedLink("application/atom+xml", title, href))
    return links


def canonical_url(
    request: HttpRequest, origin: str, context: Mapping[str, Any], labels: list[str]
) -> str:
    """The page's one address, on the canonical host; "" for pages that have none (search
    results, errors). Paging and `?m=1` queries fall away: they show the same listing."""
    post, page = context.get("post"), context.get("page")
    if isinstance(post, Post):
        return origin + post.permalink
    if isinstance(page, Page):
        return origin + page.get_absolute_url()
    if "days" not in context:  # not a listing that rendered (a 404, say)
        return ""
    if labels:
        return origin + "/search/label/" + "+".join(map(Label.quote, labels))
    match = request.resolver_match
    if match is not None and match.view_name in LISTINGS:
        return origin + escape_uri_path(request.path)
    return ""


def describe(blog: Blog, origin: str, context: Mapping[str, Any]) -> Subject:
    post, page = context.get("post"), context.get("page")
    if isinstance(post, Post):
        text = post.search_description or post.snippet
        image = first_image(post.body_html, origin + post.permalink)
        return Subject(post.title or blog.title, text, "article", image)
    if isinstance(page, Page):
        return Subject(page.title, markup.snippet(page.body_html), "website")
    return Subject(context.get("page_title") or blog.title, blog.description)


def open_graph(blog: Blog, subject: Subject, canonical: str) -> list[tuple[str, str]]:
    tags = [
        ("og:site_name", blog.title),
        ("og:type", subject.kind),
        ("og:title", subject.title),
        ("og:description", subject.description),
        ("og:url", canonical),
        ("og:image", subject.image),
    ]
    return [(name, value) for name, value in tags if value]


def twitter_card(subject: Subject) -> list[tuple[str, str]]:
    card = "summary_large_image" if subject.image else "summary"
    tags = [
        ("twitter:card", card),
        ("twitter:title", subject.title),
        ("twitter:description", subject.description),
        ("twitter:image", subject.image),
    ]
    return [(name, value) for name, value in tags if value]


def article_properties(post: Post) -> list[tuple[str, str]]:
    tags = [("article:modified_time", post.updated_at.isoformat())]
    if post.published_at is not None:
        tags.insert(0, ("article:published_time", post.published_at.isoformat()))
    return tags + [("article:tag", label.name) for label in post.labels.all()]


def blogposting(blog: Blog, post: Post, url: str, subject: Subject) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title or blog.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": post.published_at.isoformat() if post.published_at else None,
        "dateModified": post.updated_at.isoformat(),
        "author": {"@type": "Person", "name": post.display_author},
        "publisher": {"@type": "Organization", "name": blog.title},
        "description": subject.description or None,
        "image": subject.image or None,
        "keywords": [label.name for label in post.labels.all()] or None,
        "inLanguage": blog.language,
    }
    return {key: value for key, value in data.items() if value is not None}


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a `<script type="application/ld+json">` block. The HTML parser ends the block
    at the first `</script` whatever the JSON says, so `<`, `>` and `&` go out as \\u escapes,
    which JSON reads back as the same characters."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308 - no markup can survive the escapes above


def first_image(html: str, base: str) -> str:
    """The first image of sanitised post HTML, as an absolute http(s) URL (or "")."""
    # The parser finds an image only in an `<img` tag (its name in any case, never made of
    # character references): without one, parsing a whole post for nothing was a tenth of a
    # millisecond of every post page's miss.
    if "<img" not in html.lower():
        return ""
    finder = _FirstImage()
    finder.feed(html)
    if not finder.src:
        return ""
    url = urljoin(base, finder.src.strip())
    return url if url.startswith(("http://", "https://")) else ""


class _FirstImage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self.src:
            self.src = dict(attrs).get("src") or ""
