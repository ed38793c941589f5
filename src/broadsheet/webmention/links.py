"""URLs compared the way the Webmention spec asks: after normalisation, otherwise exactly."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from broadsheet.core.nesting import bound_depth

DEFAULT_PORTS = {"http": 80, "https": 443}
# Where a page can point at another: the places a reader would see the link or its picture.
LINKING = {"a": "href", "img": "src", "video": "src", "audio": "src", "source": "src"}


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: the only kind a source or target may be."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in DEFAULT_PORTS and bool(parts.hostname)


def normalise(url: str) -> str:
    """Scheme and host lower-cased, the default port and the fragment dropped, an empty path
    made "/": two spellings of one address compare equal, nothing more is forgiven."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    netloc = host if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def links_in(html: str, base: str) -> set[str]:
    """Every address the page links to or embeds, resolved against `base` and normalised.

    The page is a stranger's, read through the nesting bound first: on some broken markup
    (an unclosed tag repeated) Python's HTML parser takes time in the square of its length,
    40 KB in 25 s, and anyone may send a Webmention naming such a page. The bound's output
    holds only whole tags, and the tags nested past its depth are not links anyone sees."""
    finder = _LinkFinder()
    finder.feed(bound_depth(html))
    finder.close()
    return {normalise(urljoin(base, found)) for found in finder.found}


def anchors_in(html: str, base: str) -> set[str]:
    """The http(s) pages a post links to with <a href> (what we send Webmentions for)."""
    finder = _LinkFinder({"a": "href"})
    finder.feed(html)
    finder.close()
    found = {normalise(urljoin(base, href)) for href in finder.found}
    return {url for url in found if is_web_url(url)}


class _LinkFinder(HTMLParser):
    def __init__(self, linking: dict[str, str] = LINKING) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.linking = linking

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self.linking.get(tag)
        value = dict(attrs).get(wanted or "")
        if wanted and value:
            self.found.append(value.strip())
