"""Atom 1.0 (RFC 4287) as Blogger writes it: Django's Atom writer plus entry content in the
right element, threading (RFC 4685), Blogger's openSearch paging, WebSub and a next link."""

from __future__ import annotations

from typing import IO, Any

from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from broadsheet.feeds.content import CONTENT, HTML_SUMMARY, Body
from broadsheet.feeds.extensions import (
    GENERATOR,
    OPENSEARCH_NS,
    THREAD_NS,
    InReplyTo,
    Paging,
    Replies,
    StableDates,
)
from broadsheet.feeds.xmltext import XmlText, xml_safe_values


class AtomFeed(StableDates, Atom1Feed):
    def write(self, outfile: IO[str], encoding: str) -> None:
        # Django's Atom1Feed.write, with our writer in place of SAX's (xmltext.py).
        self.feed = xml_safe_values(self.feed)
        self.items = [xml_safe_values(item) for item in self.items]
        handler = XmlText(encoding)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")
        outfile.write(handler.getvalue())

    def root_attributes(self) -> dict[str, str]:
        return {
            **super().root_attributes(),
            "xmlns:thr": THREAD_NS,
            "xmlns:openSearch": OPENSEARCH_NS,
        }

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        super().add_root_elements(handler)
        if self.feed["hub"]:
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})
        add_paging(handler, self.feed["paging"], "link")
        handler.addQuickElement("generator", GENERATOR)

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        add_body(handler, item["body"])
        if item["replies"] is not None:
            add_replies(handler, item["replies"])
        if item["in_reply_to"] is not None:
            add_in_reply_to(handler, item["in_reply_to"])


def add_paging(handler: SimplerXMLGenerator, paging: Paging, link_tag: str) -> None:
    """Blogger's openSearch counts and the next page; `link_tag` is `atom:link` inside RSS."""
    handler.addQuickElement("openSearch:totalResults", str(paging.total))
    handler.addQuickElement("openSearch:startIndex", str(paging.start_index))
    handler.addQuickElement("openSearch:itemsPerPage", str(paging.items_per_page))
    if paging.next_url:
        handler.addQuickElement(link_tag, "", {"rel": "next", "href": paging.next_url})


def add_body(handler: SimplerXMLGenerator, body: Body | None) -> None:
    # A cut post is not the content, only a summary of it (RFC 4287 4.1.3 / 4.2.13).
    if body is None:
        return
    if body.kind == CONTENT:
        handler.addQuickElement("content", body.text, {"type": "html"})
    elif body.kind == HTML_SUMMARY:
        handler.addQuickElement("summary", body.text, {"type": "html"})
    else:
        handler.addQuickElement("summary", body.text, {"type": "text"})


def add_replies(handler: SimplerXMLGenerator, replies: Replies) -> None:
    count = str(replies.count)
    for kind, href in (("application/atom+xml", replies.feed_url), ("text/html", replies.html_url)):
        attrs = {"rel": "replies", "type": kind, "href": href, "thr:count": count}
        handler.addQuickElement("link", "", attrs)
    handler.addQuickElement("thr:total", count)


def add_in_reply_to(handler: SimplerXMLGenerator, answered: InReplyTo) -> None:
    attrs = {"ref": answered.ref, "href": answered.href, "type": "text/html"}
    handler.addQuickElement("thr:in-reply-to", "", attrs)
