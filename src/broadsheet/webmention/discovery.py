"""Finding a page's Webmention endpoint, with the spec's edge cases (section 3.1.2).

A `Link` header wins over the HTML; among several, and among rel values in one, the first
naming `webmention` counts. In the HTML, the first `<link>` or `<a>` with that rel and an
href, in document order (comments are not elements, so a commented-out link is no link).
Everything resolves against the page's final URL, after redirects; an empty href is the page
itself; a query string in the endpoint stays.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from broadsheet.core.fetch import Fetcher, Response
from broadsheet.core.nesting import bound_depth
from broadsheet.webmention.links import is_web_url

# One link-value of a Link header: <uri> followed by its parameters (RFC 8288).
LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
REL_PARAM = re.compile(r"""(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


def discover(fetcher: Fetcher, url: str) -> str | None:
    """The endpoint `url` names (an absolute http(s) URL), or None if it names none."""
    response = fetcher.fetch(url)
    if not 200 <= response.status < 300:
        return None
    found = from_header(response.headers.get("link", ""))
    if found is None and _is_html(response):
        found = from_html(response.body.decode("utf-8", errors="replace"))
    endpoint = urljoin(response.url, found) if found is not None else None
    return endpoint if endpoint and is_web_url(endpoint) else None


def _is_html(response: Response) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml")


def from_header(header: str) -> str | None:
    """The first link-value whose rel names webmention, unresolved."""
    for match in LINK_VALUE.finditer(header):
        rel = REL_PARAM.search(match.group(2))
        if rel and _names_webmention(rel.group(1) or rel.group(2) or ""):
            return match.group(1).strip()
    return None


def _names_webmention(rel: str) -> bool:
    return "webmention" in rel.lower().split()


def from_html(html: str) -> str | None:
    """The href of the first <link> or <a> whose rel names webmention, unresolved."""
    finder = _EndpointFinder()
    finder.feed(bound_depth(html))
    return finder.found


class _EndpointFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is not None or tag not in ("link", "a"):
            return
        values = dict(attrs)
        href = values.get("href")
        if href is not None and _names_webmention(values.get("rel") or ""):
            self.found = href.strip()
