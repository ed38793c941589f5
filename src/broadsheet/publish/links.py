"""Links inside exported pages: the live pager's time queries become page files, the parts
that need the app (posting a comment, searching, sharing) go to the live site or away.

Only our own templates' markup is rewritten, and only attributes whose values Django wrote
escaped, so a regular expression over `href="…"` is exact here: post bodies are sanitised
HTML whose links were already escaped the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

ATTRIBUTE = re.compile(r'\b(href|src|action|data-token-url)="([^"]*)"')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
COMMENT_FORM = '<div class="comment-form-area" id="comment-form">'
SIDEBAR = '<aside class="sidebar" aria-label="About this blog">'
# Addresses only the app can answer: they stay links to the live site.
LIVE_PREFIXES = ("/comments/", "/share/", "/studio/", "/admin/", "/follow-by-email")


@dataclass(frozen=True)
class Choices:
    origin: str  # the live site, for what a folder of files cannot do
    comments: str = "live"  # "live": the form's links go to the live site; "hidden": no form
    search: str = "live"  # "live": the search box asks the live site; "index": in the page


def rewrite(body: str, pager: Callable[[str, dict[str, str]], str | None], choices: Choices) -> str:
    """The page with its links pointed at files of the export or at the live site."""

    def swap(match: re.Match[str]) -> str:
        if not match.group(2).startswith("/"):
            return match.group(0)  # another site's link, most of a post body's: left as written
        name, value = match.group(1), html.unescape(match.group(2))
        found = new_address(value, name, pager, choices)
        return match.group(0) if found == value else f'{name}="{html.escape(found)}"'

    if choices.comments == "hidden":
        body = drop_element(body, COMMENT_FORM, "div")
    return ATTRIBUTE.sub(swap, body)


def new_address(
    value: str, name: str, pager: Callable[[str, dict[str, str]], str | None], choices: Choices
) -> str:
    if not value.startswith("/") or value.startswith("//"):
        return value
    parts = urlsplit(value)
    if parts.path.startswith(LIVE_PREFIXES):
        return choices.origin + value
    if name == "action" and parts.path == "/search" and choices.search == "live":
        return choices.origin + value
    if parts.query:
        params = dict(parse_qsl(parts.query))
        if "updated-max" in params or "updated-min" in params:
            found = pager(parts.path, params)
            return found + (f"#{parts.fragment}" if parts.fragment else "") if found else value
    return value


def drop_element(body: str, opening: str, tag: str) -> str:
    """`body` without the element that starts with `opening` (nested `tag`s counted)."""
    start = body.find(opening)
    if start < 0:
        return body
    depth, at = 0, start
    pattern = re.compile(rf"<(/?){tag}\b")
    for match in pattern.finditer(body, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            at = body.index(">", match.end()) + 1
            return body[:start] + body[at:]
    return body


def local_links(body: str) -> list[str]:
    """The site's own addresses a page or style sheet points to (no other site's)."""
    found = [html.unescape(value) for _, value in ATTRIBUTE.findall(body)]
    found += CSS_URL.findall(body)
    return [link for link in found if link.startswith("/") and not link.startswith("//")]
