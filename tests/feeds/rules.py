"""Our feed validator: the rules of Atom (RFC 4287), RSS 2.0 and JSON Feed 1.1 that feedparser
does not check.

feedparser only reports documents it cannot read (`bozo`); it happily accepts an entry with
two ids, a relative link or a date in the wrong format. The W3C Feed Validator would catch
those, but it cannot run here: it is not on PyPI or npm, and the npm package of that name only
calls the online service. So these functions check the rules themselves and return the list of
problems found; `test_rules.py` proves they reject known-bad feeds.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import feedparser
from defusedxml.ElementTree import fromstring as parse_xml
from django.http import HttpResponse

A = "{http://www.w3.org/2005/Atom}"
THR = "{http://purl.org/syndication/thread/1.0}"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC822 = re.compile(
    r"^(?:(?P<day>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:\d{2}|\d{4}) "
    r"\d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
TAG_URI = re.compile(r"^tag:[^,:\s]+,\d{4}(?:-\d{2}(?:-\d{2})?)?:\S+$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*$")


# Shared checks


def is_absolute_uri(value: str | None) -> bool:
    """An absolute URI/IRI: a scheme, no whitespace, a host for http(s), the tag grammar for
    tag: URIs (RFC 4151)."""
    if not value or any(ch.isspace() for ch in value):
        return False
    parts = urlsplit(value)
    if not SCHEME.match(parts.scheme or ""):
        return False
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    if parts.scheme == "tag":
        return bool(TAG_URI.match(value))
    return bool(parts.path or parts.netloc)


def is_web_url(value: str | None) -> bool:
    return is_absolute_uri(value) and urlsplit(value or "").scheme in ("http", "https")


def is_rfc3339(value: str | None) -> bool:
    if not value or not RFC3339.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_rfc822(value: str | None) -> bool:
    """An RFC 822 date (four-digit years allowed, as RFC 1123 has them), with a weekday that
    matches the date if one is given."""
    match = RFC822.match(value or "")
    if not match:
        return False
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return match["day"] is None or parsed.strftime("%a") == match["day"]


def _once(parent: ET.Element, tag: str, where: str, problems: list[str]) -> ET.Element | None:
    found = parent.findall(tag)
    if len(found) != 1:
        problems.append(f"{where}: {len(found)} <{tag.split('}')[-1]}>, expected exactly one")
    return found[0] if found else None


def _at_most_once(parent: ET.Element, tag: str, where: str, problems: list[str]) -> None:
    if len(parent.findall(tag)) > 1:
        problems.append(f"{where}: more than one <{tag.split('}')[-1]}>")


def _unique(ids: list[str], what: str, problems: list[str]) -> None:
    problems += [f"{what} {value!r} used twice" for value, n in Counter(ids).items() if n > 1]


# Atom (RFC 4287, RFC 4685)


def atom_problems(xml: bytes) -> list[str]:
    problems: list[str] = []
    root = parse_xml(xml)
    if root.tag != A + "feed":
        return [f"root is {root.tag}, not atom:feed"]
    _atom_common(root, "feed", problems)
    feed_author = root.find(A + "author") is not None
    entries = root.findall(A + "entry")
    for number, entry in enumerate(entries, start=1):
        _atom_entry(entry, f"entry {number}", feed_author, problems)
    _unique([entry.findtext(A + "id") or "" for entry in entries], "entry id", problems)
    return problems


def _atom_common(element: ET.Element, where: str, problems: list[str]) -> None:
    """What feeds and entries share: one id (an absolute URI), one title, one updated
    (RFC 3339), absolute links, authors with exactly one name, categories with a term."""
    ident = _once(element, A + "id", where, problems)
    if ident is not None and not is_absolute_uri(ident.text):
        problems.append(f"{where}: id {ident.text!r} is not an absolute URI")
    _once(element, A + "title", where, problems)
    updated = _once(element, A + "updated", where, problems)
    if updated is not None and not is_rfc3339(updated.text):
        problems.append(f"{where}: updated {updated.text!r} is not an RFC 3339 date")
    for link in element.findall(A + "link"):
        if not is_absolute_uri(link.get("href")):
            problems.append(f"{where}: link href {link.get('href')!r} is not absolute")
    alternates = [
        (link.get("type"), link.get("hreflang"))
        for link in element.findall(A + "link")
        if link.get("rel", "alternate") == "alternate"
    ]
    if len(alternates) != len(set(alternates)):
        problems.append(f"{where}: two alternate links with the same type and hreflang")
    for author in element.findall(A + "author"):
        _once(author, A + "name", f"{where} author", problems)
    for category in element.findall(A + "category"):
        if not category.get("term"):
            problems.append(f"{where}: category without a term")
    for tag in ("title", "subtitle", "summary", "rights"):
        for text in element.findall(A + tag):
            if text.get("type", "text") not in ("text", "html", "xhtml"):
                problems.append(f"{where}: {tag} type {text.get('type')!r}")


def _atom_entry(entry: ET.Element, where: str, feed_author: bool, problems: list[str]) -> None:
    _atom_common(entry, where, problems)
    if not feed_author and entry.find(A + "author") is None:
        problems.append(f"{where}: no author, and the feed has none")
    for tag in ("published", "content", "summary"):
        _at_most_once(entry, A + tag, where, problems)
    published = entry.find(A + "published")
    if published is not None and not is_rfc3339(published.text):
        problems.append(f"{where}: published {published.text!r} is not an RFC 3339 date")
    alternate = [link for link in entry.findall(A + "link") if link.get("rel") == "alternate"]
    if entry.find(A + "content") is None and not alternate:
        problems.append(f"{where}: neither content nor an alternate link")
    total = entry.findtext(THR + "total")
    if total is not None and not total.isdigit():
        problems.append(f"{where}: thr:total {total!r} is not a count")
    for answered in entry.findall(THR + "in-reply-to"):
        if not is_absolute_uri(answered.get("ref")):
            problems.append(f"{where}: in-reply-to ref {answered.get('ref')!r} not absolute")


# RSS 2.0


def rss_problems(xml: bytes) -> list[str]:
    problems: list[str] = []
    root = parse_xml(xml)
    if root.tag != "rss" or root.get("version") != "2.0":
        return ['root is not <rss version="2.0">']
    channel = _once(root, "channel", "rss", problems)
    if channel is None:
        return problems
    for tag in ("title", "link", "description"):
        _once(channel, tag, "channel", problems)
    if not is_absolute_uri(channel.findtext("link")):
        problems.append("channel: link is not absolute")
    _rss_dates(channel, "channel", ("pubDate", "lastBuildDate"), problems)
    for link in channel.findall(A + "link"):
        if not is_absolute_uri(link.get("href")):
            problems.append(f"channel: atom:link {link.get('href')!r} is not absolute")
    items = channel.findall("item")
    for number, item in enumerate(items, start=1):
        _rss_item(item, f"item {number}", problems)
    _unique([item.findtext("guid") or "" for item in items], "guid", problems)
    return problems


def _rss_item(item: ET.Element, where: str, problems: list[str]) -> None:
    if item.find("title") is None and item.find("description") is None:
        problems.append(f"{where}: neither title nor description")
    for tag in ("title", "link", "description", "guid", "pubDate", "comments"):
        _at_most_once(item, tag, where, problems)
    for tag in ("link", "comments"):
        value = item.findtext(tag)
        if value is not None and not is_absolute_uri(value):
            problems.append(f"{where}: {tag} {value!r} is not absolute")
    guid = item.find("guid")
    if guid is None:
        problems.append(f"{where}: no guid")
    elif guid.get("isPermaLink", "true") == "true" and not is_web_url(guid.text):
        problems.append(f"{where}: permalink guid {guid.text!r} is not a URL")
    _rss_dates(item, where, ("pubDate",), problems)


def _rss_dates(element: ET.Element, where: str, tags: tuple[str, ...], problems: list[str]) -> None:
    for tag in tags:
        value = element.findtext(tag)
        if value is not None and not is_rfc822(value):
            problems.append(f"{where}: {tag} {value!r} is not an RFC 822 date")


# JSON Feed 1.1: a small schema, strict about our own keys

FEED_FIELDS: dict[str, type] = {
    "version": str,
    "title": str,
    "home_page_url": str,
    "feed_url": str,
    "description": str,
    "user_comment": str,
    "next_url": str,
    "icon": str,
    "favicon": str,
    "authors": list,
    "language": str,
    "expired": bool,
    "hubs": list,
    "items": list,
}
ITEM_FIELDS: dict[str, type] = {
    "id": str,
    "url": str,
    "external_url": str,
    "title": str,
    "content_html": str,
    "content_text": str,
    "summary": str,
    "image": str,
    "banner_image": str,
    "date_published": str,
    "date_modified": str,
    "authors": list,
    "tags": list,
    "language": str,
    "attachments": list,
}
URL_FIELDS = {"home_page_url", "feed_url", "next_url", "icon", "favicon", "url", "external_url"}


def jsonfeed_problems(document: Any) -> list[str]:
    if not isinstance(document, dict):
        return ["the document is not an object"]
    problems = _typed(document, FEED_FIELDS, "feed")
    if document.get("version") != JSONFEED_VERSION:
        problems.append(f"feed: version {document.get('version')!r}")
    if not document.get("title"):
        problems.append("feed: no title")
    items = document.get("items")
    if not isinstance(items, list):
        return [*problems, "feed: no items array"]
    for number, item in enumerate(items, start=1):
        problems += _json_item(item, f"item {number}")
    _unique([str(item.get("id")) for item in items if isinstance(item, dict)], "id", problems)
    for hub in document.get("hubs") or []:
        if not (isinstance(hub, dict) and hub.get("type") and is_absolute_uri(hub.get("url"))):
            problems.append(f"feed: hub {hub!r} needs a type and an absolute url")
    return problems


def _json_item(item: Any, where: str) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where}: not an object"]
    problems = _typed(item, ITEM_FIELDS, where)
    if not isinstance(item.get("id"), str) or not item["id"]:
        problems.append(f"{where}: no id")
    if "content_html" not in item and "content_text" not in item:
        problems.append(f"{where}: neither content_html nor content_text")
    for key in ("date_published", "date_modified"):
        if key in item and not is_rfc3339(item[key]):
            problems.append(f"{where}: {key} {item[key]!r} is not an RFC 3339 date")
    for author in item.get("authors") or []:
        if not isinstance(author, dict) or not {"name", "url", "avatar"} & set(author):
            problems.append(f"{where}: author {author!r} has no name, url or avatar")
    if not all(isinstance(tag, str) for tag in item.get("tags") or []):
        problems.append(f"{where}: tags must be strings")
    return problems


def _typed(obj: dict[str, Any], fields: dict[str, type], where: str) -> list[str]:
    problems = []
    for key, value in obj.items():
        if key.startswith("_"):
            continue  # extensions
        if key not in fields:
            problems.append(f"{where}: unknown key {key!r}")
        elif not isinstance(value, fields[key]):
            problems.append(f"{where}: {key} is {type(value).__name__}")
        elif key in URL_FIELDS and not is_absolute_uri(value):
            problems.append(f"{where}: {key} {value!r} is not absolute")
    return problems


# For tests: read a response back and fail on any problem


def read_feed(response: HttpResponse) -> feedparser.FeedParserDict:
    """feedparser's reading of an Atom or RSS response, which must not be `bozo` and must pass
    our rules for its format."""
    assert response.status_code == 200, response.status_code
    content_type = response["Content-Type"]
    parsed = feedparser.parse(response.content, response_headers={"content-type": content_type})
    assert not parsed.bozo, parsed.get("bozo_exception")
    check = atom_problems if content_type.startswith("application/atom+xml") else rss_problems
    assert check(response.content) == []
    return parsed


def read_jsonfeed(response: HttpResponse) -> dict[str, Any]:
    """A JSON Feed response, parsed and checked. (feedparser 6.0 reads no JSON Feed.)"""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    document = json.loads(response.content)
    assert jsonfeed_problems(document) == []
    return document  # type: ignore[no-any-return]
