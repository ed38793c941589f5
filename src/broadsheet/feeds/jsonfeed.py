"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written from the same entries as
Atom and RSS by a Django feed generator of our own."""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Any

from django.utils.feedgenerator import SyndicationFeed, rfc3339_date

from broadsheet.feeds.content import TEXT_SUMMARY, Body
from broadsheet.feeds.extensions import StableDates

VERSION = "https://jsonfeed.org/version/1.1"


class JsonFeed(StableDates, SyndicationFeed):
    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile: IO[str], encoding: str) -> None:
        outfile.write(json.dumps(self.document(), ensure_ascii=False, indent=1))

    def document(self) -> dict[str, Any]:
        feed = self.feed
        document: dict[str, Any] = {
            "version": VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["subtitle"],
            "language": feed["language"],
            "next_url": feed["paging"].next_url,
            "hubs": [{"type": "WebSub", "url": feed["hub"]}] if feed["hub"] else None,
            "items": [self.item(item) for item in self.items],
        }
        return _present(document)

    def item(self, item: dict[str, Any]) -> dict[str, Any]:
        author = {"name": item["author_name"], "url": item["author_link"]}
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            **body_fields(item["body"]),
            "date_published": _date(item["pubdate"]),
            "date_modified": _date(item["updateddate"]),
            "authors": [_present(author)] if item["author_name"] else None,
            "tags": list(item["categories"]) or None,
        }
        return _present(entry)


def body_fields(body: Body | None) -> dict[str, str]:
    # An item must carry content_html or content_text; a feed set to "none" sends empty text.
    if body is None:
        return {"content_text": ""}
    if body.kind == TEXT_SUMMARY:
        return {"content_text": body.text, "summary": body.text}
    return {"content_html": body.text}


def _date(value: dt.datetime | None) -> str | None:
    return rfc3339_date(value) if value is not None else None


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """JSON Feed leaves out what is unknown rather than writing null."""
    return {key: value for key, value in fields.items() if value is not None}
