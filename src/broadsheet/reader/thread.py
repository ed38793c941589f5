"""A post's comment thread as HTML, written in Python rather than a template.

A post with a hundred comments would otherwise run the template engine's include, variable
lookups and filters a hundred times over, which was most of the page's render time. The markup
is the one a `_comment.html` template made before (PAGE.md's comment anatomy). Every value is
escaped here (`html.escape`, quotes included) except the body, which is stored as HTML already
(`Comment.body_html`, escaped and linkified when the comment was saved).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from html import escape

from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs.models import Blog
from broadsheet.core.weblinks import web_url
from broadsheet.posts.models import Post
from broadsheet.reader import postpage, prepared
from broadsheet.reader.drawn import Drawings, drawn
from broadsheet.reader.postpage import Node
from broadsheet.reader.templatetags.reader_tags import local_comment_time


def thread_html(nodes: Iterable[Node], post: Post, blog: Blog) -> SafeString:
    reply_to = escape(reverse("comments:post", args=[post.pk])) if replies_open(post, blog) else ""
    write = Writer(post, blog, reply_to)
    for node in nodes:
        write.comment(node)
    return mark_safe("".join(write.parts))  # noqa: S308 - every value escaped on the way in


# Threads drawn in this process: a hundred comments are some 64 KB of HTML.
THREADS = Drawings(5000, characters=4_000_000)


def kept(prefix: str, blog: Blog, post: Post) -> SafeString:
    """The thread of a post read `by_permalink`, drawn once a process for each state of its
    comments (`reader.drawn`, `prefix` its `blog_key`, which names the blog's zone, time
    format, comment settings and the language).

    A comment anywhere on the blog moves its content version, so every page misses after it;
    the thread of every other post is as it was, and drawing a hundred comments again (their
    query, their tree, their HTML) was a quarter to a third of such a post page's miss. It is
    kept under the post's stamp (`prepared.THREAD_STAMP`), which the database's triggers
    (`publish.poststamps`) move in the transaction of any write to what the thread shows,
    whoever writes: the actions, the Django admin, an import, raw SQL. The post is named by
    its id and creation time (a post reusing a deleted one's id is another) and its address;
    whether replies are open is in the key too. Drawn each time for a post read without a
    stamp (the ORM's fallback in `postpage.public_post`)."""
    if not post.comments_shown:  # "Don't allow, hide existing"
        return mark_safe("")
    draw = functools.partial(_drawn, post, blog)
    stamp = getattr(post, prepared.THREAD_STAMP, None)
    if stamp is None:
        return draw()
    inputs = ("thread", post.pk, post.created_at, stamp, post.permalink, replies_open(post, blog))
    return mark_safe(drawn(prefix, inputs, draw, THREADS))  # noqa: S308 - drawn as `_drawn`


def _drawn(post: Post, blog: Blog) -> SafeString:
    return thread_html(postpage.comment_tree(post), post, blog)


def replies_open(post: Post, blog: Blog) -> bool:
    return bool(post.comments_allowed and blog.comments_enabled)


@functools.lru_cache(maxsize=4096)
def moment(
    created: dt.datetime, zone: dt.tzinfo, time_format: str, language: str | None
) -> tuple[str, str, int]:
    """A comment's time as its footer shows it: the local moment in ISO form, the escaped
    text, and the milliseconds of Blogger's `showComment`. The same comments are drawn on
    every miss of their post, and formatting a moment was half of drawing a comment; kept
    by the moment itself (equal only for the same instant, which is all the text depends on
    beside the zone, format and language), never by a version that could be forgotten."""
    local = created.astimezone(zone)
    shown = escape(local_comment_time(local, time_format, language))
    return local.isoformat(timespec="seconds"), shown, int(created.timestamp() * 1000)


class Writer:
    """What every comment of the thread shares, looked up once."""

    def __init__(self, post: Post, blog: Blog, reply_to: str) -> None:
        self.permalink = escape(post.permalink)
        self.zone = blog.tzinfo
        self.time_format = blog.time_format
        self.language = translation.get_language()
        self.reply_to = reply_to
        self.parts: list[str] = []

    def comment(self, node: Node) -> None:
        comment, parts = node.comment, self.parts
        # Both anchors are `c` and digits (the id, or the number Blogger's id ends with):
        # nothing to escape, a hundred times a page.
        anchor = comment.anchor
        parts.append(f'<li class="comment" id="{anchor}">\n')
        kept = comment.kept_anchor
        if kept != anchor:
            # Links from the blog's Blogger days point at `#c<Blogger's comment id>`.
            parts.append(f'  <span class="comment-anchor" id="{kept}"></span>\n')
        if node.removed:
            parts.append('  <p class="comment-removed">This comment has been removed.</p>\n')
        else:
            name, url = escape(comment.display_name), escape(web_url(comment.author_url))
            who = (
                f'<a href="{url}" rel="nofollow ugc noopener">{name}</a>'
                if url
                else f"<span>{name}</span>"
            )
            iso, shown_time, ms = moment(
                comment.created_at, self.zone, self.time_format, self.language
            )
            parts.append(
                f'  <p class="comment-author">{who} said…</p>\n'
                f'  <div class="comment-body">{comment.shown_body}</div>\n'
                f'  <p class="comment-footer"><a href="{self.permalink}?showComment='
                f'{ms}#{anchor}"><time datetime="{iso}">{shown_time}</time></a>'
            )
            if self.reply_to:
                parts.append(
                    f' <a class="comment-reply" href="{self.reply_to}?parent={comment.pk}'
                    f'#comment-form" data-parent="{comment.pk}" data-name="{name}">Reply<span'
                    f' class="visually-hidden"> to {name}</span></a>'
                )
            parts.append("</p>\n")
        if node.replies:
            parts.append('  <ol class="comment-replies">\n')
            for reply in node.replies:
                self.comment(reply)
            parts.append("  </ol>\n")
        parts.append("</li>\n")
