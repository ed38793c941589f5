"""Reading WordPress exports (WXR, "WordPress eXtended RSS", versions 1.0 to 1.2).

A WXR file is RSS 2.0 with WordPress's own namespace, `http://wordpress.org/export/1.N/`
(`https://` in WordPress.com's files). The channel names the site (`wp:base_blog_url`), its
authors and its terms; each `<item>` is a post, a page, an attachment or a menu entry, with
its comments nested inside as `<wp:comment>`.

What becomes what:

* `post` and `page` items become posts and pages; attachments, menu items and other types
  are counted and left (images stay linked where they are);
* statuses: `publish` → published (scheduled when its time is ahead), `future` →
  scheduled, `draft`, `pending` and `private` → draft; password-protected posts become drafts
  too, so that what was hidden is not made public; `trash` and `auto-draft` are left out;
* categories and tags become labels;
* classic-editor content gets WordPress's paragraphs (blank lines) before sanitising;
* comments keep their threads (`wp:comment_parent`), their approval (`1` published, `0`
  pending, `spam`, `trash`) and their authors; pingbacks and trackbacks are kept as comments,
  where WordPress themes show them;
* post and comment meta is kept as opaque text in `ImportedItem.extra`: PHP-serialised values
  (`a:2:{s:18:…}`) are never unserialised;
* a post's old addresses (`<link>`, `/?p=ID`, `/YYYY/MM/DD/slug/`) redirect to its new one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from broadsheet.comments.models import Comment
from broadsheet.portability.blogger import address_path
from broadsheet.portability.errors import MissingElementError, WrongFormatError
from broadsheet.portability.records import CommentRecord, ItemRecord, Record, SourceInfo
from broadsheet.portability.text import (
    email_or_blank,
    html_to_text,
    plain_title,
    web_url,
    wpautop,
)
from broadsheet.portability.times import in_range
from broadsheet.portability.xmlsafe import (
    CdataRepairReader,
    SafeXMLSource,
    iter_elements,
    release,
)
from broadsheet.posts.models import Post

CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
VERSIONS = ("1.0", "1.1", "1.2")
_CHANNEL_FIELDS = [
    *("{*}wxr_version", "{*}base_blog_url", "{*}base_site_url", "{*}author", "link", "title"),
]
_NO_DATE = "0000-00-00 00:00:00"
_STATUS = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.SCHEDULED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
_LEFT_OUT = {"trash": "items in WordPress's trash", "auto-draft": "automatic drafts"}
_COMMENT_STATUS = {
    "1": Comment.Status.PUBLISHED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
# WXR 1.0 called tags "tag"; later versions "post_tag".
_LABEL_DOMAINS = ("category", "post_tag", "tag")


class WordPressReader:
    """Turns a WXR file into records, one item at a time."""

    def __init__(
        self,
        source: SafeXMLSource,
        stream: SafeXMLSource | CdataRepairReader | None = None,
        time_zone: zoneinfo.ZoneInfo | dt.tzinfo = dt.UTC,
    ) -> None:
        if (source.root.namespace, source.root.name) != ("", "rss"):
            raise WrongFormatError(
                f"This is not a WordPress export: its root element is {source.root.describe()}, "
                "where a WXR file has <rss>."
                + (" It looks like a Blogger backup." if source.root.name == "feed" else "")
            )
        self.source = stream or source
        # Times WordPress wrote without an offset (drafts have no GMT date) are read in the
        # blog's zone: the WordPress site's own zone is not in the file.
        self.time_zone = time_zone
        self.info = SourceInfo(source="wordpress")
        self.skipped: Counter[str] = Counter()
        self.wp = ""
        self.version = ""
        self.authors: dict[str, str] = {}
        self.base_path = "/"

    def records(self) -> Iterator[Record]:
        for element in iter_elements(self.source, ["item", *_CHANNEL_FIELDS]):
            if element.tag == "item":
                self.check_version(element)
                yield from self.item(element)
                release(element)
            elif _in_channel(element):
                self.channel_field(element)
        self.check_version(None)

    def channel_field(self, element: etree._Element) -> None:
        name = etree.QName(element).localname
        namespace = etree.QName(element).namespace or ""
        if name == "wxr_version" and WP_NAMESPACE.match(namespace):
            self.wp, self.version = namespace, _text(element)
        elif name == "author" and namespace == self.wp:
            login = self.text(element, "author_login")
            self.authors[login] = self.text(element, "author_display_name") or login
        elif name == "title" and not namespace:
            self.info.title = _text(element)
        elif name in ("base_blog_url", "link") and not self.info.origin:
            self.info.origin = _text(element)
            self.base_path = unquote(urlsplit(_text(element)).path).rstrip("/") + "/"

    def check_version(self, item: etree._Element | None) -> None:
        if self.wp and self.version in VERSIONS:
            return
        if not self.wp:
            raise MissingElementError(
                "The file has no <wp:wxr_version> before its first item, so it is not a "
                "WordPress export (WordPress writes one into every WXR file)."
            )
        raise WrongFormatError(
            f"The file says it is WXR version {self.version!r}; this importer reads "
            f"versions {', '.join(VERSIONS)}."
        )

    def text(self, element: etree._Element, name: str) -> str:
        return _text(element.find(f"{{{self.wp}}}{name}"))

    def item(self, item: etree._Element) -> Iterator[Record]:
        post_type = self.text(item, "post_type") or "post"
        status = self.text(item, "status") or "publish"
        if post_type not in ("post", "page"):
            self.skipped[_type_reason(post_type)] += 1
            return
        if status in _LEFT_OUT or status not in _STATUS:
            self.skipped[_LEFT_OUT.get(status, f"items with status {status!r}")] += 1
            return
        record = self.item_record(item, post_type == "page", status)
        yield record
        for comment in item.iterfind(f"{{{self.wp}}}comment"):
            yield self.comment(comment, record)

    def item_record(self, item: etree._Element, is_page: bool, status: str) -> ItemRecord:
        post_id = self.text(item, "post_id")
        if not post_id:
            raise MissingElementError(f"The item on line {item.sourceline} has no <wp:post_id>.")
        title = plain_title(item.findtext("title") or "", is_html=True)
        when = self.item_time(item)
        mapped = self.status(item, status)
        if when is None and mapped != Post.Status.DRAFT:
            raise MissingElementError(
                f"The post {title!r} (item on line {item.sourceline}) has no <wp:post_date>, "
                "<wp:post_date_gmt> or <pubDate>, so it cannot be placed in time."
            )
        return ItemRecord(
            key=f"post:{post_id}",
            is_page=is_page,
            title=title,
            html=wpautop(item.findtext(f"{{{CONTENT}}}encoded") or ""),
            status=mapped,
            published_at=when if mapped != Post.Status.DRAFT else None,
            created_at=when,
            updated_at=self._time(item, "post_modified"),
            author_name=self.author(item),
            labels=_labels(item),
            old_path=self.link_path(item),
            other_paths=self.other_paths(item, post_id, is_page),
            slug_hint=unquote(self.text(item, "post_name")),
            comments_allowed=self.text(item, "comment_status") != "closed",
            search_description=html_to_text(_excerpt(item))[:300],
            position=_int(self.text(item, "menu_order")),
            extra=self.meta(item, "postmeta"),
        )

    def status(self, item: etree._Element, status: str) -> str:
        if self.text(item, "post_password"):
            self.skipped["password-protected posts (imported as drafts)"] += 1
            return Post.Status.DRAFT
        if status == "private":
            self.skipped["private posts (imported as drafts)"] += 1
        return _STATUS[status]

    def item_time(self, item: etree._Element) -> dt.datetime | None:
        return self._time(item, "post_date") or _rfc822(item.findtext("pubDate") or "")

    def _time(self, element: etree._Element, name: str) -> dt.datetime | None:
        """`wp:NAME_gmt` in UTC, else `wp:NAME` in the blog's zone."""
        gmt = _wp_time(self.text(element, f"{name}_gmt"))
        if gmt is not None:
            return in_range(gmt.replace(tzinfo=dt.UTC))
        local = _wp_time(self.text(element, name))
        return in_range(local.replace(tzinfo=self.time_zone)) if local else None

    def author(self, item: etree._Element) -> str:
        login = _text(item.find(f"{{{DC}}}creator"))
        return self.authors.get(login, login)

    def link_path(self, item: etree._Element) -> str:
        link = (item.findtext("link") or "").strip()
        return address_path(link, self.base_path) if link else ""

    def other_paths(self, item: etree._Element, post_id: str, is_page: bool) -> list[str]:
        paths = [f"/?page_id={post_id}" if is_page else f"/?p={post_id}"]
        name = unquote(self.text(item, "post_name"))
        local = _wp_time(self.text(item, "post_date"))
        if not is_page and name and local:
            # The "day and name" structure, WordPress's most common one.
            paths.append(f"/{local:%Y}/{local:%m}/{local:%d}/{name}/")
        return paths

    def meta(self, element: etree._Element, name: str) -> dict[str, Any]:
        pairs = [
            [self.text(meta, "meta_key"), _raw(meta.find(f"{{{self.wp}}}meta_value"))]
            for meta in element.iterfind(f"{{{self.wp}}}{name}")
        ]
        return {"meta": pairs} if pairs else {}

    def comment(self, element: etree._Element, item: ItemRecord) -> CommentRecord:
        created = self._time(element, "comment_date") or item.created_at
        parent = self.text(element, "comment_parent")
        extra = self.meta(element, "commentmeta")
        kind = self.text(element, "comment_type")
        if kind and kind != "comment":
            extra["type"] = kind
        return CommentRecord(
            key=f"comment:{self.text(element, 'comment_id')}",
            post_key=item.key,
            parent_key="" if parent in ("", "0") else parent,
            body=html_to_text(_raw(element.find(f"{{{self.wp}}}comment_content"))),
            status=_COMMENT_STATUS.get(
                self.text(element, "comment_approved"), Comment.Status.PENDING
            ),
            created_at=created or dt.datetime.now(dt.UTC),
            # WordPress keeps pingback authors (page titles) with their entities.
            author_name=" ".join(html.unescape(self.text(element, "comment_author")).split()),
            author_url=web_url(self.text(element, "comment_author_url")),
            author_email=email_or_blank(self.text(element, "comment_author_email")),
            extra=extra,
        )


def _in_channel(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == "channel"


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _raw(element: etree._Element | None) -> str:
    """Text exactly as written (meta values and comments keep their own spacing)."""
    return (element.text or "") if element is not None else ""


def _wp_time(value: str) -> dt.datetime | None:
    if not value or value == _NO_DATE:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _rfc822(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return in_range(parsed) if parsed.tzinfo else None


def _labels(item: etree._Element) -> list[str]:
    names: list[str] = []
    for category in item.iterfind("category"):
        # WXR 1.0 repeats each category without a domain; the domained copy is enough.
        if category.get("domain") in _LABEL_DOMAINS:
            name = " ".join((category.text or "").split())
            if name and name not in names:
                names.append(name)
    return names


def _excerpt(item: etree._Element) -> str:
    for child in item:
        name = etree.QName(child)
        if name.localname == "encoded" and (name.namespace or "").endswith("/excerpt/"):
            return child.text or ""
    return ""


def _type_reason(post_type: str) -> str:
    if post_type == "attachment":
        return "attachments (images stay linked where they are)"
    return f"WordPress {post_type} items"


def _int(value: str) -> int:
    return int(value) if value.isdigit() and int(value) < 32768 else 0
