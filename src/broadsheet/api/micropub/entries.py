"""An h-entry's properties and our posts, both ways.

Properties arrive form-encoded (`name=…&category[]=a`) or as JSON
(`{"type": ["h-entry"], "properties": {"name": ["…"]}}`); both become `Props`, a dict of
lists. Plain `content` is kept as Markdown (what phone editors type), `{"html": …}` as HTML,
sanitised as every HTML post is. Photos, by address or uploaded, become images in the body:
the post has no other place for them, and fetching a remote photo is no job for a request.
Properties Broadsheet has no field for (a location, a nested h-card) are accepted and not kept.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from django.http import QueryDict

from broadsheet.api import writing
from broadsheet.api.errors import ApiError
from broadsheet.api.params import moment
from broadsheet.api.resources import post_status, when
from broadsheet.posts.actions import Content, Intent
from broadsheet.posts.models import Post, SourceFormat

Props = dict[str, list[Any]]
# Form fields that are instructions, not properties.
RESERVED = {"h", "access_token", "action", "url"}
MOST_VALUES = 100


def from_form(form: QueryDict) -> tuple[str, Props]:
    """(h, properties) of a form-encoded request; `category[]` and `category` alike."""
    props: Props = {}
    for key in form:
        if key in RESERVED or key.startswith("mp-"):
            continue
        props.setdefault(key.removesuffix("[]"), []).extend(form.getlist(key)[:MOST_VALUES])
    return form.get("h", "entry"), props


def from_json(data: dict[str, Any]) -> tuple[str, Props]:
    """(h, properties) of a JSON request."""
    kinds, props = data.get("type", ["h-entry"]), data.get("properties", {})
    if not isinstance(kinds, list) or not kinds or not isinstance(kinds[0], str):
        raise ApiError("invalid", 'type must be a list like ["h-entry"].')
    return kinds[0].removeprefix("h-"), checked(props)


def checked(props: Any) -> Props:
    """Properties as the spec has them: an object whose values are all lists."""
    if not isinstance(props, dict) or not all(isinstance(v, list) for v in props.values()):
        raise ApiError("invalid", "Properties must be an object of arrays.")
    return {str(key): value[:MOST_VALUES] for key, value in props.items()}


def first(props: Props, name: str) -> Any:
    values = props.get(name) or [None]
    return values[0]


def content(props: Props, base: Content | None = None) -> Content:
    """The editor's fields from an h-entry's properties (on top of `base`'s others)."""
    source, kind = _body(first(props, "content"))
    source += "".join(photo(item, kind) for item in props.get("photo", []))
    title = first(props, "name")
    fields = {"title": title if isinstance(title, str) else "", "content": source}
    asked = writing.content(fields, None)
    return replace(
        base or asked,
        title=asked.title,
        source=asked.source,
        source_format=kind,
        labels=labels(props),
        publish_at=moment(first(props, "published"), "published"),
    )


def _body(value: Any) -> tuple[str, str]:
    if isinstance(value, dict) and isinstance(value.get("html"), str):
        return value["html"], SourceFormat.HTML
    if isinstance(value, dict) and isinstance(value.get("value"), str):
        return value["value"], SourceFormat.MARKDOWN
    return (value if isinstance(value, str) else ""), SourceFormat.MARKDOWN


def labels(props: Props) -> tuple[str, ...]:
    # A category may be a nested h-card (a person tagged): not a label.
    names = [name.strip() for name in props.get("category", []) if isinstance(name, str)]
    return tuple(dict.fromkeys(name for name in names if name))


def photo(item: Any, kind: str) -> str:
    """An image in the body, for a photo given by address (`{"value", "alt"}` or a string)."""
    url, alt = (item.get("value"), item.get("alt", "")) if isinstance(item, dict) else (item, "")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https", ""):
        raise ApiError("invalid", "A photo must be an http(s) address.")
    alt = alt if isinstance(alt, str) else ""
    if kind == SourceFormat.HTML:
        return f'\n<p><img src="{html.escape(url)}" alt="{html.escape(alt)}"></p>'
    shown = alt.replace("[", "").replace("]", "")
    return f"\n\n![{shown}](<{quote(url, safe=':/?&=#%@+,;~!$()*')}>)"


def intent(props: Props, asked: Content) -> Intent:
    """`post-status`: draft, or published (now, or at `published` when that lies ahead)."""
    status = first(props, "post-status")
    if status == "draft":
        return Intent.DRAFT
    if status not in (None, "published"):
        raise ApiError("invalid", "post-status is draft or published.")
    return writing.intent_to_publish(asked.publish_at)


def source(post: Post, url: str) -> Props:
    """The post as `q=source` answers it, and as an update starts from."""
    body: Any = (
        post.source if post.source_format == SourceFormat.MARKDOWN else {"html": post.source}
    )
    found: Props = {
        "name": [post.title] if post.title else [],
        "content": [body] if post.source else [],
        "category": [label.name for label in post.labels.all()],
        "post-status": ["draft" if post_status(post) == "DRAFT" else "published"],
        "url": [url],
    }
    if post.published_at:
        found["published"] = [when(post.published_at.astimezone(dt.UTC))]
    return {key: value for key, value in found.items() if value}
