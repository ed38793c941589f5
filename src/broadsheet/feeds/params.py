"""Blogger's feed query parameters: `alt`, `max-results`, `start-index`, `orderby`.

Feed readers and widgets written for Blogger send these, so they mean what Blogger made them
mean. Numbers that cannot be read fall back to the default rather than failing: a reader that
once stored a mangled URL should still get a feed. A format we do not serve is an error,
because answering Atom to a program that asked for JSON only moves the failure into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpRequest

ATOM, RSS, JSONFEED = "atom", "rss", "jsonfeed"
# Blogger's GData JSON, and the same as JSONP (feeds/gdata.py).
GDATA_JSON, GDATA_SCRIPT = "json", "json-in-script"
DEFAULT_RESULTS = 25
MAX_RESULTS = 500
# Far beyond any blog, and small enough for every database's integer.
MAX_START = 1_000_000

# Blogger's own `alt=json` is its GData JSON (`feed.entry[i].title.$t`), not JSON Feed, which
# has `alt=jsonfeed`; `alt=json-in-script` is the same as JSONP, its callback held to a plain
# JavaScript name (gdata.callback_name).
_DIGITS = re.compile(r"[0-9]+")
_FORMATS = {"": None, "atom": ATOM, "rss": RSS, JSONFEED: JSONFEED}
_FORMATS |= {GDATA_JSON: GDATA_JSON, GDATA_SCRIPT: GDATA_SCRIPT}


class UnsupportedFormat(ValueError):
    """The request's `alt` names a format we do not produce."""


@dataclass(frozen=True)
class FeedParams:
    fmt: str
    max_results: int = DEFAULT_RESULTS
    start_index: int = 1
    orderby: str = "published"

    @property
    def offset(self) -> int:
        return self.start_index - 1


def parse(request: HttpRequest, default_fmt: str = ATOM) -> FeedParams:
    """Read the query; `default_fmt` is what the address itself implies (`/rss.xml`)."""
    alt = request.GET.get("alt", "").strip().lower()
    if alt not in _FORMATS:
        raise UnsupportedFormat(alt)
    return FeedParams(
        fmt=_FORMATS[alt] or default_fmt,
        max_results=_number(request.GET.get("max-results"), DEFAULT_RESULTS, 0, MAX_RESULTS),
        start_index=_number(request.GET.get("start-index"), 1, 1, MAX_START),
        orderby="updated" if request.GET.get("orderby") == "updated" else "published",
    )


def _number(raw: str | None, default: int, low: int, high: int) -> int:
    # ASCII digits only: str.isdigit() accepts "²", which int() then refuses.
    digits = (raw or "").strip()
    if not _DIGITS.fullmatch(digits):
        return default
    # A longer run of digits is past every limit; int() on thousands of them is slow.
    value = int(digits) if len(digits) <= 12 else high
    return max(low, min(value, high))


def is_plain(request: HttpRequest) -> bool:
    """No paging or ordering: the request is for the feed itself, the one a hub announces."""
    return set(request.GET) <= {"alt", "redirect", "callback"}
