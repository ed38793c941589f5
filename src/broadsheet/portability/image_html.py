"""The images in a post's HTML and the links around them, found and rewritten tag by tag.

Only the `<img>` and `<a>` start tags that change are written anew; every other byte of the
source stays as the writer (or Blogger's editor) left it, so an export writes back what was
imported, apart from the addresses that now point here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import escape, unescape

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


def image_tags(source: str) -> list[Tag]:
    """The `<img>` and `<a>` start tags of an HTML body, in document order.

    Read as a browser's tokenizer reads a body, in one pass: a tag ends at the first `>`
    outside a quoted value; comments and the text of `<script>`, `<style>`, `<textarea>`...
    hold no tags; a tag, comment or raw text that runs to the end of the source holds all the
    rest. Python's `html.parser` read it before: it took time in the square of some broken
    markup's length (40 KB of `<a` and a line break, 27 s) and raised on `<![ x`, so one
    imported post could stall or end the import's image pass (issue 12)."""
    tags: list[Tag] = []
    end, size = 0, len(source)
    while (start := source.find("<", end)) >= 0 and start + 1 < size:
        after = source[start + 1]
        if _letter(after):
            found = _tag(source, start + 1)
            if found is None:
                break  # the tag runs to the end: nothing after it is markup
            name, attrs, end, self_closing = found
            if name in ("img", "a"):
                tags.append(Tag(start, end, name, attrs, self_closing))
            elif name in _RAW_TEXT:
                raw_end = _raw_text_end(name).search(source, end)
                if raw_end is None:
                    break
                end = raw_end.start()
        elif source.startswith("!--", start + 1):
            comment_end = _COMMENT_END.match(source, start + 4) or _COMMENT_END_SEARCH.search(
                source, start + 4
            )
            if comment_end is None:
                break
            end = comment_end.end()
        elif after == "/" and _letter(source[start + 2 : start + 3]):
            found = _tag(source, start + 2)  # an end tag, read alike for its quoted values
            if found is None:
                break
            end = found[2]
        elif after in "!?/":
            # `<!DOCTYPE`, `<![CDATA[`, `<?xml`, `</3`, `</>`: to the next `>`, a bogus comment
            bogus_end = source.find(">", start + 2 if after == "/" else start + 1)
            if bogus_end < 0:
                break
            end = bogus_end + 1
        else:
            end = start + 1  # a `<` in the text
    return tags


# Elements whose text holds no tags.
_RAW_TEXT = frozenset(
    ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript")
)
_SPACE = "\t\n\f\r "
_NAME = re.compile(f"[^{_SPACE}/>]*")
_BEFORE_ATTRIBUTE = re.compile(f"[{_SPACE}/]*")
_ATTRIBUTE_NAME = re.compile(f"[^{_SPACE}/>][^{_SPACE}/>=]*")
_SPACES = re.compile(f"[{_SPACE}]*")
_UNQUOTED = re.compile(f"[^{_SPACE}>]*")
# `<!-->` and `<!--->` end where they start; any other comment at `-->` or `--!>`.
_COMMENT_END = re.compile("-?>")
_COMMENT_END_SEARCH = re.compile("--!?>")


def _letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


@cache
def _raw_text_end(name: str) -> re.Pattern[str]:
    return re.compile(f"</{re.escape(name)}[{_SPACE}/>]", re.IGNORECASE)


def _past(pattern: re.Pattern[str], source: str, at: int) -> int:
    """Where `pattern` (which may match nothing) stops matching from `at`."""
    match = pattern.match(source, at)
    return match.end() if match else at


def _tag(source: str, at: int) -> tuple[str, Attrs, int, bool] | None:
    """The tag whose name starts at `at`: its name, its attributes (names in lower case,
    values with their references read), the offset after its `>`, and whether `/>` closed it.
    None when the source ends inside it."""
    named, size = _past(_NAME, source, at), len(source)
    name, at = source[at:named].lower(), named
    attrs: Attrs = []
    while True:
        gap, at = at, _past(_BEFORE_ATTRIBUTE, source, at)
        if at >= size:
            return None
        if source[at] == ">":
            return name, attrs, at + 1, at > gap and source[at - 1] == "/"
        key_end = _past(_ATTRIBUTE_NAME, source, at)  # one character at least
        key, at = source[at:key_end].lower(), _past(_SPACES, source, key_end)
        if not source.startswith("=", at):
            attrs.append((key, None))
            continue
        at = _past(_SPACES, source, at + 1)
        if at >= size:
            return None
        if (quote := source[at]) in "\"'":
            closing = source.find(quote, at + 1)
            if closing < 0:
                return None
            value, at = source[at + 1 : closing], closing + 1
        else:
            value_end = _past(_UNQUOTED, source, at)  # nothing before a `>`
            value, at = source[at:value_end], value_end
        attrs.append((key, unescape(value)))


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
