"""RSS 2.0, with the same extras as our Atom: comment counts, paging, WebSub.

RSS never said whether a title is plain text or HTML, and readers differ: some show it as
text, some render it as HTML. Our titles, category names and author names are text, so `<` and
`>` in them go out as `&lt;` and `&gt;`. A reader that renders HTML shows the characters; one
that shows text shows the entities. Either way none of them becomes markup, which matters here
because comment titles and commenters' names are written by anyone.
"""

from __future__ import annotations

from typing import IO, Any

from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from broadsheet.feeds.atom import add_paging
from broadsheet.feeds.content import TEXT_SUMMARY, Body
from broadsheet.feeds.extensions import GENERATOR, OPENSEARCH_NS, THREAD_NS, StableDates
from broadsheet.feeds.xmltext import XmlText, xml_safe_values


def text(value: str) -> str:
    """Plain text that no reader can take for markup (see above)."""
    return value.replace("<", "&lt;").replace(">", "&gt;")


class RssFeed(StableDates, Rss201rev2Feed):
    def write(self, outfile: IO[str], encoding: str) -> None:
        # Django's RssFeed.write, with our writer in place of SAX's (xmltext.py).
        self.feed = xml_safe_values(self.feed)
        self.items = [xml_safe_values(item) for item in self.items]
        handler = XmlText(encoding)
        handler.startDocument()
        self.add_stylesheets(handler)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")
        outfile.write(handler.getvalue())

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:thr": THREAD_NS,
            "xmlns:openSearch": OPENSEARCH_NS,
        }

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        # In place is safe: text() leaves its own output unchanged.
        for key in ("title", "description"):
            self.feed[key] = text(self.feed[key])
        super().add_root_elements(handler)
        if self.feed["hub"]:
            handler.addQuickElement("atom:link", "", {"rel": "hub", "href": self.feed["hub"]})
        add_paging(handler, self.feed["paging"], "atom:link")
        handler.addQuickElement("generator", GENERATOR)

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        item = {
            **item,
            "title": text(item["title"]),
            "author_name": text(item["author_name"]) if item["author_name"] else None,
            "description": description(item["body"]),
            "categories": [text(name) for name in item["categories"]],
        }
        super().add_item_elements(handler, item)
        if item["replies"] is not None:
            handler.addQuickElement("thr:total", str(item["replies"].count))


def description(body: Body | None) -> str | None:
    """RSS has one element for text, and it holds HTML: plain text is escaped into it."""
    if body is None:
        return None
    if body.kind == TEXT_SUMMARY:
        return escape(body.text)
    return body.text
