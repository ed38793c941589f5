"""Writing a blog as a WordPress export (WXR 1.2), for moving to WordPress.

Written entry by entry like the Blogger export. WordPress numbers posts and pages in one
sequence and comments in another, so the file numbers them afresh (posts first, then pages)
rather than reusing Broadsheet's separate ids. Labels become categories, as Google's own
Blogger-to-WordPress tools map them. Text is escaped rather than wrapped in CDATA: any XML
parser reads both, and escaping has no `]]>` trap.

Each uploaded image of the blog follows the posts and pages as an attachment item, the way
WordPress's own exporter writes them (`wp:attachment_url`, `wp:post_parent` naming the first
post or page that shows it), so that WordPress's importer downloads it; the bodies show it by
that address (`export_media.Uploads`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from email.utils import format_datetime
from itertools import chain
from typing import BinaryIO

from django.utils import timezone
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.core import embeds, slugs
from broadsheet.media.models import UploadedImage
from broadsheet.portability.export_media import Uploads
from broadsheet.portability.text import xml_text as _xml_text
from broadsheet.portability.wordpress import CONTENT, DC
from broadsheet.posts.models import Page, Post

WP = "http://wordpress.org/export/1.2/"
EXCERPT = "http://wordpress.org/export/1.2/excerpt/"
HTML_BLOCK = ("<!-- wp:html -->", "<!-- /wp:html -->")
NSMAP = {"excerpt": EXCERPT, "content": CONTENT, "dc": DC, "wp": WP}
CHUNK = 500
# By value, so that statuses added later (the studio's trash) map without an import.
_POST_STATUS: dict[str, str] = {
    "published": "publish",
    "scheduled": "future",
    "draft": "draft",
    "trash": "trash",
}
_COMMENT_STATUS: dict[str, str] = {
    Comment.Status.PUBLISHED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}


def export_wordpress(blog: Blog, out: BinaryIO, *, base: str) -> dict[str, int]:
    """Write `blog` to `out` as a WXR 1.2 file; links are absolute under `base`."""
    writer = _WxrWriter(blog, base)
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", version="2.0", nsmap=NSMAP), xf.element("channel"):
            for element in chain(writer.channel(), writer.items()):
                etree.cleanup_namespaces(element)
                xf.write("\n", element)
                xf.flush()
            xf.write("\n")
    return writer.counts


class _WxrWriter:
    def __init__(self, blog: Blog, base: str) -> None:
        self.blog, self.base = blog, base.rstrip("/")
        self.counts = {"posts": 0, "pages": 0, "comments": 0, "images": 0}
        self.number = 0
        self.comment_numbers: dict[int, int] = {}
        self.uploads = Uploads(blog, self.base)

    def channel(self) -> list[etree._Element]:
        channel = etree.Element("channel", nsmap=NSMAP)
        _sub(channel, "title", self.blog.title)
        _sub(channel, "link", self.base + "/")
        _sub(channel, "description", self.blog.description)
        _sub(channel, "pubDate", format_datetime(timezone.now()))
        _sub(channel, "language", self.blog.language)
        _sub(channel, f"{{{WP}}}wxr_version", "1.2")
        _sub(channel, f"{{{WP}}}base_site_url", self.base + "/")
        _sub(channel, f"{{{WP}}}base_blog_url", self.base + "/")
        for name in self.author_names():
            author = _sub(channel, f"{{{WP}}}author")
            _sub(author, f"{{{WP}}}author_login", _login(name))
            _sub(author, f"{{{WP}}}author_display_name", name)
        _sub(channel, "generator", "Broadsheet")
        # Written one by one, each declaring the namespaces it uses.
        return [_detached(child) for child in channel]

    def author_names(self) -> list[str]:
        posts = Post.objects.filter(blog=self.blog).select_related("author")
        return sorted({post.display_author for post in posts.iterator(chunk_size=CHUNK)})

    def items(self) -> Iterator[etree._Element]:
        posts = Post.objects.filter(blog=self.blog).order_by("pk").prefetch_related("labels")
        for post in posts.select_related("author").iterator(chunk_size=CHUNK):
            self.counts["posts"] += 1
            yield self.post(post)
        for page in Page.objects.filter(blog=self.blog).order_by("pk"):
            self.counts["pages"] += 1
            yield self.page(page)
        # Last, when every post and page has said which images it shows.
        for image, url, parent in self.uploads.images():
            self.counts["images"] += 1
            yield self.attachment(image, url, parent)

    def post(self, post: Post) -> etree._Element:
        when = post.published_at or post.created_at
        item = self._item(
            post.title, post.permalink, embeds.as_iframes(post.body_html), when, post.updated_at
        )
        _sub(item, f"{{{DC}}}creator", _login(post.display_author))
        _sub(item, f"{{{EXCERPT}}}encoded", post.search_description)
        self._fields(item, "post", _POST_STATUS.get(post.status, "draft"), post.slug, 0)
        _sub(item, f"{{{WP}}}comment_status", "open" if post.comments_allowed else "closed")
        for label in post.labels.all():
            _sub(item, "category", label.name, domain="category", nicename=_login(label.name))
        comments = post.comments.order_by("created_at", "pk")
        for comment in comments.iterator(chunk_size=CHUNK):
            self.counts["comments"] += 1
            item.append(self.comment(comment))
        return item

    def page(self, page: Page) -> etree._Element:
        when = page.published_at or page.updated_at
        path = page.get_absolute_url()
        item = self._item(
            page.title, path, embeds.as_iframes(page.body_html), when, page.updated_at
        )
        status = _POST_STATUS.get(page.status, "draft")
        self._fields(item, "page", status, page.slug, page.position)
        _sub(item, f"{{{WP}}}comment_status", "closed")
        return item

    def _item(
        self, title: str, path: str, body: str, when: dt.datetime, updated: dt.datetime
    ) -> etree._Element:
        self.number += 1
        item = etree.Element("item", nsmap=NSMAP)
        _sub(item, "title", title)
        _sub(item, "link", self.base + path if path else f"{self.base}/?p={self.number}")
        _sub(item, "pubDate", format_datetime(when))
        _sub(item, "guid", f"{self.base}/?p={self.number}", isPermaLink="false")
        # One Custom HTML block: WordPress shows block content as it is, where it would run
        # its paragraph filter (wpautop) over classic content and turn newlines into breaks.
        body = self.uploads.body(body, self.number)
        _sub(item, f"{{{CONTENT}}}encoded", f"{HTML_BLOCK[0]}{body}{HTML_BLOCK[1]}")
        _sub(item, f"{{{WP}}}post_id", str(self.number))
        self._dates(item, "post_date", when)
        self._dates(item, "post_modified", updated)
        return item

    def attachment(self, image: UploadedImage, url: str, parent: int) -> etree._Element:
        """An uploaded image as WordPress writes one: its file's address as link, guid and
        `wp:attachment_url`, under the item that first shows it."""
        self.number += 1
        title = image.original_name.rsplit(".", 1)[0] or f"image-{self.number}"
        item = etree.Element("item", nsmap=NSMAP)
        _sub(item, "title", title)
        _sub(item, "link", url)
        _sub(item, "pubDate", format_datetime(image.created_at))
        _sub(item, f"{{{DC}}}creator", _login(_uploader(image)))
        _sub(item, "guid", url, isPermaLink="false")
        _sub(item, f"{{{CONTENT}}}encoded", "")
        _sub(item, f"{{{WP}}}post_id", str(self.number))
        self._dates(item, "post_date", image.created_at)
        self._fields(item, "attachment", "inherit", slugs.blogger_slug(title), 0, parent)
        _sub(item, f"{{{WP}}}attachment_url", url)
        if image.alt:
            meta = _sub(item, f"{{{WP}}}postmeta")
            _sub(meta, f"{{{WP}}}meta_key", "_wp_attachment_image_alt")
            _sub(meta, f"{{{WP}}}meta_value", image.alt)
        return item

    def _fields(
        self, item: etree._Element, kind: str, status: str, slug: str, order: int, parent: int = 0
    ) -> None:
        _sub(item, f"{{{WP}}}post_name", slug)
        _sub(item, f"{{{WP}}}status", status)
        _sub(item, f"{{{WP}}}post_parent", str(parent))
        _sub(item, f"{{{WP}}}menu_order", str(order))
        _sub(item, f"{{{WP}}}post_type", kind)
        _sub(item, f"{{{WP}}}post_password", "")

    def _dates(self, parent: etree._Element, name: str, when: dt.datetime) -> None:
        local = timezone.localtime(when, self.blog.tzinfo)
        _sub(parent, f"{{{WP}}}{name}", f"{local:%Y-%m-%d %H:%M:%S}")
        _sub(parent, f"{{{WP}}}{name}_gmt", f"{when.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}")

    def comment(self, comment: Comment) -> etree._Element:
        number = self.comment_numbers.setdefault(comment.pk, len(self.comment_numbers) + 1)
        element = etree.Element(f"{{{WP}}}comment", nsmap=NSMAP)
        _sub(element, f"{{{WP}}}comment_id", str(number))
        _sub(element, f"{{{WP}}}comment_author", comment.author_name)
        _sub(element, f"{{{WP}}}comment_author_email", comment.author_email)
        _sub(element, f"{{{WP}}}comment_author_url", comment.author_url)
        self._dates(element, "comment_date", comment.created_at)
        # WordPress keeps comments as HTML with newlines for breaks: escape the text.
        _sub(element, f"{{{WP}}}comment_content", html.escape(comment.body, quote=False))
        _sub(element, f"{{{WP}}}comment_approved", _COMMENT_STATUS[comment.status])
        _sub(element, f"{{{WP}}}comment_parent", self._parent_number(comment.parent_id))
        return element

    def _parent_number(self, parent: int | None) -> str:
        if parent is None:
            return "0"
        # Comments go out oldest first; a reply dated before its parent (possible after an
        # import) still gets its parent's number, handed out here ahead of time.
        return str(self.comment_numbers.setdefault(parent, len(self.comment_numbers) + 1))


def _detached(element: etree._Element) -> etree._Element:
    copy = etree.Element(element.tag, dict(element.attrib), nsmap=NSMAP)
    copy.text = element.text
    copy.extend(element)
    return copy


def _sub(parent: etree._Element, tag: str, text: str = "", /, **attributes: str) -> etree._Element:
    clean = {key: _xml_text(value) for key, value in attributes.items()}
    element = etree.SubElement(parent, tag, clean)
    if text:
        element.text = _xml_text(text)
    return element


def _uploader(image: UploadedImage) -> str:
    person = image.uploaded_by
    return (person.get_full_name() or person.get_username()) if person is not None else ""


def _login(name: str) -> str:
    return slugs.blogger_slug(name) if name else "anonymous"
