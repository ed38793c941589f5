"""What our feeds carry beyond Django's feed generators, shared by the three formats.

Django's `SyndicationFeed` passes any extra keyword of `add_item` and of its constructor
through to the writer; these are the ones our writers read. Entries: `body` (`content.Body`),
`replies` (comment count and where the comments are, RFC 4685), `in_reply_to` (what a comment
answers). Feeds: `paging` (Blogger's openSearch numbers and the next page), `hub` (WebSub) and
`updated_fallback` (the time an empty feed reports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

THREAD_NS = "http://purl.org/syndication/thread/1.0"
# Blogger's openSearch namespace (not OpenSearch 1.1's), which Blogger clients look for.
OPENSEARCH_NS = "http://a9.com/-/spec/opensearchrss/1.0/"
GENERATOR = "Broadsheet"


@dataclass(frozen=True)
class Replies:
    count: int
    feed_url: str  # the entry's own comment feed (Atom)
    html_url: str  # the comments on the entry's page


@dataclass(frozen=True)
class InReplyTo:
    ref: str  # the id of the entry answered
    href: str  # where it can be read


@dataclass(frozen=True)
class Paging:
    total: int
    start_index: int
    items_per_page: int
    next_url: str | None


class StableDates:
    """A feed's time is its newest entry's, never the clock: the same content must give the
    same bytes (and the same Last-Modified), or every cache and conditional GET misses."""

    items: list[dict[str, Any]]
    feed: dict[str, Any]

    def latest_post_date(self) -> dt.datetime:
        dates = [item["updateddate"] or item["pubdate"] for item in self.items]
        fallback: dt.datetime = self.feed["updated_fallback"]
        return max((date for date in dates if date is not None), default=fallback)
