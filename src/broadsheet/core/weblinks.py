"""Links that people give us (a commenter's site, an imported author's page), made safe to
show; and HTML whose links must work away from the site (feeds, mail)."""

from __future__ import annotations

import functools
from urllib.parse import urljoin, urlsplit

from broadsheet.core import markup

MAX_LENGTH = 500
_URL_ATTRIBUTES = ("href", "src", "poster")


def web_url(value: str) -> str:
    """The address if it is an http(s) URL of a sensible length, otherwise "": a `javascript:`
    or `data:` link must never sit under a commenter's name."""
    value = value.strip()
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return ""
    return value if scheme in ("http", "https") and len(value) <= MAX_LENGTH else ""


def absolute_html(html: str, base: str, *, srcset: bool = True) -> str:
    """Sanitised HTML with every link and media URL made absolute against `base`, for feeds
    and mail, which are read away from the site. `srcset=False` drops each `srcset` instead
    (mail: `src` is enough there)."""
    if not html.strip():
        return html
    if len(html) <= MAX_REMEMBERED:
        return _remembered(html, base, srcset)
    return _absolute(html, base, srcset)


# A feed shows the same newest posts to every reader whose request misses the page cache:
# parsing and sanitising each again was a third of a feed's render. Only bodies of moderate
# size are remembered, so the memory this holds stays a few megabytes.
MAX_REMEMBERED = 40_000


@functools.lru_cache(maxsize=256)
def _remembered(html: str, base: str, srcset: bool) -> str:
    return _absolute(html, base, srcset)


def _absolute(html: str, base: str, srcset: bool) -> str:
    # Imported here, not with the module: every process imports this one (blogs.layout
    # checks links with `web_url`), and only feeds and mail parse HTML.
    import lxml.html

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        for name in _URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, urljoin(base, value.strip()))
        candidates = element.get("srcset")
        if candidates is not None and srcset:
            element.set("srcset", _absolute_srcset(candidates, base))
        elif candidates is not None:
            del element.attrib["srcset"]
    inner = lxml.html.tostring(root, encoding="unicode")
    return markup.sanitize(inner.removeprefix("<div>").removesuffix("</div>"))


def _absolute_srcset(value: str, base: str) -> str:
    candidates = []
    for candidate in value.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(f"{urljoin(base, url)} {descriptor}".strip())
    return ", ".join(candidates)
