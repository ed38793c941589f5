"""Writing a blog as a Blogger backup file (the GData Atom shape Blogger imports).

The file is written as it is built, one entry at a time, so a large blog never sits in
memory as a tree. Post bodies are the sanitised HTML readers see, with the addresses of
uploaded images made absolute (`export_media`); comments, which are plain
text here, become HTML paragraphs. Where Blogger's format has no place for something we keep
(a comment awaiting moderation, or marked as spam), a `blogger:status` element of Blogger's
2018 namespace carries it, which the Broadsheet importer reads back.

Posts and comments are written under the entry ids our feeds serve (`posts.identity`): the
Blogger ids of imported ones, kept, and our own tag ids otherwise. Importing the file keeps
them again, so feed readers see nothing new after any number of moves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

from django.db.models import F
from django.utils import timezone
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.core import embeds
from broadsheet.portability.blogger import (
    APP,
    ATOM,
    BLOGGER_2018,
    GDATA,
    KIND_PREFIX,
    KIND_SCHEME,
    LABEL_SCHEME,
    THREAD,
)
from broadsheet.portability.export_media import absolute_media
from broadsheet.portability.links import local_iso, tag_uri
from broadsheet.portability.text import text_to_html
from broadsheet.portability.text import xml_text as _xml_text
from broadsheet.posts import identity
from broadsheet.posts.models import LIVE_STATUSES, Page, Post, ReaderComments

# A post's comment option in Blogger's words (its API's `readerComments` values).
BLOGGER_OPTIONS = {
    ReaderComments.ALLOW: "ALLOW",
    ReaderComments.STOP: "DONT_ALLOW_SHOW_EXISTING",
    ReaderComments.HIDE: "DONT_ALLOW_HIDE_EXISTING",
}
NSMAP = {None: ATOM, "gd": GDATA, "thr": THREAD, "app": APP, "blogger": BLOGGER_2018}
CHUNK = 500
_TAIL_NUMBER = re.compile(r"(\d+)\s*$")
_COMMENT_STATUS: dict[str, str] = {Comment.Status.PENDING: "PENDING", Comment.Status.SPAM: "SPAM"}


def export_blogger(blog: Blog, out: BinaryIO, *, base: str) -> dict[str, int]:
    """Write `blog` to `out` as a Blogger backup; links are absolute under `base`.
    Returns how many posts, pages and comments were written."""
    writer = _BloggerWriter(blog, base)
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{ATOM}}}feed", nsmap=NSMAP):
            for element in chain(writer.header(), writer.entries()):
                # Each element is written alone and so declares its namespaces itself;
                # only the ones it uses.
                etree.cleanup_namespaces(element)
                xf.write("\n", element)
                xf.flush()
            xf.write("\n")
    return writer.counts


class _BloggerWriter:
    def __init__(self, blog: Blog, base: str) -> None:
        self.blog, self.base = blog, base.rstrip("/")
        self.now = timezone.now()
        self.counts = {"posts": 0, "pages": 0, "comments": 0}

    def header(self) -> list[etree._Element]:
        elements = [
            _top("id", tag_uri(self.blog, self.base, "archive")),
            _top("updated", local_iso(self.blog, self.blog.updated_at)),
            _top("title", self.blog.title, type="text"),
            _top("link", rel="alternate", type="text/html", href=self.base + "/"),
            # Blogger's importer looks for its own name here; Google's wordpress2blogger
            # converter writes it the same way.
            _top("generator", "Blogger"),
        ]
        settings = {
            "BLOG_NAME": self.blog.title,
            "BLOG_DESCRIPTION": self.blog.description,
            "BLOG_TIME_ZONE": self.blog.time_zone,
            "BLOG_LOCALE": self.blog.language,
        }
        return elements + [self.setting(name, value) for name, value in settings.items()]

    def setting(self, name: str, value: str) -> etree._Element:
        entry = self._entry("settings", tag_uri(self.blog, self.base, f"settings.{name}"))
        _sub(entry, ATOM, "content", value, type="text")
        return entry

    def entries(self) -> Iterator[etree._Element]:
        posts = Post.objects.filter(blog=self.blog).order_by("pk").prefetch_related("labels")
        for post in posts.iterator(chunk_size=CHUNK):
            self.counts["posts"] += 1
            yield self.post(post)
        for page in Page.objects.filter(blog=self.blog).order_by("pk"):
            self.counts["pages"] += 1
            yield self.page(page)
        comments = Comment.objects.filter(post__blog=self.blog).select_related("post")
        # A reply names its parent by the number at the end of the parent's entry id.
        comments = comments.annotate(parent_source_id=F("parent__source_id"))
        for comment in comments.order_by("pk").iterator(chunk_size=CHUNK):
            self.counts["comments"] += 1
            yield self.comment(comment)

    def post(self, post: Post) -> etree._Element:
        entry = self._entry("post", identity.post_id(self.blog, post))
        _times(entry, self.blog, post.published_at or post.created_at, post.updated_at)
        for label in post.labels.all():
            _sub(entry, ATOM, "category", scheme=LABEL_SCHEME, term=label.name)
        _sub(entry, ATOM, "title", post.title, type="text")
        _sub(
            entry,
            ATOM,
            "content",
            absolute_media(embeds.as_iframes(post.body_html), self.base),
            type="html",
        )
        if post.permalink:
            _link(entry, "alternate", self.base + post.permalink, "text/html", title=post.title)
        _author(entry, post.display_author)
        self._state(entry, post.status, getattr(post, "trashed_at", None))
        if post.status == Post.Status.SCHEDULED:
            _sub(entry, BLOGGER_2018, "status", "SCHEDULED")
        if post.search_description:
            _sub(entry, BLOGGER_2018, "metaDescription", post.search_description)
        if not post.comments_allowed:
            _sub(entry, BLOGGER_2018, "readerComments", BLOGGER_OPTIONS[post.reader_comments])
        if post.comments_shown:  # a hidden thread has no count to tell
            _sub(entry, THREAD, "total", str(post.comment_count))
        return entry

    def page(self, page: Page) -> etree._Element:
        entry = self._entry("page", tag_uri(self.blog, self.base, f"page-{page.pk}"))
        _times(entry, self.blog, page.published_at or page.updated_at, page.updated_at)
        _sub(entry, ATOM, "title", page.title, type="text")
        _sub(
            entry,
            ATOM,
            "content",
            absolute_media(embeds.as_iframes(page.body_html), self.base),
            type="html",
        )
        _link(entry, "alternate", self.base + page.get_absolute_url(), "text/html")
        self._state(entry, page.status, getattr(page, "trashed_at", None))
        return entry

    def _state(self, entry: etree._Element, status: str, trashed_at: dt.datetime | None) -> None:
        """Anything readers cannot see is a draft to Blogger; the trash is marked as such."""
        if status in LIVE_STATUSES:
            return
        control = _sub(entry, APP, "control")
        _sub(control, APP, "draft", "yes")
        if status == "trash":
            _sub(entry, BLOGGER_2018, "trashed", local_iso(self.blog, trashed_at or self.now))

    def comment(self, comment: Comment) -> etree._Element:
        post = comment.post
        entry_id = identity.comment_id(self.blog, post, comment.pk, comment.source_id)
        entry = self._entry("comment", entry_id)
        _times(entry, self.blog, comment.created_at, comment.updated_at)
        _sub(entry, ATOM, "title", " ".join(comment.body.split())[:60], type="text")
        _sub(entry, ATOM, "content", text_to_html(comment.body), type="html")
        post_url = self.base + post.permalink if post.permalink else ""
        if post_url:
            shown = f"{post_url}?showComment={int(comment.created_at.timestamp() * 1000)}"
            _link(entry, "alternate", f"{shown}#{comment.kept_anchor}", "text/html")
        if comment.parent_id:
            # Blogger names the comment a reply answers by the last part of this address.
            parent = f"{self.base}/feeds/{post.pk}/comments/default/{_parent_number(comment)}"
            _link(entry, "related", parent, "application/atom+xml")
        _author(entry, comment.display_name, comment.author_url, comment.author_email)
        post_id = identity.post_id(self.blog, post)
        reply = _sub(entry, THREAD, "in-reply-to", ref=post_id, type="text/html")
        if post_url:
            reply.set("href", post_url)
        self._comment_status(entry, comment.status)
        return entry

    def _comment_status(self, entry: etree._Element, status: str) -> None:
        if status == Comment.Status.TRASH:
            _sub(entry, GDATA, "extendedProperty", name="blogger.contentRemoved", value="true")
        elif status in _COMMENT_STATUS:
            _sub(entry, BLOGGER_2018, "status", _COMMENT_STATUS[status])

    def _entry(self, kind: str, entry_id: str) -> etree._Element:
        entry = etree.Element(f"{{{ATOM}}}entry", nsmap=NSMAP)
        _sub(entry, ATOM, "id", entry_id)
        _sub(entry, ATOM, "category", scheme=KIND_SCHEME, term=KIND_PREFIX + kind)
        return entry


def _parent_number(comment: Comment) -> str:
    """The number that ends the parent's entry id: its Blogger id when it has one kept."""
    match = _TAIL_NUMBER.search(getattr(comment, "parent_source_id", None) or "")
    return match.group(1) if match else str(comment.parent_id)


def _top(tag: str, text: str = "", /, **attributes: str) -> etree._Element:
    element = etree.Element(f"{{{ATOM}}}{tag}", nsmap={None: ATOM})
    for key, value in attributes.items():
        element.set(key, _xml_text(value))
    element.text = _xml_text(text) or None
    return element


def _sub(
    parent: etree._Element, namespace: str, tag: str, text: str = "", /, **attributes: str
) -> etree._Element:
    clean = {key: _xml_text(value) for key, value in attributes.items()}
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", clean)
    if text:
        element.text = _xml_text(text)
    return element


def _times(entry: etree._Element, blog: Blog, published: dt.datetime, updated: dt.datetime) -> None:
    _sub(entry, ATOM, "published", local_iso(blog, published))
    _sub(entry, ATOM, "updated", local_iso(blog, updated))


def _link(parent: etree._Element, rel: str, href: str, kind: str, title: str = "") -> None:
    link = _sub(parent, ATOM, "link", rel=rel, type=kind, href=href)
    if title:
        link.set("title", _xml_text(title))


def _author(parent: etree._Element, name: str, uri: str = "", email: str = "") -> None:
    author = _sub(parent, ATOM, "author")
    _sub(author, ATOM, "name", name or "Anonymous")
    if uri:
        _sub(author, ATOM, "uri", uri)
    if email:
        _sub(author, ATOM, "email", email)
