"""Reading Blogger backups (Settings → Manage blog → Back up content).

Blogger has written two shapes of Atom over the years, both handled here:

* **GData (2008 on)**: every entry says what it is with a category in the
  `http://schemas.google.com/g/2005#kind` scheme (`…/kind#post`, `#page`, `#comment`,
  `#settings`, `#template`); labels are categories in `http://www.blogger.com/atom/ns#`;
  drafts carry `<app:control><app:draft>yes</app:draft>` (2018 files use the `app:` prefix
  without declaring it, which `xmlsafe` repairs); a comment names its post in
  `<thr:in-reply-to ref="…">` and the comment it answers in `<link rel="related"
  href="…/comments/default/PARENT_ID">`; a removed comment has
  `<gd:extendedProperty name="blogger.contentRemoved" value="true">`. Google's
  wordpress2blogger converter writes the same shape with short ids (`post-17`,
  `post-17.comment-8`).
* **Takeout (2018 namespace, `http://schemas.google.com/blogger/2018`)**: `blogger:type`
  (POST, PAGE, COMMENT), `blogger:status` (LIVE, DRAFT, SCHEDULED; PENDING or SPAM on
  comments), `blogger:filename` (the path, `/2024/10/slug.html`), `blogger:created`,
  `blogger:metaDescription`, `blogger:trashed` (a time when the item is in the trash),
  `blogger:parent` (a comment's post) and `blogger:inReplyTo` (the comment it answers),
  `blogger:readerComments` (a post's comment option, in the values of Blogger's API: ALLOW,
  DONT_ALLOW_SHOW_EXISTING, DONT_ALLOW_HIDE_EXISTING; absent means ALLOW);
  labels are categories in a `tag:blogger.com,1999:blog-ID` scheme.

Times keep their offsets (`2008-04-15T09:28:00.000-07:00`) and are stored as the instants they
name. Paths come from `blogger:filename` or the entry's `rel="alternate"` link, relative to
the blog's own address when the blog lived under a path (`/blogspot/name/2008/04/x.html`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree

from broadsheet.comments.models import Comment
from broadsheet.portability.errors import WrongFormatError
from broadsheet.portability.records import CommentRecord, ItemRecord, Record, SourceInfo
from broadsheet.portability.text import (
    email_or_blank,
    html_to_text,
    plain_title,
    text_to_html,
    web_url,
)
from broadsheet.portability.times import in_range
from broadsheet.portability.xmlsafe import SafeXMLSource, iter_elements, release
from broadsheet.posts.models import Post

ATOM = "http://www.w3.org/2005/Atom"
APP = "http://purl.org/atom/app#"
THREAD = "http://purl.org/syndication/thread/1.0"
GDATA = "http://schemas.google.com/g/2005"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"
BLOGGER_2008 = "http://schemas.google.com/blogger/2008"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
CLOSED_OPTIONS = ("DONT_ALLOW_SHOW_EXISTING", "DONT_ALLOW_HIDE_EXISTING")

# Prefixes Blogger has been seen to use without declaring them.
UNDECLARED_PREFIXES = {"app": APP}

_ENTRY = f"{{{ATOM}}}entry"
_FEED_FIELDS = [f"{{{ATOM}}}link", f"{{{ATOM}}}title", f"{{{ATOM}}}id"]
_NOREPLY = "noreply@blogger.com"
_TAIL_NUMBER = re.compile(r"(\d+)\s*$")
# The query parts that are part of an address: WordPress's `?p=12` and `?page_id=7`, which
# Google's wordpress2blogger converter carries into Blogger files.
ADDRESS_QUERIES = ("p", "page_id")
_COMMENT_STATUS = {
    "LIVE": Comment.Status.PUBLISHED,
    "PENDING": Comment.Status.PENDING,
    "SPAM": Comment.Status.SPAM,
    "DELETED": Comment.Status.TRASH,
}


class BloggerReader:
    """Turns a Blogger backup into records, one entry at a time."""

    def __init__(self, source: SafeXMLSource) -> None:
        if (source.root.namespace, source.root.name) != (ATOM, "feed"):
            raise WrongFormatError(
                f"This is not a Blogger backup: its root element is {source.root.describe()}, "
                "where a Blogger backup has an Atom <feed>."
            )
        self.source = source
        self.info = SourceInfo(source="blogger")
        self.skipped: Counter[str] = Counter()
        self.base_path = "/"

    def records(self) -> Iterator[Record]:
        for element in iter_elements(self.source, [_ENTRY, *_FEED_FIELDS]):
            if element.tag == _ENTRY:
                record = self.entry(element)
                release(element)
                if record is not None:
                    yield record
            elif _is_feed_child(element):
                self.feed_field(element)

    def feed_field(self, element: etree._Element) -> None:
        if element.tag == f"{{{ATOM}}}title":
            self.info.title = self.info.title or _text(element)
        elif element.tag == f"{{{ATOM}}}link" and element.get("rel") == "alternate":
            self.info.address = element.get("href", "").strip()
            path = urlsplit(self.info.address).path
            self.base_path = unquote(path).rstrip("/") + "/"

    def entry(self, entry: etree._Element) -> Record | None:
        kind = entry_kind(entry)
        if kind == "settings":
            self.setting(entry)
            return None
        if kind not in ("post", "page", "comment"):
            self.skipped[f"Blogger {kind or 'unknown'} entries"] += 1
            return None
        if _blogger(entry, "trashed"):
            self.skipped[f"{kind}s in Blogger's trash"] += 1
            return None
        return self.comment(entry) if kind == "comment" else self.item(entry, kind == "page")

    def setting(self, entry: etree._Element) -> None:
        name = _child_text(entry, ATOM, "id").rpartition(".settings.")[2]
        value = _child_text(entry, ATOM, "content")
        if name:
            self.info.settings[name[:100]] = value[:10_000]
        if name == "BLOG_TIME_ZONE":
            self.info.time_zone = value
        elif name == "BLOG_NAME" and value:
            self.info.title = value

    def item(self, entry: etree._Element, is_page: bool) -> ItemRecord:
        published = _time(entry, ATOM, "published")
        key = _child_text(entry, ATOM, "id")
        option = _blogger(entry, "readerComments").upper()
        return ItemRecord(
            key=key,
            is_page=is_page,
            title=_title(entry),
            html=_content(entry),
            status=_item_status(entry),
            published_at=published,
            updated_at=_time(entry, ATOM, "updated") or published,
            created_at=_time(entry, BLOGGER_2018, "created") or published,
            author_name=_author(entry)[0],
            labels=_labels(entry),
            old_path=self.path(entry),
            search_description=_blogger(entry, "metaDescription"),
            extra=_blogger_id(key),
            # Blogger has no fourth option: anything else is its default, allow.
            comments_allowed=option not in CLOSED_OPTIONS,
            comments_hidden=option == "DONT_ALLOW_HIDE_EXISTING",
        )

    def path(self, entry: etree._Element) -> str:
        filename = _blogger(entry, "filename")
        if filename:
            return unquote(filename)
        href = _link(entry, "alternate")
        return address_path(href, self.base_path) if href else ""

    def comment(self, entry: etree._Element) -> CommentRecord:
        name, uri, email = _author(entry)
        created = _time(entry, ATOM, "published") or _time(entry, ATOM, "updated")
        return CommentRecord(
            key=_child_text(entry, ATOM, "id"),
            post_key=_blogger(entry, "parent") or _reply_ref(entry),
            parent_key=_blogger(entry, "inReplyTo") or _tail_number(_link(entry, "related")),
            body=html_to_text(_content(entry)),
            status=_comment_status(entry),
            created_at=created or dt.datetime.now(dt.UTC),
            updated_at=_time(entry, ATOM, "updated"),
            author_name=name,
            author_url=web_url(uri),
            author_email="" if email.lower() == _NOREPLY else email_or_blank(email),
        )


def entry_kind(entry: etree._Element) -> str:
    """post, page, comment, settings, template, or "" when the entry does not say."""
    for category in entry.iterfind(f"{{{ATOM}}}category"):
        if category.get("scheme") == KIND_SCHEME:
            return category.get("term", "").rpartition("#")[2]
    return _blogger(entry, "type").lower()


def address_path(href: str, base_path: str = "/") -> str:
    """An address as a path on the blog: decoded, relative to where the blog lived, with
    only the queries that name a page (`?p=12`). A bare path is taken as a path, even one
    that starts with two slashes."""
    if href.startswith("//") and "://" not in href:
        href = "/" + href.lstrip("/")
    parts = urlsplit(href.strip())
    # "//a/b" is how some exports wrote "/a/b"; servers merge the slashes, so do we.
    path = re.sub(r"/{2,}", "/", unquote(parts.path)) or "/"
    if base_path != "/" and (path + "/").startswith(base_path):
        path = path[len(base_path) - 1 :] or "/"
    query = [(key, value) for key, value in parse_qsl(parts.query) if key in ADDRESS_QUERIES]
    return path + (f"?{query[0][0]}={query[0][1]}" if query else "")


def _is_feed_child(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.getparent() is None


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _child_text(entry: etree._Element, namespace: str, name: str) -> str:
    return _text(entry.find(f"{{{namespace}}}{name}"))


def _blogger(entry: etree._Element, name: str) -> str:
    """A `blogger:` element's text, in either namespace Blogger has used."""
    for namespace in (BLOGGER_2018, BLOGGER_2008):
        found = entry.find(f"{{{namespace}}}{name}")
        if found is not None:
            return _text(found)
    return ""


def _time(entry: etree._Element, namespace: str, name: str) -> dt.datetime | None:
    return parse_time(_child_text(entry, namespace, name))


def parse_time(value: str) -> dt.datetime | None:
    """An RFC 3339 time as an aware datetime; a time without an offset is taken as UTC. None
    for one that is not a time, or that no page could show (`times`)."""
    try:
        return in_range(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def _title(entry: etree._Element) -> str:
    title = entry.find(f"{{{ATOM}}}title")
    if title is None:
        return ""
    return plain_title(title.text or "", is_html=title.get("type") in ("html", "xhtml"))


def _content(entry: etree._Element) -> str:
    content = entry.find(f"{{{ATOM}}}content")
    if content is None:
        content = entry.find(f"{{{ATOM}}}summary")
    if content is None:
        return ""
    if content.get("type") == "xhtml":
        return "".join(etree.tostring(child, encoding="unicode") for child in content)
    if content.get("type", "text") == "text":
        return text_to_html(content.text or "")
    return content.text or ""


def _item_status(entry: etree._Element) -> str:
    draft = entry.find(f"{{{APP}}}control/{{{APP}}}draft")
    status = _blogger(entry, "status").upper()
    if _text(draft).lower() == "yes":
        return Post.Status.DRAFT
    if status == "SCHEDULED":
        return Post.Status.SCHEDULED
    # LIVE, or no status at all in the older shape; anything else stays out of sight.
    return Post.Status.PUBLISHED if status in ("", "LIVE") else Post.Status.DRAFT


def _comment_status(entry: etree._Element) -> str:
    for prop in entry.iterfind(f"{{{GDATA}}}extendedProperty"):
        if prop.get("name") == "blogger.contentRemoved" and prop.get("value") == "true":
            return Comment.Status.TRASH
    status = _blogger(entry, "status").upper()
    if not status:
        return Comment.Status.PUBLISHED
    # A status we do not know waits for a person to look at it rather than going public.
    return _COMMENT_STATUS.get(status, Comment.Status.PENDING)


def _labels(entry: etree._Element) -> list[str]:
    names: list[str] = []
    for category in entry.iterfind(f"{{{ATOM}}}category"):
        scheme = category.get("scheme", "")
        if scheme == LABEL_SCHEME or scheme.startswith("tag:blogger.com") or not scheme:
            # Takeout has been seen to pack several labels into one term, a line each.
            names.extend(line.strip() for line in category.get("term", "").split("\n"))
    return [name for name in names if name]


def _author(entry: etree._Element) -> tuple[str, str, str]:
    author = entry.find(f"{{{ATOM}}}author")
    if author is None:
        return "", "", ""
    return tuple(  # type: ignore[return-value]
        " ".join(_child_text(author, ATOM, name).split()) for name in ("name", "uri", "email")
    )


def _link(entry: etree._Element, rel: str) -> str:
    for link in entry.iterfind(f"{{{ATOM}}}link"):
        if link.get("rel") == rel and link.get("href"):
            return link.get("href", "")
    return ""


def _reply_ref(entry: etree._Element) -> str:
    reply = entry.find(f"{{{THREAD}}}in-reply-to")
    return (reply.get("ref") or "").strip() if reply is not None else ""


def _tail_number(href: str) -> str:
    match = _TAIL_NUMBER.search(urlsplit(href).path) if href else None
    return match.group(1) if match else ""


def _blogger_id(key: str) -> dict[str, str]:
    """Blogger's numeric post id, which its per-post comment feed address carries."""
    match = re.search(r"[.:]post-(\d+)$", key) if key.startswith("tag:blogger.com") else None
    return {"blogger_id": match.group(1)} if match else {}
