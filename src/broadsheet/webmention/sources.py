"""What a verified source page says: who wrote it, what, and what kind of response it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from broadsheet.webmention.links import is_web_url, normalise

MAX_TEXT = 5000  # a reply longer than a long comment is cut, not refused
KINDS = (("like-of", "like"), ("repost-of", "repost"), ("in-reply-to", "reply"))


@dataclass(frozen=True)
class Entry:
    kind: str
    author_name: str
    author_url: str
    author_photo: str
    text: str
    published: str


def read_entry(html: str, url: str, target: str) -> Entry:
    """The page's first h-entry as a response to `target`; a page without one is a mention.
    `html` must be depth-bounded (`core.nesting`): mf2py walks the tree recursively."""
    # Imported when a mention is read, not at start-up: mf2py brings BeautifulSoup and
    # soupsieve, a third of a second that every process (each command's too) would pay.
    import mf2py

    parsed = mf2py.parse(doc=html, url=url, html_parser="lxml")
    entry = _first_entry(parsed.get("items", []))
    props: dict[str, Any] = entry.get("properties", {}) if entry else {}
    name, author_url, photo = _author(props)
    return Entry(
        kind=_kind(props, normalise(target)),
        author_name=name[:200],
        author_url=author_url,
        author_photo=photo,
        text=_text(props)[:MAX_TEXT],
        published=_first_text(props.get("published", [])),
    )


def _first_entry(items: list[Any]) -> dict[str, Any] | None:
    for item in items:
        if not isinstance(item, dict):
            continue
        if "h-entry" in item.get("type", []):
            return item
        found = _first_entry(item.get("children", []))
        if found:
            return found
    return None


def _kind(props: dict[str, Any], target: str) -> str:
    for name, kind in KINDS:
        if target in {normalise(url) for url in _urls(props.get(name, []))}:
            return kind
    return "mention"


def _urls(values: list[Any]) -> list[str]:
    """Plain URLs and h-cite objects alike, as the URLs they name."""
    found = []
    for value in values:
        if isinstance(value, dict):
            found += [str(url) for url in value.get("properties", {}).get("url", [])]
            value = value.get("value", "")
        if isinstance(value, str):
            found.append(value)
    return found


def _author(props: dict[str, Any]) -> tuple[str, str, str]:
    author = (props.get("author") or [None])[0]
    if isinstance(author, str):
        return (author, "", "") if not is_web_url(author) else ("", author, "")
    if not isinstance(author, dict):
        return "", "", ""
    card = author.get("properties", {})
    url = _first_text(card.get("url", []))
    photo = _first_text(card.get("photo", []))
    return (
        _first_text(card.get("name", [])) or author.get("value", "") or "",
        url if is_web_url(url) else "",
        photo if is_web_url(photo) else "",
    )


def _text(props: dict[str, Any]) -> str:
    content = (props.get("content") or [None])[0]
    if isinstance(content, dict):
        return str(content.get("value", "")).strip()
    if isinstance(content, str):
        return content.strip()
    return _first_text(props.get("summary", []) or props.get("name", [])).strip()


def _first_text(values: list[Any]) -> str:
    """A property's first value as text (an image property may be {"value", "alt"})."""
    for value in values:
        if isinstance(value, dict):
            value = value.get("value", "")
        if isinstance(value, str):
            return value
    return ""
