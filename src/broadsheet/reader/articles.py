"""The posts of a listing page, each drawn once for what it shows.

On a miss of a listing page (the home page, a label, a month) drawing its posts through the
template language was the larger part of the render: a post's title, teaser, byline, time,
comment link and labels, with an include per post. But the commonest writes leave a page's
posts as they were (a comment moves one post's count; an edit, one post), and the same post
shows on the home page, its labels' pages and its month. So each post's HTML is kept
(`reader.drawn`, a store of its own) under a hash of its row, its byline, its labels and the
blog as drawn (`blog_key`: every setting, the active language); the template stays the one
source of the bytes, and a changed input is a new key.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader.drawn import Drawings, blog_key, drawn

# A listing shows up to a hundred posts; a few thousand posts' HTML is a few MB.
ARTICLES = Drawings(5000)


def attach(posts: list[Post], blog: Blog) -> None:
    """Give each post `article_html`, drawn when the template asks for it (so a theme with
    its own listing pays nothing), in the language the page is drawn in."""
    page: dict[Any, str] = {}  # what the page's posts share: the blog's key, their bylines
    for post in posts:
        post.article_html = partial(_article, post, blog, page)  # type: ignore[attr-defined]


def _article(post: Post, blog: Blog, page: dict[Any, str]) -> SafeString:
    if "key" not in page:  # once per page: the blog's settings are some forty columns
        page["key"] = blog_key(blog)
    draw: Callable[[], str] = partial(_draw, post, blog)
    return mark_safe(drawn(page["key"], _inputs(post, page), draw, ARTICLES))  # noqa: S308


# Not shown, and the largest columns: the source the body is made from, and its plain text.
# The body is shown (the teaser is cut from it), so it is in the key.
_UNSHOWN = frozenset({"source", "text"})
_SHOWN = [field.attname for field in Post._meta.concrete_fields if field.name not in _UNSHOWN]


_ROW = operator.attrgetter(*_SHOWN)


def _inputs(post: Post, page: dict[Any, str]) -> tuple[Any, ...]:
    """All that a post's HTML depends on beside the blog: its row (title, body, time, comment
    settings and count…) but for what it is made from, its byline and its labels' names."""
    labels = tuple(label.name for label in _labels(post))
    return (_ROW(post), post.has_jump, _byline(post, page), labels)  # type: ignore[attr-defined]


def _byline(post: Post, page: dict[Any, str]) -> str:
    """`post.display_author`, worked out once a page for each author (some 10 µs each: the
    profile, the full name, the rule against addresses). The page's posts are read in one
    query, so one author's name and profile are the same on each of them."""
    if post.author_name:
        return post.author_name
    if (post.author_id,) not in page:
        page[(post.author_id,)] = post.display_author
    return page[(post.author_id,)]


def _labels(post: Post) -> Any:
    """The post's labels as `listing.load_labels` left them, without building the related
    manager that `post.labels.all()` makes on each call (a few us, eight times a page)."""
    kept = post.__dict__.get("_prefetched_objects_cache", {}).get("labels")
    return post.labels.all() if kept is None else kept


def _draw(post: Post, blog: Blog) -> str:
    # The whitespace the loop around it in listing.html had, so the page keeps its bytes.
    return "\n" + render_to_string("reader/_listing_post.html", {"post": post, "blog": blog}) + "  "
