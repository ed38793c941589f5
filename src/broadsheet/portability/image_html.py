"""The images in a post's HTML and the links around them, found and rewritten tag by tag.

Only the `<img>` and `<a>` start tags that change are written anew; every other byte of the
source stays as the writer (or Blogger's editor) left it, so an export writes back what was
imported, apart from the addresses that now point here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from broadsheet.media.models import IMAGE_SIZES

Attrs = list[tuple[str, str | None]]


@dataclass(frozen=True)
class Tag:
    """An `<img>` or `<a>` start tag: where it sits in the source, and its attributes."""

    start: int
    end: int
    name: str
    attrs: Attrs
    self_closing: bool

    def get(self, name: str) -> str:
        return next((value or "" for key, value in self.attrs if key == name), "")

    def urls(self) -> list[str]:
        """The addresses it shows (`src`, then each `srcset` candidate) or links to."""
        if self.name == "a":
            return [self.get("href").strip()] if self.get("href").strip() else []
        candidates = [self.get("src"), *srcset_urls(self.get("srcset"))]
        return [url.strip() for url in candidates if url.strip()]


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split(" ", 1)[0] for part in value.split(",") if part.strip()]


class _Tags(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self._keep(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self._keep(tag, attrs, self_closing=True)

    def _keep(self, tag: str, attrs: Attrs, *, self_closing: bool) -> None:
        raw = self.get_starttag_text() or ""
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        # A tag whose text is not where the parser says is left alone rather than guessed at.
        if tag in ("img", "a") and self.source[start : start + len(raw)] == raw:
            self.tags.append(Tag(start, start + len(raw), tag, attrs, self_closing))


def image_tags(source: str) -> list[Tag]:
    """The `<img>` and `<a>` start tags of an HTML body, in document order."""
    parser = _Tags(source)
    parser.feed(source)
    parser.close()
    return parser.tags


@dataclass(frozen=True)
class Local:
    """An image brought home: what an `<img>` shows of it, and what a link to it opens."""

    src: str
    srcset: str
    largest: str


def rewrite(source: str, find: Callable[[str], Local | None]) -> str:
    """Point every image `find` knows, and every link to one, at the local copy."""
    pieces, done = [], 0
    for tag in image_tags(source):
        local = next(filter(None, map(find, tag.urls())), None)
        if local is None:
            continue
        pieces += [source[done : tag.start], _rewritten(tag, local)]
        done = tag.end
    return "".join(pieces) + source[done:]


def _rewritten(tag: Tag, local: Local) -> str:
    if tag.name == "a":
        return _written(tag, {"href": local.largest})
    # Width and height stay as written: they are the size the writer chose to show.
    return _written(tag, {"src": local.src, "srcset": local.srcset, "sizes": IMAGE_SIZES})


def _written(tag: Tag, changes: dict[str, str]) -> str:
    attrs = [(key, changes.pop(key, value)) for key, value in tag.attrs]
    attrs += list(changes.items())
    text = "".join(
        f" {key}" if value is None else f' {key}="{escape(value, quote=True)}"'
        for key, value in attrs
    )
    return f"<{tag.name}{text}{' /' if tag.self_closing else ''}>"
