"""Blogger's GData JSON: `?alt=json`, and `?alt=json-in-script&callback=NAME` (JSONP).

Many Blogger themes' widgets (recent posts, related posts, comment lists) read the feeds in
this shape: the Atom feed mapped to JSON, an element's text under `$t`, a namespace prefix
joined to the name with `$` (`openSearch$totalResults`, `thr$total`, `media$thumbnail`), the
numbers as strings. It is written from the same entries as our Atom.

JSONP runs as a script on our origin, so the callback is only ever a plain JavaScript name
(dotted names allowed, as Blogger's own `gdata.io.handleScriptLoaded`), checked before anything
is written (`callback_name`); the answer is `application/javascript` with `nosniff`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import IO, Any

from django.utils.feedgenerator import SyndicationFeed

from broadsheet.feeds.content import CONTENT, HTML_SUMMARY, Body
from broadsheet.feeds.extensions import (
    GENERATOR,
    OPENSEARCH_NS,
    THREAD_NS,
    InReplyTo,
    Paging,
    Replies,
    StableDates,
)

ATOM_NS = "http://www.w3.org/2005/Atom"
GDATA_NS = "http://schemas.google.com/g/2005"
MEDIA_NS = "http://search.yahoo.com/mrss/"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
DEFAULT_CALLBACK = "gdata.io.handleScriptLoaded"  # what Blogger calls without a callback
MAX_CALLBACK = 100
# A JavaScript name, or names joined by dots: nothing that could be more than a call.
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*$")
_FIRST_IMAGE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"", re.IGNORECASE)


class BadCallback(ValueError):
    """The `callback` of a json-in-script request is not a plain JavaScript name."""


def callback_name(raw: str | None) -> str:
    """The function a json-in-script answer calls; raises `BadCallback` for anything but a
    plain (dotted) name of at most MAX_CALLBACK characters."""
    if raw is None or raw == "":
        return DEFAULT_CALLBACK
    if len(raw) > MAX_CALLBACK or not _CALLBACK.match(raw):
        raise BadCallback(raw)
    return raw


class GDataJson(StableDates, SyndicationFeed):
    content_type = "application/json; charset=utf-8"

    def write(self, outfile: IO[str], encoding: str) -> None:
        outfile.write(self.json())

    def json(self) -> str:
        document = {"version": "1.0", "encoding": "UTF-8", "feed": self.document()}
        # `<`, `>` and `&` escaped: the text is safe inside a <script> block and in HTML.
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def document(self) -> dict[str, Any]:
        feed, paging = self.feed, self.feed["paging"]
        return {
            "xmlns": ATOM_NS,
            "xmlns$openSearch": OPENSEARCH_NS,
            "xmlns$gd": GDATA_NS,
            "xmlns$thr": THREAD_NS,
            "id": _t(feed["id"]),
            "updated": _t(_time(self.latest_post_date())),
            "title": {"type": "text", "$t": feed["title"]},
            "subtitle": {"type": "html", "$t": feed["subtitle"] or ""},
            "link": self.feed_links(paging),
            "author": [_author(feed["author_name"] or feed["title"], feed["author_link"])],
            "generator": {"version": "1", "uri": "https://broadsheet.invalid/", "$t": GENERATOR},
            **_paging(paging),
            "entry": [self.entry(item) for item in self.items],
        }

    def feed_links(self, paging: Paging) -> list[dict[str, str]]:
        feed_url = self.feed["feed_url"]
        links = [
            _link("http://schemas.google.com/g/2005#feed", "application/atom+xml", feed_url),
            _link("self", "application/atom+xml", feed_url),
            _link("alternate", "text/html", self.feed["link"]),
        ]
        if self.feed["hub"]:
            links.append({"rel": "hub", "href": self.feed["hub"]})
        if paging.next_url:
            links.append(_link("next", "application/atom+xml", paging.next_url))
        return links

    def entry(self, item: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": _t(item["unique_id"]),
            "published": _t(_time(item["pubdate"] or item["updateddate"])),
            "updated": _t(_time(item["updateddate"] or item["pubdate"])),
            "category": [{"scheme": LABEL_SCHEME, "term": name} for name in item["categories"]],
            "title": {"type": "text", "$t": item["title"]},
            **_body(item["body"]),
            "link": _entry_links(item),
            "author": [_author(item["author_name"] or "Anonymous", item["author_link"])],
        }
        entry |= _thumbnail(item["body"]) | _replies(item["replies"])
        entry |= _in_reply_to(item["in_reply_to"])
        return entry


class GDataScript(GDataJson):
    """`alt=json-in-script`: the same document, as the argument of a call to `callback`."""

    content_type = "application/javascript; charset=utf-8"

    def write(self, outfile: IO[str], encoding: str) -> None:
        # Checked by callback_name before the feed was built; checked again, since this is
        # what would run as script on our origin.
        name = callback_name(self.feed["callback"])
        outfile.write(f"// API callback\n{name}({self.json()});")


def _t(value: str) -> dict[str, str]:
    return {"$t": value}


def _time(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="milliseconds") if value else ""


def _link(rel: str, kind: str, href: str, title: str | None = None) -> dict[str, str]:
    link = {"rel": rel, "type": kind, "href": href}
    return link | ({"title": title} if title is not None else {})


def _author(name: str, uri: str | None) -> dict[str, Any]:
    # Blogger hides every address behind this one; widgets expect the field.
    author = {"name": _t(name), "email": _t("noreply@blogger.com")}
    return author | ({"uri": _t(uri)} if uri else {})


def _paging(paging: Paging) -> dict[str, dict[str, str]]:
    return {
        "openSearch$totalResults": _t(str(paging.total)),
        "openSearch$startIndex": _t(str(paging.start_index)),
        "openSearch$itemsPerPage": _t(str(paging.items_per_page)),
    }


def _body(body: Body | None) -> dict[str, Any]:
    if body is None:
        return {}
    if body.kind == CONTENT:
        return {"content": {"type": "html", "$t": body.text}}
    kind = "html" if body.kind == HTML_SUMMARY else "text"
    return {"summary": {"type": kind, "$t": body.text}}


def _entry_links(item: dict[str, Any]) -> list[dict[str, str]]:
    links = []
    replies: Replies | None = item["replies"]
    if replies is not None:
        count = f"{replies.count} Comments"
        links.append(_link("replies", "application/atom+xml", replies.feed_url, "Post Comments"))
        links.append(_link("replies", "text/html", replies.html_url, count))
    links.append(_link("alternate", "text/html", item["link"], item["title"]))
    return links


def _thumbnail(body: Body | None) -> dict[str, Any]:
    """The first image of the post, where Blogger put `media$thumbnail` for widgets."""
    found = _FIRST_IMAGE.search(body.text) if body is not None else None
    if found is None:
        return {}
    url = found.group(1).replace("&amp;", "&")
    return {"media$thumbnail": {"xmlns$media": MEDIA_NS, "url": url, "height": "72", "width": "72"}}


def _replies(replies: Replies | None) -> dict[str, Any]:
    return {"thr$total": _t(str(replies.count))} if replies is not None else {}


def _in_reply_to(answered: InReplyTo | None) -> dict[str, Any]:
    if answered is None:
        return {}
    reply = {"xmlns$thr": THREAD_NS, "href": answered.href, "ref": answered.ref}
    return {"thr$in-reply-to": reply | {"type": "text/html"}}
