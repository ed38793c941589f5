"""What an entry carries as its text, following the blog's feed setting.

`Blog.feed_content` is Blogger's "Allow blog feed": the full post, the post up to the jump break
(with a "Read more" link to the rest), or nothing but title and link. The `/feeds/posts/summary`
address asks for Blogger's short plain-text summary instead.

Post HTML links to our own pages and media with relative URLs. A page resolves them against
its address; a feed reader has no such address (RSS and JSON Feed have no base URL at all), so
every URL is made absolute against the post's permalink. The result goes through the sanitiser
once more, as everything printed from stored HTML does.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from django.utils.html import escape

from broadsheet.blogs.models import Blog
from broadsheet.core import markup

CONTENT = "content"  # the whole post, HTML
HTML_SUMMARY = "html-summary"  # the post up to the jump break, HTML
TEXT_SUMMARY = "text-summary"  # a short plain-text summary

SNIPPET = "snippet"  # the `/feeds/posts/summary` projection

_URL_ATTRIBUTES = ("href", "src", "poster")


@dataclass(frozen=True)
class Body:
    kind: str
    text: str


def entry_body(html: str, snippet: str, mode: str, url: str) -> Body | None:
    """The body for one entry: `mode` is a `Blog.FeedContent` value or SNIPPET; `url` is
    the entry's absolute permalink."""
    if mode == Blog.FeedContent.NONE:
        return None
    if mode == SNIPPET:
        return Body(TEXT_SUMMARY, snippet)
    if mode == Blog.FeedContent.SUMMARY:
        head, cut = markup.split_jump(html)
        if cut:
            return Body(HTML_SUMMARY, absolute_html(head, url) + read_more(url))
    return Body(CONTENT, absolute_html(html, url))


def read_more(url: str) -> str:
    # `#more` is the anchor Blogger (and our renderer) puts at the jump break.
    return f'<p><a href="{escape(url)}#more">Read more »</a></p>'


def absolute_html(html: str, base: str) -> str:
    """Sanitised HTML with every link and media URL made absolute against `base`."""
    if not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        for name in _URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, urljoin(base, value.strip()))
        srcset = element.get("srcset")
        if srcset is not None:
            element.set("srcset", _absolute_srcset(srcset, base))
    inner = lxml.html.tostring(root, encoding="unicode")
    return markup.sanitize(inner.removeprefix("<div>").removesuffix("</div>"))


def _absolute_srcset(value: str, base: str) -> str:
    candidates = []
    for candidate in value.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(f"{urljoin(base, url)} {descriptor}".strip())
    return ", ".join(candidates)
