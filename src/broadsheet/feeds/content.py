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

from django.utils.html import escape

from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.core.weblinks import absolute_html

CONTENT = "content"  # the whole post, HTML
HTML_SUMMARY = "html-summary"  # the post up to the jump break, HTML
TEXT_SUMMARY = "text-summary"  # a short plain-text summary

SNIPPET = "snippet"  # the `/feeds/posts/summary` projection


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
