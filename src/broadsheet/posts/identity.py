"""What a blog's posts, pages, comments and feeds are called by programs that keep them.

Feeds and exports leave the site and are kept by feed readers and other installs, so every
entry has one id, written here and nowhere else. Entry ids are tag URIs (RFC 4151) built from
the canonical host, a year and the permalink. They never use database ids, because those change
when a blog is exported and imported into another install, and a feed reader that sees new ids
shows every entry again as unread. Editing a post changes none of the parts (the permalink is
fixed at first publication), so ids survive edits.

A post or comment brought in by an import keeps the id it had (`source_id`: Blogger's
`tag:blogger.com,1999:blog-BLOGID.post-POSTID`, or the id an earlier Broadsheet export gave
it), so the readers subscribed to the old blog see nothing new after the move.
"""

from __future__ import annotations

import re

from broadsheet.blogs.hosts import canonical_host
from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Page, Post

_PERMALINK_YEAR = re.compile(r"^/(\d{4})/")


def _tag(blog: Blog, year: int, specific: str) -> str:
    return f"tag:{canonical_host(blog)},{year}:{specific}"


def feed_id(blog: Blog, path: str) -> str:
    """A feed's id: the same for every page and every format of one feed."""
    return _tag(blog, blog.created_at.year, path)


def post_id(blog: Blog, post: Post) -> str:
    """The id the post had before it was imported, or `tag:HOST,YEAR:/YYYY/MM/slug.html`;
    the year is the permalink's, which never moves."""
    if post.source_id:
        return post.source_id
    match = _PERMALINK_YEAR.match(post.permalink)
    # Imported posts may keep a path without a year; their first publication year stands in.
    year = int(match.group(1)) if match else (post.published_at or post.created_at).year
    return _tag(blog, year, post.permalink)


def page_id(blog: Blog, page: Page) -> str:
    return _tag(blog, (page.published_at or page.updated_at).year, page.get_absolute_url())


def comment_id(blog: Blog, post: Post, comment_pk: int, source_id: str | None = None) -> str:
    """The id the comment had before it was imported (`source_id`), or the post's id with the
    comment's anchor. Exports write this id and imports keep it, so it survives a move."""
    return source_id or f"{post_id(blog, post)}#c{comment_pk}"
