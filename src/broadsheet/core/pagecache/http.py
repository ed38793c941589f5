"""Cached pages on the wire: validators, cache headers, 304 Not Modified, HEAD.

The ETag is strong and names the bytes: the one Django's ConditionalGetMiddleware puts on every
page (a hash of the body), or, without it, a hash of the body and its content type. The same
page rendered again with the same bytes (after an unrelated change, or by another process)
keeps its ETag, so browsers and CDNs revalidate to a 304 instead of fetching it again.

`Cache-Control: public, max-age=0, must-revalidate` lets any cache keep the page but makes
it ask us before every use; we answer a 304 from the page cache with no database query, so a
new comment or edit reaches the very next reader even behind a CDN. An operator who accepts
pages some seconds old from the CDN sets BROADSHEET_CDN_MAX_AGE (an `s-maxage`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from email.utils import formatdate

from django.conf import settings
from django.utils.http import parse_etags, parse_http_date_safe

from broadsheet.core.pagecache.store import Entry

# What a 304 repeats from the full answer (RFC 9110, 15.4.5), plus Last-Modified.
NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "etag", "expires", "vary"}
# Never kept: they describe one connection or one reader, not the page.
DROPPED_HEADERS = {"set-cookie", "connection", "keep-alive", "transfer-encoding", "date"}


def cache_control() -> str:
    cdn_seconds = int(getattr(settings, "CDN_MAX_AGE", 0))
    if cdn_seconds > 0:
        return f"public, max-age=0, s-maxage={cdn_seconds}"
    return "public, max-age=0, must-revalidate"


def build_entry(
    blog_id: int,
    version: int,
    expires: float,
    status: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    now: float,
    lasting: bool = False,
) -> Entry:
    """An entry for a page Django rendered, with our validators and cache headers added
    (a view's own ETag, Last-Modified or Cache-Control is kept)."""
    kept = [(name, value) for name, value in headers if name.lower() not in DROPPED_HEADERS]
    present = {name.lower(): value for name, value in kept}
    content_type = present.get("content-type", "")
    etag = present.get("etag") or strong_etag(body, content_type)
    last_modified = parse_http_date_safe(present.get("last-modified", "")) or int(now)
    kept = [(name, value) for name, value in kept if name.lower() != "content-length"]
    kept.append(("Content-Length", str(len(body))))
    if "etag" not in present:
        kept.append(("ETag", etag))
    if "last-modified" not in present:
        kept.append(("Last-Modified", http_date(last_modified)))
    if "cache-control" not in present:
        kept.append(("Cache-Control", cache_control()))
    short = [(name, value) for name, value in kept if name.lower() in NOT_MODIFIED_HEADERS]
    short.append(("Last-Modified", http_date(last_modified)))
    return Entry(
        blog_id, version, expires, status, kept, short, body, etag, float(last_modified), lasting
    )


def same_date_for_same_bytes(entry: Entry, earlier: Entry | None) -> Entry:
    """The page as it was rendered before, if it was the same answer, keeps the date it was
    first served with. Every write moves the blog's version and the page is rendered again;
    a new Last-Modified on the same bytes would tell a reader that something they cannot see
    was written just then (a draft saved, a comment held), and make If-Modified-Since fetch
    the page again for nothing."""
    if (
        earlier is None
        or (earlier.etag, earlier.status) != (entry.etag, entry.status)
        or earlier.last_modified >= entry.last_modified
    ):
        return entry
    date = http_date(earlier.last_modified)

    def redated(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, date if name.lower() == "last-modified" else v) for name, v in headers]

    return entry._replace(
        headers=redated(entry.headers),
        not_modified_headers=redated(entry.not_modified_headers),
        last_modified=earlier.last_modified,
    )


def strong_etag(body: bytes, content_type: str) -> str:
    digest = hashlib.blake2b(body, digest_size=16)
    digest.update(content_type.encode("latin-1", "replace"))
    return f'"{digest.hexdigest()}"'


def http_date(moment: float) -> str:
    return formatdate(moment, usegmt=True)


def not_modified(entry: Entry, environ: dict[str, object]) -> bool:
    """RFC 9110, 13.2.2: If-None-Match decides when sent; If-Modified-Since only without it."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = parse_etags(str(if_none_match))
        # Weak comparison, as If-None-Match asks: a CDN may have weakened our tag on the way.
        return "*" in tags or entry.etag in (tag.removeprefix("W/") for tag in tags)
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since is None:
        return False
    since = parse_http_date_safe(str(if_modified_since))
    return since is not None and entry.last_modified <= since


def status_line(code: int, reason: str) -> str:
    return f"{code} {reason}"
